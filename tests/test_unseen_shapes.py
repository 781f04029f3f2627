"""URL shapes of sites we have never seen, each case checked in real `scrapy crawl news` runs of
the unseen replica (newscrawler/demo/site/unseen): once from its sitemap (listed URLs: fetched
unless clearly no article, the page decides) and once from its home page's links (the stricter
prior). Author-prefixed slugs, date-only and id-only paths, query ids, .cms/.ece/.amp/.php
endings, trailing slashes and percent-encoded umlauts are articles; section fronts (one with
article markup from a careless template), tag, author, paginated, search and imprint pages are
not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.demo.server import RehostedReplica
from newscrawler.extensions.outcome import ExitStatus
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.unseen import ORIGIN, UNSEEN, cases, site_path

CASES = cases()
ARTICLES = CASES["articles"]
NOT_ARTICLES = CASES["not_articles"]
SECTION_FRONTS = CASES["fetched_not_emitted"]


@pytest.fixture(scope="module")
def server() -> Iterator[RehostedReplica]:
    with RehostedReplica(UNSEEN, origin=ORIGIN) as replica:
        yield replica


def crawl(server: RehostedReplica, folder: Path, **args: str) -> tuple[CrawlResult, list[str]]:
    """A crawl of the replica and the paths (with query) it requested."""
    before = len(server.requests)
    result = run_crawl("news", output=folder / "out.jsonl", args=args)
    assert result.returncode == ExitStatus.OK, result.log[-3000:]
    return result, server.requests[before:]


@pytest.fixture(scope="module")
def from_sitemap(
    server: RehostedReplica, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CrawlResult, list[str]]:
    return crawl(server, tmp_path_factory.mktemp("sitemap"), sitemap=f"{server.url}/sitemap.xml")


@pytest.fixture(scope="module")
def from_links(
    server: RehostedReplica, tmp_path_factory: pytest.TempPathFactory
) -> tuple[CrawlResult, list[str]]:
    return crawl(server, tmp_path_factory.mktemp("links"), start=f"{server.url}/")


def emitted(result: CrawlResult) -> list[str]:
    return [site_path(item["url"]) for item in result.items]


@pytest.mark.parametrize("path", ARTICLES)
def test_listed_article_is_emitted(from_sitemap: tuple[CrawlResult, list[str]], path: str) -> None:
    result, _ = from_sitemap
    assert emitted(result).count(path) == 1, emitted(result)


@pytest.mark.parametrize("path", ARTICLES)
def test_linked_article_is_emitted(from_links: tuple[CrawlResult, list[str]], path: str) -> None:
    result, _ = from_links
    assert emitted(result).count(path) == 1, emitted(result)


@pytest.mark.parametrize("path", NOT_ARTICLES)
def test_listed_non_article_is_not_emitted(
    from_sitemap: tuple[CrawlResult, list[str]], path: str
) -> None:
    result, requested = from_sitemap
    assert path not in emitted(result)
    if path in SECTION_FRONTS:  # only the page tells: fetched, judged, not emitted
        assert requested.count(path) == 1
        assert "Not an article page (index page" in result.log
    else:  # clearly no article by its URL: not even fetched
        assert path not in requested


@pytest.mark.parametrize("path", NOT_ARTICLES)
def test_linked_non_article_is_not_fetched(
    from_links: tuple[CrawlResult, list[str]], path: str
) -> None:
    result, requested = from_links
    assert path not in emitted(result) and path not in requested


def test_every_decision_has_its_evidence_in_the_log(
    from_sitemap: tuple[CrawlResult, list[str]],
) -> None:
    result, _ = from_sitemap
    assert "URL prior fetch (listed in a sitemap)" in result.log
    assert "URL prior skip (a autoren index)" in result.log
    assert "Page verdict article (jsonld:NewsArticle" in result.log
    # the careless template's section front: article markup, but the teaser list decides
    assert "jsonld:NewsArticle, og:type=article" in result.log
    assert "body repeats 24 teasers" in result.log
    assert result.stat("articles_dropped/not_article") is None
    assert result.stat("newscrawler/articles_dropped/not_article") == len(SECTION_FRONTS)
