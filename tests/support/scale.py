"""Support for the scaling tests: real servers (redis-server, scrapyd) on free ports of
127.0.0.1 with their files in a temporary folder, a bigger replica, crawls run side by side,
and the audit of what several output folders hold together.

Without redis-server on the machine the Redis tests skip, with the reason; in CI (`CI` set)
they fail instead: CI installs it (`.ci/run`) and must run them.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import redis

from newscrawler.demo.server import ReplicaServer, Reply
from tests.support.cron import crawl_command, feeds_setting, published_files, start_crawl
from tests.support.replica import REPLICA_ARTICLES, list_in_sitemap, write_article

REDIS_SERVER = shutil.which("redis-server")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def require_redis_server() -> str:
    """The redis-server executable; skips the test without one (fails in CI)."""
    if REDIS_SERVER is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if in_ci():
            pytest.fail(f"{message}: CI must run the Redis tests")
        pytest.skip(message)
    return REDIS_SERVER


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Any, timeout: float, what: str, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(interval)


class RedisServer:
    """A redis-server on 127.0.0.1 that persists every write (append-only file, fsync on
    every write): killed with SIGKILL and started again, it has every acknowledged write.

    `users`: lines of an ACL file (`user crawler on >secret ~newscrawler:* ...`) for users
    beside the default one, which stays an administrator without a password (the tests'
    `client()`)."""

    def __init__(self, folder: Path, *, users: list[str] | None = None):
        self.executable = require_redis_server()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.users = users or []
        self.process: subprocess.Popen[bytes] | None = None

    @functools.cached_property
    def socket(self) -> Path:
        """Its Unix socket (in a short folder when needed: socket paths stop at 107 bytes)."""
        path = self.folder / "redis.sock"
        if len(str(path)) > 100:
            path = Path(tempfile.mkdtemp(prefix="nc-redis-")) / "redis.sock"
        return path

    def url(self, db: int = 0, *, user: str = "", password: str = "") -> str:
        """Its URL, with a user and a password if given (without a password, a crawl takes
        it from NEWSCRAWLER_REDIS_PASSWORD)."""
        login = f"{user}:{password}@" if password else f"{user}@" if user else ""
        return f"redis://{login}127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(db), decode_responses=True)

    def start(self) -> RedisServer:
        command = [
            self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.folder), "--save", "", "--appendonly", "yes",
            "--appendfsync", "always", "--protected-mode", "no", "--loglevel", "warning",
            "--unixsocket", str(self.socket),
        ]  # fmt: skip
        if self.users:
            acl = self.folder / "users.acl"
            lines = ["user default on nopass ~* &* +@all", *self.users]
            acl.write_text("\n".join(lines) + "\n", encoding="utf-8")
            command += ["--aclfile", str(acl)]
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_until(self._answers, 10, f"redis-server on port {self.port}")
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            log = (self.folder / "redis.log").read_text(errors="replace")
            raise RuntimeError(f"redis-server exited: {log[-2000:]}")
        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        """SIGKILL: the server is gone at once, as after a crash or a lost machine."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    @classmethod
    @contextlib.contextmanager
    def running(cls, folder: Path, *, users: list[str] | None = None) -> Iterator[RedisServer]:
        server = cls(folder, users=users).start()
        try:
            yield server
        finally:
            server.stop()


