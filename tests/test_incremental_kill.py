"""The kill test: crawls killed with SIGKILL at many moments, then rerun to completion, must
leave every article in exactly one complete JSON line across the published files.

Kills land at chosen moments (before any item, mid-run) and, through the test extension's
`NEWSCRAWLER_TEST_CRASH_AT` (`tests.support.faults`), at the worst steps of a publication: file
written but not sealed, sealed but not renamed, renamed but not committed.
`NEWSCRAWLER_KILL_ROUNDS=N` adds N rounds, each adding six articles to the site and killing a
run at a random time (the report's figures come from such a run). The figures are printed
(`pytest -s`).
"""

from __future__ import annotations

import functools
import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from tests.support.cron import (
    crawl_command,
    feeds_setting,
    published_files,
    start_crawl,
    temp_files,
)
from tests.support.faults import CRASH_AT_ENV
from tests.support.replica import REPLICA_ARTICLES, list_in_sitemap, write_article

pytestmark = pytest.mark.slow

GENERATED = 30
BATCH = 3
SERVER_DELAY = 0.15  # seconds per response: a run takes a few seconds, long enough to kill


@dataclass
class Figures:
    runs: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    lost: int = 0
    duplicated: int = 0
    torn: int = 0
    temp_left: int = 0
    completed_next_run: int = 0
    """Files a killed run had sealed (or renamed) that the next run published and committed."""
    deleted_next_run: int = 0
    """Files a killed run was still writing that the next run deleted (their articles came
    again in a later run)."""
    returncodes: list[int] = field(default_factory=list)
    files_per_run: list[int] = field(default_factory=list)

    def table(self, title: str) -> str:
        kills = ", ".join(f"{kind} {n}" for kind, n in sorted(self.kills.items()))
        return (
            f"\n{title}\n"
            f"  runs {self.runs}; kills: {kills}\n"
            f"  exit statuses {self.returncodes}; files published per run {self.files_per_run}\n"
            f"  published lines {self.lines}; lost {self.lost}; duplicated {self.duplicated};"
            f" torn {self.torn}; temp files left {self.temp_left}\n"
            f"  recovery: {self.completed_next_run} files completed,"
            f" {self.deleted_next_run} unfinished files deleted"
        )

    def read_recoveries(self, log: str) -> None:
        self.completed_next_run = log.count("interrupted in an earlier run")
        self.deleted_next_run = log.count("left unfinished by an earlier run")


@pytest.fixture
def big_site(shz_site: Path) -> tuple[Path, set[str]]:
    """The replica with GENERATED more articles in its news sitemap."""
    paths = set(REPLICA_ARTICLES)
    for number in range(100, 100 + GENERATED):
        path = write_article(shz_site, number)
        list_in_sitemap(shz_site, path)
        paths.add(path)
    return shz_site, paths


def audit(files: list[Path], expected: set[str], figures: Figures) -> None:
    """Count lines, torn lines, lost and duplicated articles in the published files."""
    seen: Counter[str] = Counter()
    for path in files:
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            figures.torn += 1
        for line in data.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                figures.torn += 1
                continue
            figures.lines += 1
            seen[urlsplit(item["url"]).path] += 1
    figures.lost = len(expected - set(seen))
    figures.duplicated = sum(n - 1 for n in seen.values() if n > 1)
    assert set(seen) <= expected, set(seen) - expected


