"""Every site profile crawled against its replica: a real `scrapy crawl <profile>` per site.

Each replica `newscrawler/demo/site/<profile>/` holds an `expected.json` that says what a
correct crawl of it gives (see `newscrawler/demo/site/README.md`):

- `articles`: path -> the fields the item must have (`title`, `date_published`, `authors`,
  `is_paywalled`), sentences the body must hold (`body_has`), and optionally how the body
  begins (`body_starts_with`) and what it must not hold (`body_lacks`: paywalled text, ...);
- `boilerplate`: page furniture of the site that no body may contain;
- `not_emitted`: pages (fetched or not) that must never become items;
- `never_fetched`: pages the crawl must not even request (not article URLs, robots.txt, too old
  for `-a days`);
- `offsite` (optional): links in the site's listings to other sites, skipped;
- `urls`: examples of the site's article and non-article URLs for its URL pattern.

An article's `needs_full_extractor` names checks the first extractor fails on a realistic
pattern, with why; they run in `test_article_fields_needing_the_full_extractor` as xfail.

Every crawl passes `-a days=` reaching back to 2020: every replica article is newer, and
listings date a few planted older ones, which must be skipped before download.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from newscrawler.sites import PROFILES
from newscrawler.spiders.sites import SITE_SPIDERS
from tests.support.crawl import CrawlResult, run_crawl

pytestmark = pytest.mark.slow

REPLICAS = sorted(path.parent.name for path in SITES_DIR.glob("*/expected.json"))
CUTOFF = datetime(2020, 1, 1, tzinfo=timezone.utc)


def expected_of(site: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SITES_DIR / site / "expected.json").read_text("utf-8"))
    return data


EXPECTED = {site: expected_of(site) for site in REPLICAS}


@dataclass
class ReplicaCrawl:
    site: str
    result: CrawlResult
    requested: set[str]
    """Paths (without query) the replica served."""
    expected: dict[str, Any]

    @property
    def items(self) -> dict[str, dict[str, Any]]:
        return self.result.by_path()


def crawl_replica(site: str, output_dir: Path) -> ReplicaCrawl:
    days = (datetime.now(timezone.utc) - CUTOFF).total_seconds() / 86400
    with ReplicaServer(SITES_DIR / site) as server:
        result = run_crawl(
            site,
            output=output_dir / f"{site}.jsonl",
            args={"base_url": server.url, "days": f"{days:.2f}"},
        )
        requested = {urlsplit(path).path for path in server.requests}
    return ReplicaCrawl(site, result, requested, EXPECTED[site])


@pytest.fixture(scope="session")
def replica_crawl(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ReplicaCrawl]:
    """`replica_crawl(site)`: the crawl of a replica, run once per session."""
    done: dict[str, ReplicaCrawl] = {}

    def crawl(site: str) -> ReplicaCrawl:
        if site not in done:
            done[site] = crawl_replica(site, tmp_path_factory.mktemp(site))
        return done[site]

    return crawl


# --- The checks an article's item must pass --------------------------------------------------


def check_title(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    assert item["title"] == spec["title"]


def check_date(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    assert item["date_published"] == spec["date_published"]  # with the Europe/Berlin offset


def check_authors(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    assert item["authors"] == spec["authors"]


def check_paywall(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    assert item["is_paywalled"] is spec["is_paywalled"]


def check_body_has(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    missing = [sentence for sentence in spec["body_has"] if sentence not in item["body"]]
    assert missing == [], item["body"]


def check_body_start(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    if "body_starts_with" in spec:
        assert item["body"].startswith(spec["body_starts_with"]), item["body"]


def check_headline_not_in_body(
    item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert spec["title"] not in item["body"].split("\n\n"), item["body"]


def check_body_lacks(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    present = [text for text in spec.get("body_lacks", []) if text in item["body"]]
    assert present == [], item["body"]


def check_boilerplate(item: dict[str, Any], spec: dict[str, Any], expected: dict[str, Any]) -> None:
    present = [text for text in expected.get("boilerplate", []) if text in item["body"]]
    assert present == [], item["body"]


CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], None]] = {
    "title": check_title,
    "date_published": check_date,
    "authors": check_authors,
    "is_paywalled": check_paywall,
    "body_has": check_body_has,
    "body_starts_with": check_body_start,
    "body_lacks": check_body_lacks,
    "headline_not_in_body": check_headline_not_in_body,
    "boilerplate": check_boilerplate,
}


ARTICLE_CASES = [
    pytest.param(site, path, id=f"{site}:{path}")
    for site, expected in EXPECTED.items()
    for path in expected["articles"]
]


# --- Tests ---------------------------------------------------------------------------------


def test_every_site_spider_has_a_replica() -> None:
    # Extraction-only profiles (rules, no start points) are not spiders and need no replica.
    assert sorted(SITE_SPIDERS) == REPLICAS


@pytest.mark.parametrize("site", REPLICAS)
def test_article_url_pattern(site: str) -> None:
    """The profile's article URL pattern on the site's real URL shapes (no crawl)."""
    spider = SITE_SPIDERS[site]()
    urls = EXPECTED[site]["urls"]
    assert urls["article"] and urls["not_article"]
    assert [u for u in urls["article"] if not spider.is_article_url(u)] == []
    assert [u for u in urls["not_article"] if spider.is_article_url(u)] == []


@pytest.mark.parametrize("site", REPLICAS)
def test_crawl_finishes_cleanly(site: str, replica_crawl: Callable[[str], ReplicaCrawl]) -> None:
    crawl = replica_crawl(site)
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    assert crawl.result.stat("finish_reason") == "finished"
    assert crawl.result.log_lines("ERROR") == []
    assert crawl.result.log_lines("WARNING") == []


@pytest.mark.parametrize("site", REPLICAS)
def test_every_article_exactly_once(
    site: str, replica_crawl: Callable[[str], ReplicaCrawl]
) -> None:
    crawl = replica_crawl(site)
    paths = sorted(urlsplit(item["url"]).path for item in crawl.result.items)
    assert paths == sorted(crawl.expected["articles"])


@pytest.mark.parametrize("site", REPLICAS)
def test_items_are_valid_and_belong_to_the_site(
    site: str, replica_crawl: Callable[[str], ReplicaCrawl], article_schema: dict[str, Any]
) -> None:
    crawl = replica_crawl(site)
    validator = jsonschema.Draft202012Validator(article_schema)
    profile = PROFILES[site]
    assert crawl.result.items
    for item in crawl.result.items:
        assert [error.message for error in validator.iter_errors(item)] == [], item["url"]
        assert item["site"] == site
        assert "utm_" not in item["url"] and "#" not in item["url"]
        canonical = urlsplit(item["canonical_url"] or "")
        assert canonical.scheme == "https" and profile.serves(canonical.hostname or "")
        assert canonical.path == urlsplit(item["url"]).path


@pytest.mark.parametrize("site", REPLICAS)
def test_non_articles_are_not_emitted(
    site: str, replica_crawl: Callable[[str], ReplicaCrawl]
) -> None:
    crawl = replica_crawl(site)
    expected = crawl.expected
    assert expected["not_emitted"] and expected["never_fetched"]
    assert set(expected["not_emitted"]) & set(crawl.items) == set()
    assert set(expected["never_fetched"]) & crawl.requested == set()
    assert set(expected["never_fetched"]) & set(crawl.items) == set()
    # Links to other sites in feeds and pages are skipped, never fetched from the replica.
    offsite = expected.get("offsite", [])
    assert {item["url"] for item in crawl.result.items} & set(offsite) == set()
    assert (crawl.result.stat("newscrawler/leads_skipped/offsite") or 0) >= len(offsite)


@pytest.mark.parametrize(("site", "path"), ARTICLE_CASES)
def test_article_fields(site: str, path: str, replica_crawl: Callable[[str], ReplicaCrawl]) -> None:
    crawl = replica_crawl(site)
    assert path in crawl.items, f"{path} was not emitted"
    item, spec = crawl.items[path], crawl.expected["articles"][path]
    failures = []
    for name, check in CHECKS.items():
        try:
            check(item, spec, crawl.expected)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)
