"""Revisits and versions in real crawls against a replica that answers conditional requests.

Run 1 emits every article as version 1. One article then gains a paragraph; run 2 (a second
later, every article due for its revisit) fetches every article again with `If-None-Match`:
the changed one comes back as version 2 with `changed_fields` ["body"] and the old fingerprint,
the others are answered 304 and emit nothing. Run 3 with `-a revisit=0` fetches no article.
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from newscrawler.state.sqlite import SqliteState
from tests.support.cron import Run, run_cron
from tests.support.replica import REPLICA_ARTICLES, list_in_sitemap, write_article
from tests.support.versions import FAST_REVISITS, UPDATE, add_paragraph

pytestmark = pytest.mark.slow


@dataclass
class Runs:
    first: Run
    revisit: Run
    revisit_statuses: list[tuple[str, int]]
    off: Run
    off_requests: list[str]
    capped: Run
    folder: Path
    changed_path: str


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runs]:
    root = tmp_path_factory.mktemp("versions")
    site = Path(shutil.copytree(SITES_DIR / "shz", root / "site"))
    changed = write_article(site, 1)
    list_in_sitemap(site, changed)
    folder = root / "output"
    with ReplicaServer(site, conditional=True) as server:
        args = {"base_url": server.url}
        first = run_cron("shz", folder, args=args, settings=FAST_REVISITS)
        add_paragraph(site, 1)
        time.sleep(1.2)  # every article reaches its revisit age (1 s)
        served = len(server.statuses)
        revisit = run_cron("shz", folder, args=args, settings=FAST_REVISITS)
        statuses = server.statuses[served:]
        time.sleep(1.2)
        served = len(server.requests)
        off = run_cron("shz", folder, args={**args, "revisit": "0"}, settings={
            **FAST_REVISITS, "NEWSCRAWLER_REVISIT_AGES": "1s,2s"})  # fmt: skip
        off_requests = server.requests[served:]
        # every article due again, but revisits may take a tenth of the usual requests
        every_second = ",".join(f"{n}s" for n in range(1, 300))
        capped_share = {
            "NEWSCRAWLER_REVISIT_AGES": every_second,
            "NEWSCRAWLER_REVISIT_SHARE": "0.1",
        }
        capped = run_cron("shz", folder, args=args, settings=capped_share)
    yield Runs(first, revisit, statuses, off, off_requests, capped, folder, changed)


def test_first_lines_are_version_one(runs: Runs) -> None:
    assert runs.first.returncode == 0, runs.first.log[-3000:]
    assert len(runs.first.items) == len(REPLICA_ARTICLES) + 1
    for item in runs.first.items:
        assert item["version"] == 1
        assert item["previous_fingerprint"] is None and item["changed_fields"] == []


def test_a_body_that_gained_a_paragraph_is_version_two(runs: Runs) -> None:
    run = runs.revisit
    assert run.returncode == 0, run.log[-3000:]
    assert [urlsplit(item["url"]).path for item in run.items] == [runs.changed_path]
    (item,) = run.items
    before = next(i for i in runs.first.items if urlsplit(i["url"]).path == runs.changed_path)
    assert item["version"] == 2
    assert item["changed_fields"] == ["body"]
    assert item["previous_fingerprint"] == before["fingerprint"] != item["fingerprint"]
    assert item["body"].endswith(UPDATE)
    assert item["title"] == before["title"]


def test_unchanged_articles_cost_a_304_and_emit_nothing(runs: Runs) -> None:
    not_modified = {path for path, status in runs.revisit_statuses if status == 304}
    assert not_modified == REPLICA_ARTICLES
    assert (runs.changed_path, 200) in runs.revisit_statuses
    assert runs.revisit.summary is not None
    counts = runs.revisit.summary["counts"]
    assert counts["revisits"] == len(REPLICA_ARTICLES) + 1
    assert counts["not_modified"] == len(REPLICA_ARTICLES)
    assert counts["new_versions"] == 1
    assert counts["updated"] == 1 and counts["new"] == 0


def test_revisit_off_fetches_no_known_article(runs: Runs) -> None:
    assert runs.off.returncode == 0, runs.off.log[-3000:]
    assert runs.off.items == []
    assert not REPLICA_ARTICLES & set(runs.off_requests)


def test_revisits_never_exceed_their_share_of_the_request_budget(runs: Runs) -> None:
    run = runs.capped
    assert run.returncode == 0, run.log[-3000:]
    assert run.summary is not None
    # the budget: the median requests of the runs recorded before (the three above)
    store = SqliteState(f"sqlite://{runs.folder}/.state/shz.sqlite")
    try:
        earlier = store.run_history(10)[1:]
    finally:
        store.close()
    assert len(earlier) == 3
    allowed = int(0.1 * statistics.median(r["requests"] for r in earlier))
    assert run.summary["counts"]["revisits"] == allowed < len(REPLICA_ARTICLES) + 1
    assert f"revisits due, {allowed} this run (NEWSCRAWLER_REVISIT_SHARE 0.10" in run.log
