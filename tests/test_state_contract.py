"""What every state store offers (`newscrawler.state.base.StateStore`), one suite run against
each backend: a SQLite file and a real redis-server. What sharing adds to Redis is in
test_redis_state.py; files, locks and URLs of SQLite in test_state_sqlite.py."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.state import StateStore
from tests.support.scale import RedisServer
from tests.support.state import T1, T2, T3, emission, fresh_store

# Runs of this process on this machine: a Redis store keeps their leases alive.
RUN_A, RUN_B = (f"{socket.gethostname()}:{os.getpid()}:{name}" for name in ("aaaaaa", "bbbbbb"))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path_factory.mktemp("redis")) as running:
        yield running


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """A fresh store in which RUN_A and RUN_B have begun (at T1 and T2)."""
    server = request.getfixturevalue("redis_server") if request.param == "redis" else None
    opened = fresh_store(request.param, tmp_path, server)
    assert opened.last_run_started() is None
    opened.begin_run(RUN_A, T1)
    opened.begin_run(RUN_B, T2)
    yield opened
    opened.close()


def publish(store: StateStore, owner: str, urls: list[str], at: str) -> dict[str, int]:
    publication = store.begin_publication(owner, "/out/.x.jsonl.0123abcd.part", "/out/x.jsonl")
    store.seal_publication(publication, urls)
    return store.finish_publication(publication, at)


def test_an_article_counts_as_emitted_only_once_published(store: StateStore) -> None:
    url, alias = "https://www.shz.de/a-1", "https://www.shz.de/canonical-a-1"
    assert store.claim(RUN_A, emission(url, extra_keys=(alias,)))
    assert store.lookup([url, alias]) == {}  # claimed, not emitted
    assert publish(store, RUN_A, [url], T2) == {"new": 1}
    records = store.lookup([url, alias, "https://www.shz.de/other"])
    assert set(records) == {url, alias}
    record = records[url]
    assert (record.fingerprint, record.first_emitted, record.last_emitted) == ("f1", T2, T2)
    assert (record.last_checked, record.date_modified) == (T1, None)  # fetched at T1
    assert record.date_published == "2022-01-21T09:00:00+01:00"


def test_a_claim_is_all_or_nothing(store: StateStore) -> None:
    assert store.claim(RUN_A, emission("https://x/1", extra_keys=("https://x/shared",)))
    # Any key already claimed (by this run or another one) fails the whole claim.
    assert not store.claim(RUN_B, emission("https://x/2", extra_keys=("https://x/shared",)))
    assert not store.claim(RUN_A, emission("https://x/1"))
    assert store.claim(RUN_B, emission("https://x/2"))  # nothing of the failed claim remains


def test_an_update_keeps_the_first_emission(store: StateStore) -> None:
    url = "https://www.shz.de/a-1"
    store.claim(RUN_A, emission(url))
    publish(store, RUN_A, [url], T1)
    store.claim(RUN_B, emission(url, fingerprint="f2", kind="updated", modified=T2))
    assert publish(store, RUN_B, [url], T3) == {"updated": 1}
    record = store.lookup([url])[url]
    assert (record.fingerprint, record.date_modified) == ("f2", T2)
    assert (record.first_emitted, record.last_emitted) == (T1, T3)


def test_only_the_articles_in_the_file_are_committed(store: StateStore) -> None:
    published, dropped = "https://x/in-file", "https://x/dropped-by-a-pipeline"
    store.claim(RUN_A, emission(published))
    store.claim(RUN_A, emission(dropped))
    publish(store, RUN_A, [published, "https://x/someone-elses"], T2)
    assert set(store.lookup([published, dropped])) == {published}
    assert store.release_claims(RUN_A) == 1
    assert store.claim(RUN_B, emission(dropped))  # free again


def test_unchanged_article_gets_new_aliases_and_check_time(store: StateStore) -> None:
    url, alias = "https://www.shz.de/a-1", "https://www.shz.de/a-1-print"
    store.claim(RUN_A, emission(url))
    publish(store, RUN_A, [url], T1)
    store.note_unchanged([url, alias], store.lookup([url])[url], T3)
    records = store.lookup([url, alias])
    assert {r.last_checked for r in records.values()} == {T3}
    assert {r.last_emitted for r in records.values()} == {T1}


def test_runs_are_remembered(store: StateStore) -> None:
    assert store.last_run_started() == T2
    store.end_run(RUN_B)
    assert store.last_run_started() == T2  # the latest start, ended or not
