"""A real `scrapy crawl shz` against the local shz.de replica."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.crawl import FAST_SETTINGS, CrawlResult, read_jsonl, run_crawl
from tests.support.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow

BLINKEN = (
    "/deutschland-welt/politik/artikel/"
    "blinken-und-lawrow-in-genf-letzte-chance-fuer-deeskalation-41250311"
)
FAEHRE = "/lokales/flensburg/artikel/flensburger-foerde-neuer-faehranleger-eroeffnet-41248890"
HANDBALL = "/lokales/flensburg/artikel/handball-sg-flensburg-handewitt-gewinnt-nordderby-41252004"
KIELER_WOCHE = "/lokales/kiel/artikel/kieler-woche-2022-programm-steht-fest-41251577"
RADWEGE = "/lokales/kieler-nachrichten/kiel-bekommt-neue-radwege-entlang-der-hoern-id34567890.html"
ARTICLES = {BLINKEN, FAEHRE, HANDBALL, KIELER_WOCHE, RADWEGE}
ROBOTS_DISALLOWED = "/private/artikel/interne-planung-redaktion-41259999"
VIDEO = "/video/artikel/hafen-kiel-im-zeitraffer-41251000"


@pytest.fixture(scope="module")
def served() -> Iterator[ReplicaServer]:
    with ReplicaServer(SITES_DIR / "shz") as server:
        yield server


@pytest.fixture(scope="module")
def crawl(served: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    output = tmp_path_factory.mktemp("shz") / "shz.jsonl"
    return run_crawl("shz", output=output, args={"base_url": served.url})


def test_crawl_finishes_cleanly(crawl: CrawlResult) -> None:
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert crawl.stat("finish_reason") == "finished"
    assert crawl.log_lines("ERROR") == []


def test_every_article_exactly_once(crawl: CrawlResult) -> None:
    paths = sorted(urlsplit(item["url"]).path for item in crawl.items)
    assert paths == sorted(ARTICLES)
    assert len({item["canonical_url"] for item in crawl.items}) == len(ARTICLES)


def test_urls_are_clean(crawl: CrawlResult) -> None:
    for item in crawl.items:
        assert "utm_" not in item["url"] and "fbclid" not in item["url"] and "#" not in item["url"]
        assert item["canonical_url"].startswith("https://www.shz.de/")
        assert item["site"] == "shz"
        assert item["warc"] is None  # no WARC written (NEWSCRAWLER_WARC is off)


def test_items_validate_against_published_schema(
    crawl: CrawlResult, article_schema: dict[str, Any]
) -> None:
    validator = jsonschema.Draft202012Validator(article_schema)
    assert crawl.items
    for item in crawl.items:
        errors = [error.message for error in validator.iter_errors(item)]
        assert errors == [], item["url"]


def test_blinken_lawrow_article_fields(crawl: CrawlResult) -> None:
    item = crawl.by_path()[BLINKEN]
    assert item["title"] == (
        "Blinken und Lawrow in Genf: Letzte Chance für Deeskalation in der Ukraine?"
    )
    assert item["date_published"] == "2022-01-21T12:31:00+01:00"
    assert item["date_published_raw"]
    assert item["authors"] == ["dpa"]
    assert item["section"] == "Politik"
    assert "Ukraine-Konflikt" in item["tags"]
    assert item["language"] == "de"
    assert item["is_paywalled"] is False
    assert item["teaser"].startswith("Der russische Außenminister Sergej Lawrow")
    body = item["body"]
    assert "Die Außenminister der USA und Russlands" in body
    assert "Forderungen beider Seiten" in body
    assert body.rstrip().endswith("nach Sicherheitsgarantien durchgehen wolle.")
    for furniture in ("zur Startseite", "Diskutieren Sie mit", "Leserkommentare", "Avatar_shz"):
        assert furniture not in body
    assert "\n\n" in body and "\n\n\n" not in body
    assert item["word_count"] > 250
    assert len(item["fingerprint"]) == 32
    assert item["crawled_at"].endswith("+00:00")


def test_dates_carry_berlin_offset(crawl: CrawlResult) -> None:
    items = crawl.by_path()
    assert items[FAEHRE]["date_published"] == "2022-01-20T18:05:00+01:00"
    assert items[HANDBALL]["date_published"] == "2022-01-21T21:47:00+01:00"
    assert items[RADWEGE]["date_published"] == "2021-10-14T09:15:00+02:00"


def test_paywalled_article_has_only_visible_text(crawl: CrawlResult) -> None:
    item = crawl.by_path()[KIELER_WOCHE]
    assert item["is_paywalled"] is True
    assert item["teaser"].startswith("Nach zwei Jahren mit Einschränkungen")
    assert "Nach zwei Jahren mit Einschränkungen" in item["body"]
    # The scrambled text after the paywall box never reaches the output.
    for scrambled in ("Rmf hbvejh", "Zvgrtnm", "Wqerty"):
        assert scrambled not in item["body"]
    assert item["word_count"] < 40


def test_non_articles_are_not_emitted(crawl: CrawlResult, served: ReplicaServer) -> None:
    paths = set(crawl.by_path())
    assert VIDEO not in paths and "/" not in paths and "/lokales/flensburg" not in paths
    assert crawl.stat("newscrawler/articles_dropped/not_article") == 1  # the video page
    # Links that do not look like articles are never fetched.
    requested = {p.split("?")[0] for p in served.requests}
    assert "/themen/ukraine" not in requested and "/impressum" not in requested


def test_robots_txt_is_honoured(crawl: CrawlResult, served: ReplicaServer) -> None:
    requested = {p.split("?")[0] for p in served.requests}
    assert "/robots.txt" in requested
    assert ROBOTS_DISALLOWED not in requested
    assert ROBOTS_DISALLOWED not in crawl.by_path()


def test_discovers_through_sitemaps_feeds_and_sections(
    crawl: CrawlResult, served: ReplicaServer
) -> None:
    requested = {p.split("?")[0] for p in served.requests}
    # robots.txt -> sitemap index -> gzipped archive sitemap: the only way to the old article
    assert "/sitemaps/archive-2021-10.xml.gz" in requested
    assert RADWEGE in crawl.by_path()
    # section page -> its declared feed
    assert "/lokales/flensburg/rss" in requested
    assert crawl.stat("newscrawler/leads/feed") and crawl.stat("newscrawler/leads/sitemap")


def test_honest_user_agent(crawl: CrawlResult, served: ReplicaServer) -> None:
    assert served.user_agents
    for agent in served.user_agents:
        assert agent.startswith("newscrawler/") and "(+http" in agent


def test_days_limit(served: ReplicaServer, tmp_path: Path) -> None:
    # The replica's articles are from 2021/2022: none is within the last 30 days ...
    recent = run_crawl("shz", output=tmp_path / "recent.jsonl",
                       args={"base_url": served.url, "days": "30"})  # fmt: skip
    assert recent.returncode == 0, recent.log[-3000:]
    assert recent.items == []
    assert recent.stat("newscrawler/leads_skipped/too_old")
    # ... and all are within the last 100 years.
    everything = run_crawl("shz", output=tmp_path / "all.jsonl",
                           args={"base_url": served.url, "days": "36500"})  # fmt: skip
    assert {urlsplit(item["url"]).path for item in everything.items} == ARTICLES


def test_default_output_file_only_without_o(served: ReplicaServer, tmp_path: Path) -> None:
    # No -o/-O: <NEWSCRAWLER_OUTPUT_DIR>/<spider>/<UTC stamp>.jsonl
    default = run_default_crawl(served, tmp_path / "out")
    (written,) = (tmp_path / "out" / "shz").glob("*.jsonl")
    assert default.returncode == 0
    assert len(read_jsonl(written)) == len(ARTICLES)
    assert len(written.stem) == len("20220121T113100Z-0001") and written.stem.endswith("Z-0001")
    # With -O only the given file is written, not the default one as well.
    explicit = run_crawl("shz", output=tmp_path / "given.jsonl", args={"base_url": served.url},
                         settings={"NEWSCRAWLER_OUTPUT_DIR": str(tmp_path / "other")})  # fmt: skip
    assert len(explicit.items) == len(ARTICLES)
    assert not (tmp_path / "other").exists()


def run_default_crawl(served: ReplicaServer, output_dir: Path) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl shz` without -o/-O (tests.support.crawl.run_crawl always passes -O)."""
    settings = {**FAST_SETTINGS, "NEWSCRAWLER_OUTPUT_DIR": str(output_dir)}
    command = [sys.executable, "-m", "scrapy", "crawl", "shz", "-a", f"base_url={served.url}"]
    for key, value in settings.items():
        command += ["-s", f"{key}={value}"]
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120, check=False, env=dict(os.environ))  # fmt: skip
