"""Fetch leases and the memory of non-articles, on a real SQLite file and a real redis-server:
one run's lease keeps the others away until it is released, its article claimed, or its run
dead; pages remembered as no article are forgotten when their time is up."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.state import StateStore, open_state
from newscrawler.state.fetch_once import CLAIMED, LEASED
from tests.support.paths import PROJECT_ROOT
from tests.support.scale import RedisServer
from tests.support.state import T1, emission

URL = "https://x.de/a/1"
# Runs on another machine: alive as long as they renew (no process to look at here).
RUN_A, RUN_B, RUN_C = "elsewhere:1:aaaaaa", "elsewhere:2:bbbbbb", "elsewhere:3:cccccc"


@pytest.fixture(params=["sqlite", "redis"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path}/state.sqlite"
        return
    with RedisServer.running(tmp_path / "redis") as server:
        yield server.url() + "?spider=shz"


def run(url: str, owner: str) -> StateStore:
    """A run of its own (a store per run, as per process)."""
    store = open_state(url)
    store.begin_run(owner, T1)
    return store


def test_a_lease_keeps_other_runs_away_until_released(state_url: str) -> None:
    a, b = run(state_url, RUN_A), run(state_url, RUN_B)
    assert a.lease_fetch(RUN_A, URL) is None
    assert a.lease_fetch(RUN_A, URL) is None  # its own lease again (a retry, a redirect)
    assert b.lease_fetch(RUN_B, URL) == LEASED
    a.release_fetch(RUN_A, [URL])
    assert b.lease_fetch(RUN_B, URL) is None
    assert a.lease_fetch(RUN_A, URL) == LEASED
    assert b.release_fetch_leases(RUN_B) == 1
    for store, owner in ((a, RUN_A), (b, RUN_B)):
        store.end_run(owner)
        store.close()


def test_a_claimed_article_is_not_fetched_by_another_run(state_url: str) -> None:
    a, b = run(state_url, RUN_A), run(state_url, RUN_B)
    assert a.lease_fetch(RUN_A, URL) is None
    assert a.claim(RUN_A, emission(URL))  # extracted, about to be published
    a.release_fetch(RUN_A, [URL])
    assert b.lease_fetch(RUN_B, URL) == CLAIMED
    a.release_claims(RUN_A)  # not published after all (the run ends)
    assert b.lease_fetch(RUN_B, URL) is None
    for store, owner in ((a, RUN_A), (b, RUN_B)):
        store.end_run(owner)
        store.close()


KILLED_RUN = """
import sys, time
from newscrawler.state import new_owner_id, open_state
from tests.support.state import T1, emission
store, owner = open_state(sys.argv[1]), new_owner_id()
store.begin_run(owner, T1)
assert store.lease_fetch(owner, "https://x.de/a/1") is None
assert store.claim(owner, emission("https://x.de/a/2"))
print(owner, flush=True)
time.sleep(60)
"""


def test_the_leases_and_claims_of_a_killed_run_are_free(state_url: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, state_url], cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert process.stdout is not None
    owner = process.stdout.readline().strip()
    c = run(state_url, RUN_C)
    assert c.lease_fetch(RUN_C, URL) == LEASED  # alive: its lease holds
    process.kill()  # SIGKILL: nothing released, no end of run
    process.wait()
    # A run of this machine whose process is gone is dead at once, before its lease expires.
    assert owner and c.lease_fetch(RUN_C, URL) is None
    assert c.lease_fetch(RUN_C, "https://x.de/a/2") is None  # its unsealed claim is free too
    assert c.claim(RUN_C, emission("https://x.de/a/2"))
    c.end_run(RUN_C)
    c.close()


def test_non_articles_are_remembered_until_their_time_is_up(state_url: str) -> None:
    store = run(state_url, RUN_A)
    now = time.time()
    store.remember_non_article("https://x.de/politik/", now + 3600, "index page")
    store.remember_non_article("https://x.de/galerie/", now - 1, "video page")
    assert store.non_articles(["https://x.de/politik/", "https://x.de/galerie/", URL], now) == {
        "https://x.de/politik/": "index page"
    }
    assert store.non_articles(["https://x.de/politik/"], now + 7200) == {}
    store.end_run(RUN_A)
    store.close()
