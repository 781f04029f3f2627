"""Real `scrapy crawl news` runs, one per mode, against the generic replica (a fictional
regional paper, the Förde-Kurier) served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo import GENERIC_ORIGIN, GENERIC_SITE, SITES_DIR
from newscrawler.demo.server import RehostedReplica, ReplicaServer, Reply
from tests.support.crawl import CrawlResult, run_crawl

pytestmark = pytest.mark.slow

KIELER_WOCHE = "/lokales/kiel/2022/01/21/kieler-woche-programm"
KITA = "/politik/landtag-beschliesst-kita-gesetz-id48213377.html"
THW = "/sport/thw-kiel-gewinnt-spitzenspiel-gegen-flensburg"
WERFT = "/wirtschaft/werft-in-rendsburg-sichert-arbeitsplaetze-55210987"
THEATER = "/kultur/theater-kiel-zeigt-neue-inszenierung-55219999"  # linked from THW only
VIDEO = "/video/hafen-kiel-im-zeitraffer-55211111"
PDF = "/media/haushaltsplan-2022.pdf"
LISTED = {KIELER_WOCHE, KITA, THW, WERFT}  # in the sitemaps, feed and on the home page


def recent_sitemap(server: ReplicaServer) -> Reply:
    """A Google News sitemap dated relative to today, for the `days` limit."""
    now = datetime.now(timezone.utc)

    def entry(path: str, *, published: timedelta | None, lastmod: timedelta) -> str:
        news = (
            f"<news:news><news:publication_date>{(now - published).isoformat()}"
            "</news:publication_date></news:news>"
            if published is not None
            else ""
        )
        return (
            f"<url><loc>{server.url}{path}</loc>"
            f"<lastmod>{(now - lastmod).isoformat()}</lastmod>{news}</url>"
        )

    entries = [
        entry(KIELER_WOCHE, published=timedelta(days=1), lastmod=timedelta(hours=2)),
        # publication date wins over a recent lastmod: an old article, touched again
        entry(WERFT, published=timedelta(days=10), lastmod=timedelta(days=1)),
        entry(THW, published=None, lastmod=timedelta(days=2)),
        entry(KITA, published=None, lastmod=timedelta(days=100)),
    ]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(entries)
        + "</urlset>"
    )
    return Reply(200, {"Content-Type": "application/xml"}, body.encode())


@pytest.fixture
def replica() -> Iterator[RehostedReplica]:
    """A fresh server per crawl, so that `requests` shows what that crawl fetched."""
    server = RehostedReplica(SITES_DIR / GENERIC_SITE, origin=GENERIC_ORIGIN)
    server.routes["/recent-sitemap.xml"] = lambda _: recent_sitemap(server)
    with server:
        yield server


def crawl_news(tmp_path: Path, **args: str) -> CrawlResult:
    # Each test is about one way in, not about incremental runs: a full crawl every time.
    result = run_crawl("news", output=tmp_path / "news.jsonl", args={"incremental": "0", **args})
    assert result.returncode == 0, result.log[-3000:]
    assert result.stat("finish_reason") == "finished"
    assert result.log_lines("ERROR") == []
    return result


def item_paths(result: CrawlResult) -> list[str]:
    return sorted(urlsplit(item["url"]).path for item in result.items)


def requested(server: ReplicaServer) -> list[str]:
    return [urlsplit(path).path for path in server.requests]


def test_sitemap_index_gives_each_article_once(replica: RehostedReplica, tmp_path: Path) -> None:
    result = crawl_news(tmp_path, sitemap=f"{replica.url}/sitemap-index.xml")
    assert item_paths(result) == sorted(LISTED)
    for item in result.items:
        assert item["site"] == "127.0.0.1"
        assert item["url"].startswith(replica.url) and "?" not in item["url"]
        assert item["title"] and item["date_published"] and item["word_count"] >= 60
    # The Kita article is listed three times with tracking decoration: fetched once.
    assert requested(replica).count(KITA) == 1
    # The gzipped archive sitemap was read ...
    assert "/sitemap-archiv.xml.gz" in requested(replica)
    # ... and of what it lists, home, tag page and PDF were never fetched; the section page
    # and the video page were fetched and judged no articles.
    for path in ("/", "/thema/kieler-woche", PDF):
        assert path not in requested(replica)
    assert result.stat("newscrawler/leads_skipped/not_article_url") == 3
    assert "/politik" in requested(replica) and VIDEO in requested(replica)
    assert result.stat("newscrawler/articles_dropped/not_article") == 2


def test_sitemap_days_limit_skips_old_entries_unfetched(
    replica: RehostedReplica, tmp_path: Path
) -> None:
    result = crawl_news(tmp_path, sitemap=f"{replica.url}/recent-sitemap.xml", days="5")
    fetched = set(requested(replica))
    assert KIELER_WOCHE in fetched and THW in fetched  # published 1 day ago / lastmod 2 days
    assert WERFT not in fetched and KITA not in fetched  # published 10 days / lastmod 100 days
    assert result.stat("newscrawler/leads_skipped/too_old") == 2
    # The pages themselves say 2022: dropped after all, by their own date.
    assert result.items == []
    assert result.stat("newscrawler/articles_dropped/too_old") == 2


def test_feed(replica: RehostedReplica, tmp_path: Path) -> None:
    result = crawl_news(tmp_path, feed=f"{replica.url}/feed.xml")
    assert item_paths(result) == sorted([WERFT, THW, KITA])
    assert result.stat("newscrawler/leads/feed") == 3


def test_single_url(replica: RehostedReplica, tmp_path: Path) -> None:
    result = crawl_news(tmp_path, url=f"{replica.url}{THEATER}?utm_source=mail#top")
    assert item_paths(result) == [THEATER]
    (item,) = result.items
    assert item["title"] == "Theater Kiel zeigt neue Inszenierung"
    assert item["authors"] == ["Lena Carstensen"]
    assert set(requested(replica)) == {"/robots.txt", THEATER}


def test_start_page_follows_article_links(replica: RehostedReplica, tmp_path: Path) -> None:
    result = crawl_news(tmp_path, start=f"{replica.url}/lokales/kiel")
    assert item_paths(result) == sorted([KIELER_WOCHE, THW])
    fetched = set(requested(replica))
    assert VIDEO in fetched  # looks like an article by its URL; judged by its content
    for path in ("/thema/kieler-woche", "/autor/jan-hansen", PDF, THEATER):
        assert path not in fetched
    assert not [p for p in replica.requests if "page=2" in p]


def test_start_page_with_depth_two(replica: RehostedReplica, tmp_path: Path) -> None:
    result = crawl_news(tmp_path, start=f"{replica.url}/lokales/kiel", depth="2")
    # The theatre article is linked from the THW article only.
    assert item_paths(result) == sorted([KIELER_WOCHE, THW, THEATER])
    assert result.stat("newscrawler/leads/link")


def test_site_discovers_sitemaps_and_feeds(replica: RehostedReplica, tmp_path: Path) -> None:
    result = crawl_news(tmp_path, site=replica.url)
    assert item_paths(result) == sorted(LISTED)
    fetched = requested(replica)
    # robots.txt -> sitemap index -> sitemaps; home page -> declared feed
    for path in ("/robots.txt", "/sitemap-index.xml", "/news-sitemap.xml", "/feed.xml", "/"):
        assert path in fetched
    assert result.stat("newscrawler/leads/sitemap") and result.stat("newscrawler/leads/feed")
    assert result.stat("newscrawler/leads/section")  # the home page's article links
    assert THEATER not in fetched


def test_known_site_uses_its_profile(tmp_path: Path) -> None:
    with ReplicaServer(SITES_DIR / "shz") as shz:
        result = crawl_news(
            tmp_path, sitemap="https://www.shz.de/sitemaps/news.xml", base_url=shz.url
        )
        assert len(result.items) == 3
        assert {item["site"] for item in result.items} == {"shz"}
        assert all("/artikel/" in item["url"] for item in result.items)
        # Only -a site= of a profiled site: the profile's own start points, as `crawl shz`.
        whole = crawl_news(tmp_path, site="www.shz.de", base_url=shz.url)
        assert len(whole.items) == 5 and {item["site"] for item in whole.items} == {"shz"}
        assert "/rss" in requested(shz) and "/lokales/flensburg" in requested(shz)


def test_no_start_is_a_usage_error(tmp_path: Path) -> None:
    result = run_crawl("news", output=tmp_path / "none.jsonl")
    assert result.returncode != 0
    assert "needs one of -a sitemap=URL" in result.log
