"""A mistyped state location must not quietly start a fresh state (the next run would emit every
article again, duplicates for every consumer): checked before the run, or said loudly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from tests.support.cron import run_cron

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "sqlite://{tmp}/nonexistent/dir/x.sqlite",
            "NEWSCRAWLER_STATE_URL 'sqlite://{tmp}/nonexistent/dir/x.sqlite': {tmp}/nonexistent/dir"
            " does not exist",
        ),
        (
            "sqlite://relative.sqlite",
            "NEWSCRAWLER_STATE_URL 'sqlite://relative.sqlite': a SQLite state needs an absolute"
            " path after three slashes, as in sqlite:///",
        ),
        (
            "bogus://x",
            "NEWSCRAWLER_STATE_URL 'bogus://x' names an unknown state backend (known: sqlite://,",
        ),
    ],
)
def test_a_wrong_location_is_refused_before_the_run(
    given: str, message: str, shz_server: ReplicaServer, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    run = run_cron(
        "shz",
        output,
        args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_STATE_URL": given.format(tmp=tmp_path)},
    )
    assert run.returncode == ExitStatus.NOT_STARTED, run.log[-3000:]
    assert f"Crawl not started: {message.format(tmp=tmp_path)}" in run.log
    assert "?spider=" not in run.log  # what the user typed, not our internal form
    assert shz_server.requests == [] and run.summary is None
    assert not (tmp_path / "nonexistent").exists()  # no folder created
    assert not list(Path.cwd().glob("relative.sqlite*"))  # nothing in the current folder


def test_a_changed_location_is_said_loudly(shz_server: ReplicaServer, tmp_path: Path) -> None:
    first = run_cron("shz", tmp_path, args={"base_url": shz_server.url})
    assert first.returncode == ExitStatus.OK and len(first.items) == 5
    assert first.summary is not None and first.summary["state_created"] is True
    assert first.summary["state_warning"] is None
    assert "New state sqlite://" in first.log and "WARNING: New state" not in first.log

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = run_cron(
        "shz",
        tmp_path,
        args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_STATE_URL": f"sqlite://{elsewhere}/shz.sqlite"},
    )
    assert moved.returncode == ExitStatus.OK, moved.log[-3000:]
    old_state = f"sqlite://{tmp_path}/.state/shz.sqlite"
    warnings = [
        line for line in moved.log.splitlines() if "WARNING: State location changed" in line
    ]
    assert len(warnings) == 1, moved.log[-3000:]
    assert old_state in warnings[0] and f"sqlite://{elsewhere}/shz.sqlite" in warnings[0]
    assert moved.summary is not None and moved.summary["state_created"] is True
    assert old_state in moved.summary["state_warning"]
    assert len(moved.items) == 5  # the duplicates the warning is about


def test_a_deleted_state_beside_earlier_output(shz_server: ReplicaServer, tmp_path: Path) -> None:
    first = run_cron("shz", tmp_path, args={"base_url": shz_server.url})
    assert first.returncode == ExitStatus.OK and len(first.items) == 5
    shutil.rmtree(tmp_path / ".state")
    again = run_cron("shz", tmp_path, args={"base_url": shz_server.url})
    assert again.returncode == ExitStatus.OK
    warning = next(line for line in again.log.splitlines() if "WARNING: New state" in line)
    assert f"sqlite://{tmp_path}/.state/shz.sqlite" in warning  # both places named
    assert f"{tmp_path}/shz already holds output of shz (1 files)" in warning
    assert again.summary is not None and "already holds output" in again.summary["state_warning"]
    # A second run with that state is quiet again.
    third = run_cron("shz", tmp_path, args={"base_url": shz_server.url})
    assert "New state" not in third.log and third.summary is not None
    assert third.summary["state_created"] is False and third.items == []
