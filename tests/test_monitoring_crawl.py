"""Monitors and the report in real crawls: a replica whose template changes after five good
runs (the headline element renamed) makes the sixth run fail its title-coverage monitor, with
exit status 7, a line naming the site, the field and the figures, and an entry in the summary;
the site's report.html renders in headless Chromium without console errors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.state.sqlite import SqliteState
from tests.support.browser import open_page
from tests.support.cron import Run, run_cron
from tests.support.replica import list_in_sitemap, write_article
from tests.support.versions import move_headline

pytestmark = pytest.mark.slow

GOOD_RUNS = 5
NEW_PER_RUN = 2


@dataclass
class Sequence:
    folder: Path
    good: list[Run]
    changed: Run


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sequence]:
    root = tmp_path_factory.mktemp("monitoring")
    site = Path(shutil.copytree(SITES_DIR / "shz", root / "site"))
    folder = root / "output"
    runs = []
    with ReplicaServer(site) as server:
        for run in range(GOOD_RUNS + 1):
            for number in range(run * NEW_PER_RUN + 1, (run + 1) * NEW_PER_RUN + 1):
                list_in_sitemap(site, write_article(site, number))
                if run == GOOD_RUNS:
                    move_headline(site, number)
            runs.append(run_cron("shz", folder, args={"base_url": server.url}))
    yield Sequence(folder, runs[:GOOD_RUNS], runs[GOOD_RUNS])


def test_good_runs_pass_or_only_record(sequence: Sequence) -> None:
    for number, run in enumerate(sequence.good, 1):
        assert run.returncode == 0, run.log[-3000:]
        assert run.summary is not None
        results = run.summary["monitors"]["results"]
        assert run.summary["monitors"]["failed"] == 0
        statuses = {result["status"] for result in results}
        # the first three runs have no history of three good runs: every monitor skips
        if number <= 3:
            assert statuses == {"SKIPPED"}
        else:
            assert "OK" in statuses and statuses <= {"OK", "SKIPPED"}


def test_template_change_fails_the_title_coverage_monitor(sequence: Sequence) -> None:
    run = sequence.changed
    assert run.returncode == ExitStatus.MONITORS_FAILED == 7, run.log[-3000:]
    failed = [line for line in run.log.splitlines() if "Monitor failed:" in line]
    title = [line for line in failed if "title coverage" in line]
    assert title, failed
    assert "shz: title coverage 0.00, usually 1.00" in title[0]
    assert "NEWSCRAWLER_MONITOR_COVERAGE_DROP" in title[0]
    assert run.summary is not None
    assert run.summary["exit_status"] == 7
    assert run.summary["exit_status_name"] == "monitors_failed"
    reasons = [r["reason"] for r in run.summary["monitors"]["results"] if r["status"] == "FAIL"]
    assert any("title coverage 0.00" in (reason or "") for reason in reasons)
    assert not [line for line in run.log.splitlines() if "] ERROR:" in line]


def test_history_is_in_the_state(sequence: Sequence) -> None:
    store = SqliteState(f"sqlite://{sequence.folder}/.state/shz.sqlite")
    try:
        history = store.run_history(10)
    finally:
        store.close()
    assert len(history) == GOOD_RUNS + 1
    newest = history[0]
    assert newest["good"] is False and newest["coverage"]["title"] == 0.0
    assert all(run["good"] and run["coverage"]["title"] == 1.0 for run in history[1:])
    assert [run["items"] for run in history] == [0] + [NEW_PER_RUN] * (GOOD_RUNS - 1) + [
        7  # the first run: the replica's five articles and two new ones
    ]


def test_report_renders_in_headless_chromium(sequence: Sequence, tmp_path: Path) -> None:
    report = sequence.folder / "shz" / "report.html"
    assert report.is_file()
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text
    page = open_page(report, tmp_path / "report.png")
    assert page.console_errors == [], page.console_errors
    assert page.failed_requests == []
    assert page.requests == [report.as_uri()]  # nothing from the network, nothing else at all
    assert page.svg_count == 3
    assert "title coverage 0.00" in page.text
    assert page.distinct_colours > 3  # not a blank page: plots and tables drawn
