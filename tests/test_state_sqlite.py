"""The SQLite state store and the run lock, on real files and real processes (the operations
every store offers: test_state_contract.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawler.publish.layout import output_root, run_lock_path, state_url
from newscrawler.state import RunLocked, StateError, acquire_run_lock, open_state
from newscrawler.state.sqlite import SqliteState
from tests.support.state import T1, T2, emission

RUN_A, RUN_B = "host:1:aaaaaa", "host:2:bbbbbb"


def test_orphans_of_a_dead_run(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/shz.sqlite"
    dead = SqliteState(url)
    dead.claim(RUN_A, emission("https://x/sealed"))
    dead.claim(RUN_A, emission("https://x/unsealed"))
    sealed = dead.begin_publication(RUN_A, "/o/.1.part", "/o/1.jsonl")
    dead.seal_publication(sealed, ["https://x/sealed"])
    writing = dead.begin_publication(RUN_A, "/o/.2.part", "/o/2.jsonl")
    dead.close()  # the run dies here

    store = SqliteState(url)
    assert store.orphaned_publications(RUN_A) == []  # a run's own publications are no orphans
    orphans = store.orphaned_publications(RUN_B)
    assert [(p.id, p.sealed) for p in orphans] == [(sealed, True), (writing, False)]
    assert store.release_orphaned_claims(RUN_B) == 1  # the unsealed claim only
    store.abandon_publication(writing)
    assert store.finish_publication(sealed, T2) == {"new": 1}
    assert store.orphaned_publications(RUN_B) == []
    assert set(store.lookup(["https://x/sealed", "https://x/unsealed"])) == {"https://x/sealed"}
    store.close()


def test_files_of_runs_that_died_are_reported(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path}/shz.sqlite"
    run_c = "host:3:cccccc"
    for owner, name, ended in ((RUN_A, "/o/a.jsonl", True), (RUN_B, "/o/b.jsonl", False)):
        run = SqliteState(url)  # each run its own process
        run.begin_run(owner, T1)
        run.claim(owner, emission(f"https://x/{owner}"))
        publication = run.begin_publication(owner, name + ".part", name)
        run.seal_publication(publication, [f"https://x/{owner}"])
        run.finish_publication(publication, T2)
        if ended:
            run.end_run(owner)  # its summary lists a.jsonl
        run.close()  # B dies here, before its summary
    store = SqliteState(url)
    # B died before its summary: the next run takes its file over, to report it ...
    assert store.take_unreported_files(run_c) == ["/o/b.jsonl"]
    # ... and if that run dies too, the one after takes it again.
    assert store.take_unreported_files(RUN_A) == ["/o/b.jsonl"]
    store.end_run(RUN_A)
    assert store.take_unreported_files(run_c) == []
    store.close()


def test_state_urls_and_errors(tmp_path: Path) -> None:
    with pytest.raises(StateError, match="unknown state backend"):
        open_state("mongodb://127.0.0.1:27017/news")
    with pytest.raises(StateError, match="names no file"):
        open_state("sqlite://")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(StateError, match="cannot open the state"):
        open_state(f"sqlite://{blocker}/x.sqlite")
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version=99")
    with pytest.raises(StateError, match="newer newscrawler"):
        open_state(f"sqlite://{newer}")


def test_where_state_lives(tmp_path: Path) -> None:
    defaults = Settings(
        {
            "NEWSCRAWLER_OUTPUT_DIR": "/srv/news",
            "FEEDS": {"/srv/news/%(name)s/%(time)s-%(batch_id)04d.jsonl": {}},
        }
    )
    assert state_url(defaults, "shz") == "sqlite:///srv/news/.state/shz.sqlite"
    assert run_lock_path(state_url(defaults, "shz"), defaults, "shz") == Path(
        "/srv/news/.state/shz.lock"
    )
    # -O /tmp/x/out.jsonl: the state goes with that output, not with the archive's.
    quick = Settings(
        {"NEWSCRAWLER_OUTPUT_DIR": "/srv/news", "FEEDS": {f"{tmp_path}/out.jsonl": {}}}
    )
    assert output_root(quick) == tmp_path
    assert state_url(quick, "shz") == f"sqlite://{tmp_path}/.state/shz.sqlite"
    stdout = Settings({"NEWSCRAWLER_OUTPUT_DIR": "/srv/news", "FEEDS": {"stdout:": {}}})
    assert output_root(stdout) == Path("/srv/news")
    chosen = Settings({"NEWSCRAWLER_STATE_URL": "sqlite:///var/lib/nc/all.sqlite"})
    assert state_url(chosen, "shz") == "sqlite:///var/lib/nc/all.sqlite"
    other = "redis://db:6379/0"
    assert run_lock_path(other, defaults, "shz") == Path("/srv/news/.state/shz.lock")


def test_run_lock_excludes_other_processes(tmp_path: Path) -> None:
    path = tmp_path / ".state" / "shz.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from newscrawler.state import acquire_run_lock
            acquire_run_lock(Path({str(path)!r}))
            print("held", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match=f"pid {holder.pid}"):
            acquire_run_lock(path)
    finally:
        holder.kill()  # the kernel releases a killed process's lock
        holder.wait()
    lock = acquire_run_lock(path)
    with pytest.raises(RunLocked, match=f"pid {os.getpid()}"):  # another crawl of this process
        acquire_run_lock(path)
    lock.release()
