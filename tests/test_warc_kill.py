"""The kill test over WARC and JSON lines together: crawls with `-s NEWSCRAWLER_WARC=True` killed
with SIGKILL at chosen moments and at the worst steps of a publication (the WARC file written
but not sealed; sealed, its JSON lines file not; renamed, the JSON lines file not), then run to
completion. Afterwards every article is in exactly one complete JSON line, every published WARC
file passes warcio's checker and ends with its last record, no temporary file is left, and
every item's pointer reads back its own response record.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.urls import strip_tracking
from newscrawler.warc.reader import record_end
from tests.support.cron import (
    crawl_command,
    feeds_setting,
    published_files,
    start_crawl,
    temp_files,
)
from tests.support.faults import CRASH_AT_ENV
from tests.support.scale import grow_site
from tests.support.warc import read_pointer, warc_records, warcio_check

pytestmark = pytest.mark.slow

BATCH = 3
SERVER_DELAY = 0.15  # seconds per response: a run takes seconds, long enough to kill


def run_once(
    command: list[str],
    folder: Path,
    *,
    kill_after: float | None = None,
    after_file: bool = False,
    crash_at: str | None = None,
) -> int:
    """One crawl; SIGKILL `kill_after` seconds after its start (or after it published its
    first file), or a crash at a publication step (`crash_at`)."""
    before = set(published_files(folder))
    process = start_crawl(
        command, folder / "crawls.log", {CRASH_AT_ENV: crash_at} if crash_at else None
    )
    if kill_after is not None:
        deadline = time.monotonic() + 60
        while after_file and set(published_files(folder)) <= before and process.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(kill_after)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
    try:
        return process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def test_killed_runs_leave_no_torn_warc_and_no_dangling_pointer(
    shz_site: Path, tmp_path: Path
) -> None:
    expected = grow_site(shz_site, 24)
    output = tmp_path / "out"
    output.mkdir()
    with ReplicaServer(shz_site, delay=SERVER_DELAY) as server:
        command = crawl_command(
            "shz",
            args={"base_url": server.url},
            settings={
                "FEEDS": feeds_setting(output, batch=BATCH),
                "NEWSCRAWLER_WARC": "True",
                "CONCURRENT_REQUESTS": "2",
                "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
            },
        )
        killed = -signal.SIGKILL
        assert run_once(command, output, kill_after=0.3) == killed  # before any item
        assert run_once(command, output, crash_at="written") == killed  # WARC unsealed
        assert run_once(command, output, crash_at="sealed") == killed  # WARC sealed only
        assert run_once(command, output, kill_after=0.0, after_file=True) == killed
        assert run_once(command, output, crash_at="renamed") == killed  # WARC published only
        assert run_once(command, output, kill_after=0.2, after_file=True) == killed
        assert run_once(command, output) == ExitStatus.OK
    log = (output / "crawls.log").read_text(encoding="utf-8")
    assert log.count("interrupted in an earlier run") >= 2  # sealed files completed
    assert log.count("left unfinished by an earlier run") >= 1  # unsealed ones deleted
    folder = output / "shz"
    assert temp_files(output) == []

    lines: Counter[str] = Counter()
    for path in published_files(output):
        data = path.read_bytes()
        assert data.endswith(b"\n"), path  # no torn line
        for line in data.splitlines():
            item = json.loads(line)
            lines[urlsplit(item["url"]).path] += 1
            record = read_pointer(folder, item["warc"])  # no dangling pointer
            assert record.warc_headers["WARC-Record-ID"] == item["warc"]["record_id"]
            assert strip_tracking(record.warc_headers["WARC-Target-URI"]) == item["url"]
    assert set(lines) == expected and set(lines.values()) == {1}  # none lost, none twice

    warcs = sorted(folder.glob("*.warc.gz"))
    checked = warcio_check(warcs)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    for path in warcs:
        with path.open("rb") as file:
            end, problem = record_end(file, warc_records(path)[-1][0])
        assert problem is None and end == path.stat().st_size, (path, problem)
    print(
        f"\nWARC kill test: {len(warcs)} WARC files, {sum(lines.values())} items,"
        f" {len(published_files(output))} JSON lines files, all pointers resolved"
    )