class ScrapydServer:
    """scrapyd on 127.0.0.1 with a configuration of its own: eggs, logs, items and its
    databases in `folder`, jobs launched with this interpreter, HTTP basic authentication
    (`username`, `password`) on as README's scrapyd.conf has it, and `env` added to the
    environment it gives its jobs."""

    def __init__(
        self,
        folder: Path,
        *,
        items_dir: Path | None = None,
        username: str = "scheduler",
        password: str = "scrapyd-test-secret",
        env: dict[str, str] | None = None,
    ):
        self.folder = folder
        self.port = free_port()
        self.items_dir = items_dir
        self.username = username
        self.password = password
        self.env = env or {}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def authorization(self) -> str:
        """The `Authorization` header of its user."""
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return f"Basic {token}"

    def netrc(self, folder: Path) -> Path:
        """A netrc file with its credentials (for curl --netrc-file, and as `~/.netrc` for
        scrapyd-deploy), readable by its owner only."""
        path = folder / ".netrc"
        path.write_text(
            f"machine 127.0.0.1 login {self.username} password {self.password}\n",
            encoding="utf-8",
        )
        path.chmod(0o600)
        return path

    def config(self) -> str:
        return "\n".join([
            "[scrapyd]",
            "bind_address = 127.0.0.1",
            f"http_port = {self.port}",
            f"eggs_dir = {self.folder / 'eggs'}",
            f"logs_dir = {self.folder / 'logs'}",
            f"dbs_dir = {self.folder / 'dbs'}",
            f"items_dir = {self.items_dir or ''}",
            f"username = {self.username}",
            f"password = {self.password}",
            "poll_interval = 0.2",
            "max_proc = 2",
            "",
        ])  # fmt: skip

    def start(self) -> ScrapydServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        # scrapyd reads ./scrapyd.conf of its working directory
        (self.folder / "scrapyd.conf").write_text(self.config(), encoding="utf-8")
        log = (self.folder / "scrapyd.out").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"], cwd=self.folder, stdout=log,
            stderr=subprocess.STDOUT, env={**os.environ, **self.env},
        )  # fmt: skip
        log.close()
        wait_until(self._answers, 30, f"scrapyd on port {self.port}", interval=0.2)
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            output = (self.folder / "scrapyd.out").read_text(errors="replace")
            raise RuntimeError(f"scrapyd exited: {output[-2000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1):
            return True
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# --- Replicas, crawls side by side, audits ---------------------------------------------------


class JitteryReplica(ReplicaServer):
    """A replica whose answers take 0 to `jitter` seconds (seeded): crawls of it side by side
    overtake each other, as crawls of a real site do."""

    def __init__(self, root: Path, *, jitter: float, seed: int = 9):
        super().__init__(root)
        self.jitter = jitter
        self._random = random.Random(seed)

    def reply(self, path: str) -> Reply:
        with self._lock:
            pause = self._random.uniform(0, self.jitter)
        time.sleep(pause)
        return super().reply(path)


def grow_site(site: Path, count: int, first: int = 100) -> set[str]:
    """`count` more articles in the replica's news sitemap; every article path of the site."""
    paths = set(REPLICA_ARTICLES)
    for number in range(first, first + count):
        path = write_article(site, number)
        list_in_sitemap(site, path)
        paths.add(path)
    return paths


def folder_items(folder: Path) -> list[dict[str, Any]]:
    """Every item of the published files under `folder`."""
    return [
        json.loads(line)
        for path in published_files(folder)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


@dataclass
class Audit:
    """What several output folders hold together, against the site's articles."""

    per_folder: list[int]
    duplicates: int
    missing: set[str]
    unexpected: set[str]
    counts: Counter[str] = field(default_factory=Counter)

    def table(self, title: str) -> str:
        per = ", ".join(f"process {n + 1}: {items}" for n, items in enumerate(self.per_folder))
        return (
            f"\n{title}\n  items per process: {per}; total {sum(self.per_folder)}\n"
            f"  duplicates {self.duplicates}; missing {len(self.missing)};"
            f" unexpected {len(self.unexpected)}"
        )


def audit(folders: list[Path], expected: set[str]) -> Audit:
    counts: Counter[str] = Counter()
    per_folder = []
    for folder in folders:
        items = folder_items(folder)
        per_folder.append(len(items))
        counts.update(urlsplit(item["url"]).path for item in items)
    return Audit(
        per_folder=per_folder,
        duplicates=sum(n - 1 for n in counts.values() if n > 1),
        missing=expected - set(counts),
        unexpected=set(counts) - expected,
        counts=counts,
    )


@dataclass
class Worker:
    """A crawl running in the background into an output folder of its own."""

    folder: Path
    process: subprocess.Popen[bytes]
    log_path: Path
    returncode: int | None = None

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 90) -> int:
        try:
            self.returncode = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"crawl did not end in {timeout}s:\n{self.log[-3000:]}") from None
        return self.returncode

    def stat(self, key: str) -> int:
        """A counter from the stats dumped at the end of the log (0 if absent)."""
        marker = f"'{key}': "
        for line in reversed(self.log.splitlines()):
            if marker in line:
                return int(line.split(marker, 1)[1].split(",")[0].strip(" }"))
        return 0


def start_worker(
    spider: str,
    folder: Path,
    *,
    args: dict[str, str],
    settings: dict[str, str],
    batch: int = 200,
    env: dict[str, str] | None = None,
) -> Worker:
    folder.mkdir(parents=True, exist_ok=True)
    command = crawl_command(
        spider, args=args, settings={"FEEDS": feeds_setting(folder, batch=batch), **settings}
    )
    log = folder / "crawl.log"
    return Worker(folder, start_crawl(command, log, env), log)


def wait_for_log(worker: Worker, text: str, count: int = 1, timeout: float = 60) -> None:
    """Until the crawl's log has `count` lines with `text` (e.g. items scraped)."""
    deadline = time.monotonic() + timeout
    while worker.log.count(text) < count:
        assert worker.process.poll() is None, f"crawl ended early:\n{worker.log[-3000:]}"
        assert time.monotonic() < deadline, f"not {count} times {text!r} in time"
        time.sleep(0.01)
