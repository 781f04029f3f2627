"""Exit statuses of `scrapy crawl`, as cron sees them, from real crawls."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from newscrawler.demo.server import ReplicaServer, Reply, file_reply
from newscrawler.extensions.outcome import ExitStatus
from tests.support.cron import crawl_command, feeds_setting, run_cron, start_crawl
from tests.support.scale import wait_until
from tests.support.spiders import BROKEN_PAGE

pytestmark = pytest.mark.slow


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_site(tmp_path: Path) -> None:
    run = run_cron(
        "shz",
        tmp_path,
        args={"base_url": f"http://127.0.0.1:{closed_port()}"},
        settings={"RETRY_TIMES": "0"},
    )
    assert run.returncode == ExitStatus.SITE_UNREACHABLE, run.log[-3000:]
    assert "Site unreachable: none of the 5 start points answered" in run.log
    assert run.summary is not None
    assert run.summary["exit_status"] == ExitStatus.SITE_UNREACHABLE
    assert run.summary["finish_reason"] == "finished"
    assert run.summary["counts"]["failed"]["discovery"]


def test_error_in_a_callback(shz_server: ReplicaServer, tmp_path: Path) -> None:
    run = run_cron(
        "shz_broken",
        tmp_path,
        args={"base_url": shz_server.url},
        settings={"SPIDER_MODULES": "newscrawler.spiders,tests.support.spiders"},
    )
    assert run.returncode == ExitStatus.ERRORS_LOGGED, run.log[-3000:]
    assert "a bug in a callback" in run.log
    # The other articles are emitted and published all the same.
    assert len(run.items) == 4 and not any(BROKEN_PAGE in item["url"] for item in run.items)
    assert run.summary is not None and run.summary["counts"]["errors"] >= 1


def test_page_failures_are_no_run_failure(shz_server: ReplicaServer, tmp_path: Path) -> None:
    broken = "/lokales/kiel/artikel/kieler-woche-2022-programm-steht-fest-41251577"
    shz_server.routes[broken] = lambda path: Reply(404, {}, b"gone")
    run = run_cron("shz", tmp_path, args={"base_url": shz_server.url})
    assert run.returncode == ExitStatus.OK, run.log[-3000:]
    assert len(run.items) == 4
    assert run.summary is not None and run.summary["counts"]["failed"]["articles"]


@pytest.mark.parametrize(
    ("args", "settings", "message"),
    [
        ({"incremental": "perhaps"}, {}, "argument 'incremental' expects 1 or 0"),
        ({"days": "-3"}, {}, "argument 'days' expects a number above 0"),
        ({}, {"NEWSCRAWLER_STATE_URL": "mongodb://127.0.0.1:1/news"}, "unknown state backend"),
    ],
)
def test_not_started(
    args: dict[str, str], settings: dict[str, str], message: str, tmp_path: Path
) -> None:
    run = run_cron("shz", tmp_path, args=args, settings=settings)
    assert run.returncode == ExitStatus.NOT_STARTED, run.log[-3000:]
    assert "Crawl not started" in run.log and message in run.log
    assert run.summary is None and "Traceback" not in run.log


def test_unknown_spider_and_unusable_state(tmp_path: Path) -> None:
    unknown = run_cron("no_such_site", tmp_path)
    assert unknown.returncode == ExitStatus.NOT_STARTED
    assert "Spider not found: no_such_site" in unknown.log
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    state = f"sqlite://{blocker}/shz.sqlite"
    unusable = run_cron("shz", tmp_path, settings={"NEWSCRAWLER_STATE_URL": state})
    assert unusable.returncode == ExitStatus.NOT_STARTED
    assert f"{blocker} is not a folder" in unusable.log


def test_bad_budget_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cron("shz", tmp_path, extra=["--budget", "soon"])
    assert run.returncode == ExitStatus.USAGE
    assert "not a duration" in run.log


def test_run_budget_stops_gracefully(shz_site: Path, tmp_path: Path) -> None:
    with ReplicaServer(shz_site, delay=1.5) as slow:
        run = run_cron("shz", tmp_path, args={"base_url": slow.url}, extra=["--budget", "1s"])
    assert run.returncode == ExitStatus.UNFINISHED, run.log[-3000:]
    assert run.summary is not None
    assert run.summary["finish_reason"] == "closespider_timeout"
    assert run.summary["exit_status"] == ExitStatus.UNFINISHED


def test_overlapping_runs(shz_site: Path, tmp_path: Path) -> None:
    """The second run is refused while the first holds the lock. The first is held on its feed
    until the second has ended (conditions, not timing: a loaded machine changes nothing)."""
    second_done = threading.Event()

    def held_feed(path: str) -> Reply:
        second_done.wait(timeout=90)
        return file_reply(shz_site, "/rss")

    with ReplicaServer(shz_site, routes={"/rss": held_feed}) as site:
        command = crawl_command(
            "shz",
            args={"base_url": site.url},
            settings={"FEEDS": feeds_setting(tmp_path)},
        )
        first = start_crawl(command, tmp_path / "first.log")
        lock = tmp_path / ".state" / "shz.lock"
        try:
            wait_until(lambda: "/rss" in site.requests, 60, "the first run to ask for the feed")
            second = run_cron("shz", tmp_path, args={"base_url": site.url})
            # Refused without waiting for the lock: the first run cannot end before this.
            assert first.poll() is None
        finally:
            second_done.set()
        assert first.wait(timeout=90) == ExitStatus.OK
    assert second.returncode == ExitStatus.LOCKED, second.log[-3000:]
    assert f"spider 'shz' is running: another run holds the lock {lock}" in second.log
    assert f"pid {first.pid}" in second.log
    assert second.summary is None
    assert site.requests.count("/rss") == 1  # the second run fetched nothing
    first_log = (tmp_path / "first.log").read_text()
    assert "Stored jsonlines feed (5 items)" in first_log
