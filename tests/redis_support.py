"""Real servers for the scaling tests: redis-server and scrapyd on free ports of 127.0.0.1,
with their files in a temporary folder, started and stopped by the tests.

Without redis-server on the machine the Redis tests skip, with the reason; in CI (`CI` set)
they fail instead: CI installs it (`.ci/run`) and must run them.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

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
    every write): killed with SIGKILL and started again, it has every acknowledged write."""

    def __init__(self, folder: Path):
        self.executable = require_redis_server()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(db), decode_responses=True)

    def start(self) -> RedisServer:
        command = [
            self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
            "--dir", str(self.folder), "--save", "", "--appendonly", "yes",
            "--appendfsync", "always", "--protected-mode", "no", "--loglevel", "warning",
        ]  # fmt: skip
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
    def running(cls, folder: Path) -> Iterator[RedisServer]:
        server = cls(folder).start()
        try:
            yield server
        finally:
            server.stop()


class ScrapydServer:
    """scrapyd on 127.0.0.1 with a configuration of its own: eggs, logs, items and its
    databases in `folder`, jobs launched with this interpreter."""

    def __init__(self, folder: Path, *, items_dir: Path | None = None):
        self.folder = folder
        self.port = free_port()
        self.items_dir = items_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def config(self) -> str:
        return "\n".join([
            "[scrapyd]",
            "bind_address = 127.0.0.1",
            f"http_port = {self.port}",
            f"eggs_dir = {self.folder / 'eggs'}",
            f"logs_dir = {self.folder / 'logs'}",
            f"dbs_dir = {self.folder / 'dbs'}",
            f"items_dir = {self.items_dir or ''}",
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
            stderr=subprocess.STDOUT,
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
