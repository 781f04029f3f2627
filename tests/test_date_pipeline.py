"""DateNormalizationPipeline on real NewsArticle items, built from a real Scrapy crawler.

The last test runs a real crawl in a subprocess against a local HTTP server, with the project's
settings: the pipeline is registered there and its stats reach the crawl's stats.
"""

from __future__ import annotations

import asyncio
import http.server
import json
import logging
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawler.items import NewsArticle
from newscrawler.pipelines.dates import DateNormalizationPipeline

CRAWLED_AT = "2022-01-21T11:36:00+00:00"  # 12:36 in Berlin
PIPELINE_PATH = "newscrawler.pipelines.dates.DateNormalizationPipeline"


@pytest.fixture
def crawler() -> Any:
    return get_crawler(settings_dict={"ITEM_PIPELINES": {PIPELINE_PATH: 200}})


def run(crawler: Any, item: Any) -> Any:
    pipeline = build_from_crawler(DateNormalizationPipeline, crawler)
    return asyncio.run(pipeline.process_item(item))


def article(**fields: Any) -> NewsArticle:
    return NewsArticle(url="https://www.shz.de/a-1", site="shz", crawled_at=CRAWLED_AT, **fields)


def stat(crawler: Any, name: str) -> Any:
    return crawler.stats.get_value(name)


def test_a_canonical_published_date_passes_unchanged(crawler: Any) -> None:
    item = article(
        date_published="2022-01-21T12:31:00+01:00",
        date_published_raw="21.01.2022, 12:31 Uhr",
        date_modified="2022-01-21T12:40:00+01:00",
    )
    result = run(crawler, item)
    assert result is item
    assert item.date_published == "2022-01-21T12:31:00+01:00"
    assert item.date_published_raw == "21.01.2022, 12:31 Uhr"
    assert item.date_modified == "2022-01-21T12:40:00+01:00"
    assert crawler.stats.get_stats() == {}


def test_a_raw_date_extraction_left_unread_is_filled(crawler: Any) -> None:
    item = run(crawler, article(date_published_raw="Stand: Fr., 21.01.2022, 12:31 Uhr"))
    assert item.date_published == "2022-01-21T12:31:00+01:00"
    assert item.date_published_raw == "Stand: Fr., 21.01.2022, 12:31 Uhr"
    assert stat(crawler, "dates/normalized") == 1


def test_relative_raw_dates_count_from_the_crawl_time(crawler: Any) -> None:
    item = run(crawler, article(date_published_raw="vor 5 Minuten"))
    assert item.date_published == "2022-01-21T12:31:00+01:00"
    item = run(crawler, article(date_published_raw="gestern"))
    assert item.date_published == "2022-01-20"


def test_an_unreadable_raw_date_is_counted_logged_and_kept(
    crawler: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="newscrawler.pipelines.dates"):
        item = run(crawler, article(date_published_raw="Jetzt abonnieren"))
    assert item.date_published is None
    assert item.date_published_raw == "Jetzt abonnieren"
    assert stat(crawler, "dates/unparsed") == 1
    assert "Unreadable date_published 'Jetzt abonnieren' on https://www.shz.de/a-1" in caplog.text


def test_an_unreadable_value_without_raw_string_moves_to_the_raw_field(crawler: Any) -> None:
    item = run(crawler, article(date_published="32. Januar 2022"))
    assert item.date_published is None
    assert item.date_published_raw == "32. Januar 2022"
    assert stat(crawler, "dates/unparsed") == 1


@pytest.mark.parametrize(
    "published",
    [
        "2022-01-21T14:36:01+01:00",  # two hours and a second after the crawl
        "2030-01-01T00:00:00+01:00",
        "2022-01-22",
        "1994-12-31",
        "1970-01-01T01:00:00+01:00",
    ],
)
def test_an_implausible_published_date_becomes_unknown(
    crawler: Any, caplog: pytest.LogCaptureFixture, published: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="newscrawler.pipelines.dates"):
        item = run(crawler, article(date_published=published, date_published_raw="raw byline"))
    assert item.date_published is None
    assert item.date_published_raw == "raw byline"
    assert stat(crawler, "dates/implausible") == 1
    assert f"Implausible date_published {published}" in caplog.text


def test_an_implausible_value_without_raw_string_is_kept_as_raw(crawler: Any) -> None:
    item = run(crawler, article(date_published="2030-01-01T00:00:00+01:00"))
    assert item.date_published is None
    assert item.date_published_raw == "2030-01-01T00:00:00+01:00"


@pytest.mark.parametrize(
    "published",
    ["2022-01-21T14:36:00+01:00", "2022-01-21", "1995-01-01"],  # skew edge, crawl day, 1995
)
def test_plausible_edges_are_kept(crawler: Any, published: str) -> None:
    item = run(crawler, article(date_published=published))
    assert item.date_published == published
    assert stat(crawler, "dates/implausible") is None