def run_killed(
    command: list[str],
    folder: Path,
    figures: Figures,
    *,
    kill: str | None = None,
    after: float = 0.0,
    crash_at: str | None = None,
) -> int:
    """One crawl; `kill` = "SIGKILL" or "SIGTERM" sends that signal `after` seconds after the
    start, or, with `after_file`, `after` seconds after the run published its first file."""
    log = folder / "crawls.log"
    # Files a crashed run left sealed are published by the next run's recovery: not its own.
    pending = {temp.with_name(temp.name[1:].rsplit(".", 2)[0]) for temp in temp_files(folder)}
    before = set(published_files(folder)) | pending
    process = start_crawl(command, log, {CRASH_AT_ENV: crash_at} if crash_at else None)
    if kill is not None:
        deadline = time.monotonic() + 60
        if kill.endswith("after_file"):
            while set(published_files(folder)) <= before and process.poll() is None:
                time.sleep(0.02)
                assert time.monotonic() < deadline
        time.sleep(after)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM if kill.startswith("SIGTERM") else signal.SIGKILL)
            figures.kills[f"{kill}+{after:.2f}s"] += 1
    try:
        returncode = process.wait(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        raise
    if crash_at and returncode == -signal.SIGKILL:
        figures.kills[f"crash at {crash_at}"] += 1
    figures.runs += 1
    figures.returncodes.append(returncode)
    figures.files_per_run.append(len(set(published_files(folder)) - before))  # its own
    return returncode


def random_kills() -> list[float]:
    rounds = int(os.environ.get("NEWSCRAWLER_KILL_ROUNDS", "0"))
    rng = random.Random(6)
    return [round(rng.uniform(0.3, 3.0), 2) for _ in range(rounds)]


def test_sigkill_at_any_moment_loses_and_duplicates_nothing(
    big_site: tuple[Path, set[str]], tmp_path: Path
) -> None:
    site, expected = big_site
    figures = Figures()
    with ReplicaServer(site, delay=SERVER_DELAY) as server:
        command = crawl_command(
            "shz",
            args={"base_url": server.url},
            settings={
                "FEEDS": feeds_setting(tmp_path, batch=BATCH),
                # few requests in flight: a graceful stop ends soon after the signal
                "CONCURRENT_REQUESTS": "2",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
            },
        )
        run = functools.partial(run_killed, command, tmp_path, figures)

        def more_work(first: int, count: int) -> None:
            """Fresh articles, so that a kill lands in a run that still has articles to emit
            however much the runs before it managed (a loaded machine lets a graceful stop
            emit more)."""
            for number in range(first, first + count):
                path = write_article(site, number)
                list_in_sitemap(site, path)
                expected.add(path)

        assert run(kill="SIGKILL", after=0.3) == -signal.SIGKILL  # before any item
        assert run(crash_at="written") == -signal.SIGKILL
        # A graceful stop publishes and records what was emitted until then.
        assert run(kill="SIGTERM after_file", after=0.1) == ExitStatus.UNFINISHED
        assert run(crash_at="sealed") == -signal.SIGKILL
        more_work(900, 3 * BATCH)  # at least two more files after the first
        assert run(kill="SIGKILL after_file", after=0.0) == -signal.SIGKILL
        assert run(crash_at="renamed") == -signal.SIGKILL
        more_work(950, 3 * BATCH)
        assert run(kill="SIGKILL after_file", after=0.15) == -signal.SIGKILL
        for number, after in enumerate(random_kills()):
            more_work(1000 + 6 * number, 6)
            run(kill="SIGKILL", after=after)
        assert run() == ExitStatus.OK
        files = published_files(tmp_path)
        assert run() == ExitStatus.OK
        assert published_files(tmp_path) == files  # the last run had nothing left to emit
    audit(files, expected, figures)
    figures.temp_left = len(temp_files(tmp_path))
    figures.read_recoveries((tmp_path / "crawls.log").read_text())
    print(figures.table(f"Kill test, default feeds, batches of {BATCH}, {len(expected)} articles"))
    assert figures.completed_next_run >= 2  # the sealed and the renamed file at least
    # Consumers reading the files the run summaries list get every article too.
    listed = [
        name
        for summary in tmp_path.rglob("*.summary.json")
        for key in ("files", "recovered_files")
        for name in json.loads(summary.read_text())[key]
    ]
    assert sorted(set(listed)) == [str(path) for path in files]
    assert figures.deleted_next_run >= 1  # the written, unsealed one at least
    assert figures.files_per_run[2] >= 1  # the SIGTERM run published what it had emitted
    assert (figures.lost, figures.duplicated, figures.torn) == (0, 0, 0)
    assert figures.lines == len(expected)
    assert figures.temp_left == 0


def test_sigkill_while_appending_to_one_file(
    big_site: tuple[Path, set[str]], tmp_path: Path
) -> None:
    site, expected = big_site
    figures = Figures()
    output = tmp_path / "archive.jsonl"
    with ReplicaServer(site, delay=SERVER_DELAY) as server:
        command = crawl_command(
            "shz",
            args={"base_url": server.url},
            settings={"CONCURRENT_REQUESTS": "2", "CONCURRENT_REQUESTS_PER_DOMAIN": "2"},
            extra=["-o", str(output)],
        )
        run = functools.partial(run_killed, command, tmp_path, figures)
        assert run(kill="SIGKILL", after=1.5) == -signal.SIGKILL
        assert run(crash_at="sealed") == -signal.SIGKILL
        assert run(crash_at="renamed") == -signal.SIGKILL
        assert run() == ExitStatus.OK
    audit([output], expected, figures)
    figures.temp_left = len(temp_files(tmp_path))
    figures.read_recoveries((tmp_path / "crawls.log").read_text())
    print(figures.table(f"Kill test, -o {output.name} (append), {len(expected)} articles"))
    assert figures.completed_next_run >= 2
    assert (figures.lost, figures.duplicated, figures.torn) == (0, 0, 0)
    assert figures.temp_left == 0


def test_a_sealed_file_deleted_before_its_rename_is_not_counted_as_emitted(
    shz_site: Path, tmp_path: Path
) -> None:
    # A run dies right after sealing its file; a temp-file cleaner then deletes that file.
    figures = Figures()
    with ReplicaServer(shz_site) as server:
        command = crawl_command(
            "shz", args={"base_url": server.url}, settings={"FEEDS": feeds_setting(tmp_path)}
        )
        assert run_killed(command, tmp_path, figures, crash_at="sealed") == -signal.SIGKILL
        (sealed,) = temp_files(tmp_path)
        sealed.unlink()
        assert run_killed(command, tmp_path, figures) == ExitStatus.OK
    log = (tmp_path / "crawls.log").read_text()
    assert f"{sealed}, completed by an earlier run that died, is gone before it was" in log
    files = published_files(tmp_path)
    audit(files, set(REPLICA_ARTICLES), figures)
    assert (figures.lost, figures.duplicated, figures.torn) == (0, 0, 0)
