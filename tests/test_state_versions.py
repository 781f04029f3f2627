"""Versions and run history in every state store (a SQLite file and a real redis-server): a
staged version counts only once the publication holding its article is committed, under every
key of the article; revisit candidates by first sighting; the run history, newest first."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.state import StateStore, VersionRecord
from tests.support.scale import RedisServer
from tests.support.state import T1, T2, T3, emission, fresh_store

RUN = f"{socket.gethostname()}:{os.getpid()}:cccccc"
URL, ALIAS = "https://www.shz.de/a-1", "https://www.shz.de/canonical-a-1"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path_factory.mktemp("redis")) as running:
        yield running


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    server = request.getfixturevalue("redis_server") if request.param == "redis" else None
    opened = fresh_store(request.param, tmp_path, server)
    opened.begin_run(RUN, T1)
    yield opened
    opened.close()


def version(number: int, fingerprint: str, first_seen: str = T1) -> VersionRecord:
    return VersionRecord(URL, number, fingerprint, "t", "a", None, False, '"e1"', None, first_seen)


def emit(store: StateStore, record: VersionRecord, *, kind: str, finish: bool = True) -> int:
    """Claim, stage and seal a version; commit and finish it unless `finish` is False (the
    run died after the seal). The publication's id."""
    assert store.claim(RUN, emission(URL, extra_keys=(ALIAS,), kind=kind))
    store.stage_version(RUN, URL, record)
    publication = store.begin_publication(RUN, "/out/.x.jsonl.0123abcd.part", "/out/x.jsonl")
    store.seal_publication(publication, [URL])
    if finish:
        assert store.commit_versions(publication) == (record.version > 1)
        store.finish_publication(publication, T2)
    return publication


def test_a_version_counts_once_its_file_is_committed(store: StateStore) -> None:
    emit(store, version(1, "f1"), kind="new")
    assert store.version_records([URL, ALIAS]) == {URL: version(1, "f1"), ALIAS: version(1, "f1")}
    publication = emit(store, version(2, "f2"), kind="updated", finish=False)  # then died
    assert store.version_records([ALIAS])[ALIAS].version == 1
    assert store.commit_versions(publication) == 1  # the recovery completes it
    assert store.commit_versions(publication) == 0  # and again: nothing twice
    assert store.version_records([ALIAS])[ALIAS] == version(2, "f2")


def test_unpublished_versions_are_dropped_with_the_claims(store: StateStore) -> None:
    assert store.claim(RUN, emission(URL))
    store.stage_version(RUN, URL, version(1, "f1"))
    store.release_claims(RUN)
    store.end_run(RUN)
    assert store.version_records([URL]) == {}


def test_revisit_candidates_by_first_sighting(store: StateStore) -> None:
    emit(store, version(1, "f1", first_seen=T2), kind="new")
    assert {c.key for c in store.revisit_candidates(T1)} == {URL, ALIAS}
    assert store.revisit_candidates(T3) == []
    (candidate, _) = sorted(store.revisit_candidates(T2), key=lambda c: c.key)
    assert candidate.record.url == URL and candidate.last_checked == T1  # fetched at T1
    store.update_validators([URL], '"e2"', "Fri, 21 Jan 2022 09:00:00 GMT")
    assert store.version_records([URL])[URL].etag == '"e2"'


def test_run_history_newest_first(store: StateStore) -> None:
    for number in range(5):
        store.record_run({"run": number, "coverage": {"title": 1.0}}, keep=3)
    assert [run["run"] for run in store.run_history(10)] == [4, 3, 2]
    assert store.run_history(1) == [{"run": 4, "coverage": {"title": 1.0}}]
