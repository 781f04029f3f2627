"""Incremental runs, as cron makes them, against an editable shz.de replica.

One sequence of real crawls into one output folder: the first run emits every article, the
second nothing, then exactly the articles added to the listings, then exactly the article
whose content and lastmod changed; `-a incremental=0` emits everything and leaves the state
as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from newscrawler.state import ArticleRecord
from newscrawler.state.sqlite import SqliteState
from newscrawler.urls import state_key
from tests.support.cron import Run, published_files, run_cron, temp_files
from tests.support.replica import (
    REPLICA_ARTICLES,
    SHZ,
    list_in_feed,
    list_in_sitemap,
    write_article,
)

pytestmark = pytest.mark.slow

VIDEO = "/video/artikel/hafen-kiel-im-zeitraffer-41251000"


@dataclass
class Sequence:
    folder: Path
    first: Run
    second: Run
    second_requests: list[str]
    added: Run
    added_paths: set[str]
    changed: Run
    changed_path: str
    changed_modified: str
    full: Run
    state_before_full: dict[str, ArticleRecord]
    state_after_full: dict[str, ArticleRecord]


def same_instant(a: str | None, b: str) -> bool:
    return a is not None and datetime.fromisoformat(a) == datetime.fromisoformat(b)


def state_snapshot(folder: Path) -> dict[str, ArticleRecord]:
    """Every article record in the spider's state file, by key."""
    store = SqliteState(f"sqlite://{folder}/.state/shz.sqlite")
    try:
        rows = store._db.execute("SELECT key FROM articles").fetchall()
        return dict(store.lookup(key for (key,) in rows))
    finally:
        store.close()


@pytest.fixture(scope="module")
def sequence(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sequence]:
    root = tmp_path_factory.mktemp("incremental")
    site = Path(shutil.copytree(SITES_DIR / "shz", root / "site"))
    folder = root / "output"
    with ReplicaServer(site) as server:
        args = {"base_url": server.url}
        first = run_cron("shz", folder, args=args)

        served = len(server.requests)
        second = run_cron("shz", folder, args=args)
        second_requests = server.requests[served:]

        # Two new articles: one in the sitemap, one in the feed (with a tracking parameter).
        new_in_sitemap = write_article(site, 1)
        list_in_sitemap(site, new_in_sitemap, lastmod="2022-01-21T10:05:00+01:00")
        new_in_feed = write_article(site, 2)
        list_in_feed(site, new_in_feed, "Testmeldung Nummer 2")
        added = run_cron("shz", folder, args=args)

        # One article rewritten, its sitemap entry dated after our last fetch (which was less
        # than a second ago: sitemaps date to the second).
        later = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
        modified = later.astimezone().isoformat()
        write_article(site, 1, version=2, modified=modified)
        list_in_sitemap(site, new_in_sitemap, lastmod=modified)
        changed = run_cron("shz", folder, args=args)

        before = state_snapshot(folder)
        full = run_cron("shz", folder, args={**args, "incremental": "0"})
        after = state_snapshot(folder)
    yield Sequence(
        folder, first, second, second_requests, added, {new_in_sitemap, new_in_feed},
        changed, new_in_sitemap, modified, full, before, after,
    )  # fmt: skip


def test_first_run_emits_every_article(sequence: Sequence) -> None:
    run = sequence.first
    assert run.returncode == 0, run.log[-3000:]
    assert set(run.paths()) == REPLICA_ARTICLES and len(run.items) == len(REPLICA_ARTICLES)
    assert run.summary is not None
    assert run.summary["exit_status"] == 0 and run.summary["finish_reason"] == "finished"
    assert run.summary["files"] and run.summary["recovered_files"] == []
    counts = run.summary["counts"]
    assert counts["new"] == len(REPLICA_ARTICLES) and counts["updated"] == 0
    assert counts["emitted"] == len(REPLICA_ARTICLES)
    assert counts["dropped"]["not_article"] == 1  # the video page
    assert run.summary["coverage"]["body"] == 1.0
    assert 0 < run.summary["coverage"]["date_published"] <= 1.0


def test_output_layout(sequence: Sequence) -> None:
    files = published_files(sequence.folder)
    assert files and all(f.parent == sequence.folder / "shz" for f in files)
    assert all(f.name.endswith("-0001.jsonl") for f in files)
    assert temp_files(sequence.folder) == []
    assert (sequence.folder / ".state" / "shz.sqlite").is_file()
    assert (sequence.folder / ".state" / "shz.lock").is_file()
    # A run that emits nothing publishes no file, only its summary.
    assert sequence.second.summary is not None and sequence.second.summary["files"] == []


def test_second_run_emits_nothing_and_fetches_no_known_article(sequence: Sequence) -> None:
    run = sequence.second
    assert run.returncode == 0, run.log[-3000:]
    assert run.items == []
    assert run.summary is not None and run.summary["counts"]["new"] == 0
    assert run.summary["counts"]["skipped_known"] == len(REPLICA_ARTICLES)
    fetched = {path.split("?")[0] for path in sequence.second_requests}
    assert not fetched & REPLICA_ARTICLES
    assert "/rss" in fetched and "/sitemaps/news.xml" in fetched  # start points: always
    # never emitted, but remembered as no article (NEWSCRAWLER_NON_ARTICLE_TTL): not again
    assert VIDEO not in fetched
    assert run.summary["counts"]["skipped_non_article"] == 1


def test_added_articles_and_only_they_are_emitted(sequence: Sequence) -> None:
    run = sequence.added
    assert run.returncode == 0, run.log[-3000:]
    assert set(run.paths()) == sequence.added_paths and len(run.items) == 2
    assert run.summary is not None and run.summary["counts"]["new"] == 2


def test_changed_article_and_only_it_is_emitted_again(sequence: Sequence) -> None:
    run = sequence.changed
    assert run.returncode == 0, run.log[-3000:]
    assert run.paths() == [sequence.changed_path]
    (item,) = run.items
    assert same_instant(item["date_modified"], sequence.changed_modified)
    assert "Fassung 2" in item["body"]
    assert run.summary is not None
    assert run.summary["counts"]["updated"] == 1 and run.summary["counts"]["new"] == 0
    assert run.summary["counts"]["refetched_changed"] == 1


def test_every_article_once_across_the_incremental_runs(sequence: Sequence) -> None:
    runs = (sequence.first, sequence.second, sequence.added, sequence.changed)
    emitted = [path for run in runs for path in run.paths()]
    # each article once, except the one emitted again because it changed
    assert sorted(emitted) == sorted(
        [*REPLICA_ARTICLES, *sequence.added_paths, sequence.changed_path]
    )


def test_incremental_off_emits_everything_and_leaves_the_state(sequence: Sequence) -> None:
    run = sequence.full
    assert run.returncode == 0, run.log[-3000:]
    assert set(run.paths()) == REPLICA_ARTICLES | sequence.added_paths
    assert run.summary is not None and run.summary["incremental"] is False
    assert sequence.state_after_full == sequence.state_before_full
    changed = sequence.state_after_full[state_key(SHZ + sequence.changed_path)]
    assert same_instant(changed.date_modified, sequence.changed_modified)
