"""Copies across sites: signatures (pure) and the syndication index of both state stores
(a SQLite file and a real redis-server), on hand-made texts and on the labelled sample."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from newscrawler import syndication
from newscrawler.state import StateStore
from newscrawler.state.redis import RedisState
from newscrawler.state.sqlite import INDEX_FILE, SqliteState
from newscrawler.syndication import Copy
from tests.support.scale import RedisServer
from tests.support.syndication import cluster_documents, load_sample, precision_recall

SEEN = "2024-05-01T10:00:00+00:00"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path_factory.mktemp("redis")) as running:
        yield running


def open_store(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest, spider: str
) -> StateStore:
    if kind == "sqlite":
        return SqliteState(f"sqlite://{tmp_path}/state/{spider}.sqlite")
    server: RedisServer = request.getfixturevalue("redis_server")
    return RedisState(f"{server.url()}?spider={spider}")


@pytest.fixture(params=["sqlite", "redis"])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[StateStore, StateStore]]:
    """Two spiders' stores (shz, kn) on one state: one folder of SQLite files, or one Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_server").client().flushall()
    pair = (
        open_store(request.param, tmp_path, request, "shz"),
        open_store(request.param, tmp_path, request, "kn"),
    )
    yield pair
    for store in pair:
        store.close()


def words(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = [f"wort{n}" for n in range(5000)]
    return [rng.choice(vocabulary) for _ in range(count)]


def copy_of(text: str, url: str, site: str = "shz", seen: str = SEEN) -> Copy:
    signature = syndication.signature(text)
    assert signature is not None
    return Copy(syndication.article_id(url), url, site, seen, signature)


STORY = " ".join(words(1, 300))
LOCAL = STORY + " " + " ".join(words(2, 60))  # a local paragraph added
SHORT = " ".join(STORY.split()[:180])  # shortened
OTHER = " ".join(words(3, 300))


# --- signatures ---------------------------------------------------------------------------------


def test_bands_are_datasketchs_optimum_for_the_floor() -> None:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=0.15, num_perm=syndication.NUM_PERM)
    assert (lsh.b, lsh.r) == (syndication.BANDS, syndication.ROWS)


def test_signatures_are_deterministic_and_estimate_the_overlap() -> None:
    a, b = syndication.signature(STORY), syndication.signature(STORY)
    assert a == b and a is not None
    short, local, other = (syndication.signature(t) for t in (SHORT, LOCAL, OTHER))
    assert short is not None and local is not None and other is not None
    assert syndication.overlap(short, a) > 0.85  # nearly all of the short copy is in the story
    assert syndication.jaccard(short, a) < 0.75
    assert syndication.overlap(other, a) < 0.05
    assert 0.1 < syndication.own_share(local, a) < 0.3  # 60 words of 360 are its own
    assert syndication.own_share(short, a) < 0.1


def test_candidates_are_compared_as_one_by_one() -> None:
    """`best_match` compares all candidates at once: the same overlaps, so the same choice, as
    `overlap` pair by pair (on the labelled sample: copies, same-event stories, strangers)."""
    texts = [document.text for document in load_sample()]
    signatures = [s for s in map(syndication.signature, texts) if s is not None]
    assert len(signatures) >= 30
    for number, sig in enumerate(signatures):
        others = signatures[:number] + signatures[number + 1 :]
        counts = syndication.equal_values(sig, others)
        assert counts == [round(syndication.jaccard(sig, o) * syndication.NUM_PERM) for o in others]
        candidates = [
            Copy(i, f"https://www.shz.de/a-{i}", "shz", SEEN, o) for i, o in enumerate(others)
        ]
        by_pairs = [c for c in candidates if syndication.overlap(sig, c.signature) >= 0.5]
        expected = max(by_pairs, key=lambda c: syndication.overlap(sig, c.signature), default=None)
        assert syndication.best_match(sig, candidates, 0.5) == expected
    assert syndication.equal_values(signatures[0], []) == []


def test_short_texts_get_no_signature() -> None:
    assert syndication.signature("Die Polizei ermittelt in Kiel.") is None


# --- the index ----------------------------------------------------------------------------------


def test_copies_join_the_first_copys_cluster_across_spiders(
    stores: tuple[StateStore, StateStore],
) -> None:
    shz, kn = stores
    first = copy_of(STORY, "https://www.shz.de/a-1", "shz")
    assert shz.record_copy(first, 0.5) is None
    match = kn.record_copy(copy_of(LOCAL, "https://www.kn-online.de/b-1", "kn"), 0.5)
    assert match is not None
    assert match.cluster == syndication.cluster_name(first.id)
    assert (match.first.url, match.first.site, match.first.seen) == (first.url, "shz", SEEN)
    assert 0.1 < match.own_share < 0.3
    short = shz.record_copy(copy_of(SHORT, "https://www.shz.de/c-1", "shz"), 0.5)
    assert short is not None and short.cluster == match.cluster and short.own_share < 0.1
    assert kn.record_copy(copy_of(OTHER, "https://www.kn-online.de/d-1", "kn"), 0.5) is None