def test_non_canonical_values_from_other_producers_are_normalised(crawler: Any) -> None:
    item = run(
        crawler,
        article(date_published="2022-01-21T11:31:00+00:00", date_modified="2022-01-21T11:40:00Z"),
    )
    assert item.date_published == "2022-01-21T12:31:00+01:00"
    assert item.date_published_raw == "2022-01-21T11:31:00+00:00"
    assert item.date_modified == "2022-01-21T12:40:00+01:00"
    assert stat(crawler, "dates/normalized") == 2


def test_an_unreadable_modified_date_is_set_to_null(
    crawler: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="newscrawler.pipelines.dates"):
        item = run(crawler, article(date_published="2022-01-21", date_modified="bald"))
    assert item.date_modified is None
    assert stat(crawler, "dates/unparsed") == 1
    assert "Unreadable date_modified 'bald'" in caplog.text


def test_an_article_without_any_date_is_counted(crawler: Any) -> None:
    item = run(crawler, article())
    assert item.date_published is None
    assert stat(crawler, "dates/missing") == 1


def test_dict_items_work_and_other_items_pass_untouched(crawler: Any) -> None:
    item = run(crawler, {"url": "u", "crawled_at": CRAWLED_AT, "date_published_raw": "21.01.2022"})
    assert item["date_published"] == "2022-01-21"
    other = {"url": "u", "title": "not an article"}
    assert run(crawler, dict(other)) == other
    assert stat(crawler, "dates/missing") is None


def test_the_project_settings_register_the_pipeline() -> None:
    from newscrawler import settings

    assert PIPELINE_PATH in settings.ITEM_PIPELINES


# --- A real crawl -----------------------------------------------------------------------------

PAGES = {
    "/a.html": "Von Anna Beispiel | Fr., 21.01.2022, 12:31 Uhr",
    "/b.html": "Stand: 30.10.2022, 02:30 Uhr MEZ",
    "/c.html": "Jetzt abonnieren",
    "/d.html": "01.01.2031",
}

SPIDER = textwrap.dedent(
    """
    import json, sys
    from datetime import datetime, timezone

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from newscrawler.items import NewsArticle

    base, output, stats_file = sys.argv[1:4]


    class BylineSpider(scrapy.Spider):
        # A spider that leaves dates to the pipeline: it only reads the byline.
        name = "bylines"

        async def start(self):
            for path in ("a", "b", "c", "d"):
                yield scrapy.Request(f"{base}/{path}.html")

        def parse(self, response):
            yield NewsArticle(
                url=response.url,
                site="test",
                date_published_raw=response.css("p.byline::text").get(),
                crawled_at="2026-01-01T00:00:00+00:00",
            )

        def closed(self, reason):
            stats = self.crawler.stats.get_stats()
            with open(stats_file, "w") as handle:
                json.dump({k: v for k, v in stats.items() if k.startswith("dates/")}, handle)


    settings = get_project_settings()
    settings.set("FEEDS", {output: {"format": "jsonlines"}})
    settings.set("DOWNLOAD_DELAY", 0)
    settings.set("AUTOTHROTTLE_ENABLED", False)
    process = CrawlerProcess(settings)
    process.crawl(BylineSpider)
    process.start()
    """
)


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        byline = PAGES.get(self.path)
        if byline is None:
            self.send_error(404)
            return
        body = f"<html><body><p class='byline'>{byline}</p></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_a_real_crawl_normalises_dates_and_reports_stats(site: str, tmp_path: Path) -> None:
    script, output, stats_file = tmp_path / "crawl.py", tmp_path / "out.jsonl", tmp_path / "s.json"
    script.write_text(SPIDER, encoding="utf-8")
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawler.settings"}
    result = subprocess.run(
        [sys.executable, str(script), site, str(output), str(stats_file)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    items = {
        row["url"].rsplit("/", 1)[1]: row
        for row in map(json.loads, output.read_text(encoding="utf-8").splitlines())
    }
    assert items["a.html"]["date_published"] == "2022-01-21T12:31:00+01:00"
    assert items["b.html"]["date_published"] == "2022-10-30T02:30:00+01:00"
    assert items["c.html"]["date_published"] is None
    assert items["c.html"]["date_published_raw"] == "Jetzt abonnieren"
    assert items["d.html"]["date_published"] is None  # after the crawl: implausible
    assert items["d.html"]["date_published_raw"] == "01.01.2031"
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    assert stats == {"dates/normalized": 2, "dates/unparsed": 1, "dates/implausible": 1}
    assert "Implausible date_published 2031-01-01" in result.stderr