def test_a_copy_recorded_again_keeps_its_cluster(stores: tuple[StateStore, StateStore]) -> None:
    shz, kn = stores
    shz.record_copy(copy_of(STORY, "https://www.shz.de/a-1"), 0.5)
    again = copy_of(LOCAL, "https://www.kn-online.de/b-1", "kn")
    first_time = kn.record_copy(again, 0.5)
    # Recorded again, with a changed text and another threshold: the cluster stays.
    second_time = kn.record_copy(replace(again, seen="2024-06-01T00:00:00+00:00"), 0.99)
    assert first_time is not None and second_time is not None
    assert second_time.cluster == first_time.cluster
    assert shz.record_copy(copy_of(STORY, "https://www.shz.de/a-1"), 0.5) is None  # the first


def test_the_index_survives_reopening(
    stores: tuple[StateStore, StateStore], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    shz, _ = stores
    shz.record_copy(copy_of(STORY, "https://www.shz.de/a-1"), 0.5)
    kind = "sqlite" if isinstance(shz, SqliteState) else "redis"
    if kind == "sqlite":
        assert (tmp_path / "state" / INDEX_FILE).exists()
    reopened = open_store(kind, tmp_path, request, "svz")
    try:
        match = reopened.record_copy(copy_of(SHORT, "https://www.svz.de/x-1", "svz"), 0.5)
    finally:
        reopened.close()
    assert match is not None and match.first.url == "https://www.shz.de/a-1"


def test_redis_index_holds_json_and_lives_under_the_deployment_prefix(
    redis_server: RedisServer,
) -> None:
    redis_server.client().flushall()
    store = RedisState(f"{redis_server.url()}?spider=shz&prefix=test")
    try:
        store.record_copy(copy_of(STORY, "https://www.shz.de/a-1"), 0.5)
    finally:
        store.close()
    client = redis_server.client()
    keys = [k.decode() if isinstance(k, bytes) else k for k in client.keys("*")]
    index_keys = [k for k in keys if ":syndication:" in k]
    assert index_keys and all(k.startswith("test:syndication:") for k in index_keys)
    copies = next(k for k in index_keys if k.endswith(":copies"))
    for value in client.hvals(copies):
        text = value.decode() if isinstance(value, bytes) else value
        assert text.startswith("[")  # JSON, never a pickle


# --- the labelled sample ------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["agency first", "copies first"])
def test_sample_at_the_default_threshold(stores: tuple[StateStore, StateStore], order: str) -> None:
    documents = load_sample()
    sequence = list(range(len(documents)))
    if order == "copies first":
        sequence.reverse()
    clusters = cluster_documents(stores[0], documents, syndication.DEFAULT_THRESHOLD, sequence)
    figures = precision_recall(documents, clusters)
    assert figures["copy_pairs"] >= 24 and figures["same_event_pairs"] >= 24
    assert figures["same_event_clustered"] == 0
    assert figures["precision"] == 1.0
    assert figures["recall"] == 1.0


def test_a_new_signature_scheme_starts_the_sqlite_index_afresh(tmp_path: Path) -> None:
    store = SqliteState(f"sqlite://{tmp_path}/state/shz.sqlite")
    store.record_copy(copy_of(STORY, "https://www.shz.de/a-1"), 0.5)
    store._index_db().execute("UPDATE meta SET value = 'an-older-library' WHERE key = 'scheme'")
    store.close()
    reopened = SqliteState(f"sqlite://{tmp_path}/state/kn.sqlite")
    try:
        # the old signatures are gone: the copy is a first copy now
        assert reopened.record_copy(copy_of(SHORT, "https://www.kn-online.de/b-1"), 0.5) is None
    finally:
        reopened.close()


# --- settings and the worker --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0.2", "1.5", "viel", None])
def test_threshold_setting_is_checked(value: str | None) -> None:
    from newscrawler.middlewares.syndication import parse_threshold

    with pytest.raises(ValueError, match="NEWSCRAWLER_SYNDICATION_THRESHOLD"):
        parse_threshold(value)
    assert parse_threshold("0.65") == 0.65


def test_the_worker_signs_articles_only() -> None:
    from datetime import datetime, timezone

    from newscrawler.demo import SITES_DIR
    from newscrawler.workers import extract_with_signature

    now = datetime.now(timezone.utc)
    article = (
        SITES_DIR
        / "svz/deutschland-welt/politik/artikel/gdl-ruft-erneut-zum-bahnstreik-auf-42996102.html"
    )
    page = extract_with_signature(
        article.read_bytes(), "https://www.svz.de/deutschland-welt/politik/artikel/x-42996102",
        "utf-8", now,
    )  # fmt: skip
    assert page.is_article and page.signature == syndication.signature(page.article.body)
    index = extract_with_signature((SITES_DIR / "svz/index.html").read_bytes(),
                                   "https://www.svz.de/", "utf-8", now)  # fmt: skip
    assert not index.is_article and index.signature is None
