"""Hostile and broken input: one real `scrapy crawl news` against a local server full of it.

The crawl must survive every page with a log line and a stat, emit items only where they are
right, log no ERROR (page-level failures are warnings) and stay under 1 GiB of memory.
"""

from __future__ import annotations

import json
import os
import random
import resource
import zlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from newscrawler.demo.server import ReplicaServer, Reply
from tests.support.crawl import CrawlResult, run_crawl

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
HTML = "text/html; charset=utf-8"

GOOD = "/artikel/gute-nachricht-aus-kiel-12345678"
LATIN1 = "/artikel/schoene-gruesse-aus-eckernfoerde-22345678"
HUGE = "/artikel/riesige-seite-32345678"
HUGE_STREAMED = "/artikel/riesige-seite-ohne-laenge-42345678"
GZIP_BOMB = "/artikel/gzip-bombe-52345678"
EMPTY = "/artikel/leere-seite-62345678"
BINARY = "/artikel/binaere-daten-72345678"
PLAIN_TEXT = "/artikel/nur-text-82345678"
PDF_NO_EXTENSION = "/artikel/haushaltsplan-als-pdf-92345678"
NOT_FOUND = "/artikel/verschwunden-10345678"
GONE = "/artikel/geloescht-11345678"
FLAKY = "/artikel/server-wackelt-erst-12445678"
BROKEN = "/artikel/server-bleibt-kaputt-13345678"
LOOP_A = "/artikel/schleife-hin-14345678"
LOOP_B = "/artikel/schleife-zurueck-14345679"
ENDLESS = "/artikel/endlose-umleitung-15345678"
COMPLEX = "/artikel/verschachtelte-seite-16345678"
LARGE_OK = "/artikel/grosse-seite-mit-daten-17345678"
TO_PDF = "/artikel/umleitung-auf-pdf-19345678"

PAGES = [GOOD, LATIN1, HUGE, HUGE_STREAMED, GZIP_BOMB, EMPTY, BINARY, PLAIN_TEXT,
         PDF_NO_EXTENSION, NOT_FOUND, GONE, FLAKY, BROKEN, LOOP_A, ENDLESS, COMPLEX, LARGE_OK,
         TO_PDF, "/media/foto-der-woche-18345678.jpg"]  # fmt: skip
EXPECTED_ITEMS = {GOOD, LATIN1, FLAKY, LARGE_OK}

PARAGRAPHS = (
    "Die Gemeindevertretung hat am Dienstagabend nach langer Debatte über die Zukunft des "
    "Hafens entschieden. Anwohner, Fischer und Vertreter der Werft waren gekommen, um ihre "
    "Sicht auf die Pläne für die Kaikante und den neuen Radweg am Ufer darzulegen.",
    "Der Bürgermeister sprach von einem Kompromiss, mit dem alle leben könnten. Die Fischer "
    "behalten ihre Liegeplätze an der Nordmole, die Werft bekommt eine längere Zufahrt.",
    "Kritik kam von den Grünen, die sich mehr Platz für Fußgänger gewünscht hätten. Sie "
    "kündigten an, das Thema in den Ausschüssen erneut auf die Tagesordnung zu bringen.",
    "Die Bauarbeiten sollen im Herbst beginnen und zwei Jahre dauern. Während dieser Zeit "
    "bleibt der Parkplatz am Hafenamt gesperrt, Ersatz gibt es an der Schule.",
)
PARAGRAPH = PARAGRAPHS[0]


def article_html(title: str, *, extra_head: str = "", charset: str = "utf-8") -> str:
    ld = json.dumps(
        {"@type": "NewsArticle", "headline": title, "datePublished": "2022-01-21T12:00:00+01:00",
         "author": {"@type": "Person", "name": "Jürgen Möller"}},
        ensure_ascii=False,
    )  # fmt: skip
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="{charset}"><title>{title}</title>'
        f'<script type="application/ld+json">{ld}</script>{extra_head}</head>'
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )


def entity_bomb(root: str) -> bytes:
    """The billion laughs: ten levels of ten-fold entity references (1 GB when expanded)."""
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]>'.encode()


def gzip_bomb(decompressed_size: int = 1024 * MiB) -> bytes:
    """About 1 MB of gzip that expands to `decompressed_size` zero bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(MiB)
    parts = [compressor.compress(zeros) for _ in range(decompressed_size // MiB)]
    return b"".join([*parts, compressor.flush()])


def chunked(body: bytes, size: int = 64 * 1024) -> bytes:
    """`body` in HTTP/1.1 chunked transfer encoding (no Content-Length known up front)."""
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


class HostileSite:
    """Routes for a ReplicaServer: one path per kind of hostile or broken answer."""

    def __init__(self) -> None:
        self.server: ReplicaServer | None = None
        self.hits: dict[str, int] = {}
        bomb = gzip_bomb()
        huge = ("<html><body>" + "<p>Ballast</p>" * (20 * MiB // 14) + "</body></html>").encode()
        nested = "<div><span>x</span></div>" * (10 * MiB // 25)
        blob = json.dumps({"state": "x" * (6 * MiB)})
        self.routes = {
            "/sitemap-index.xml": lambda _: self.xml(self.sitemap_index()),
            "/sitemaps/pages.xml": lambda _: self.xml(self.pages_sitemap()),
            "/sitemaps/entity-bomb.xml": lambda _: self.xml(
                entity_bomb("urlset") + b"<urlset><url><loc>&lol9;</loc></url></urlset>"
            ),
            "/sitemaps/gzip-bomb.xml.gz": lambda _: Reply(
                200, {"Content-Type": "application/x-gzip"}, bomb
            ),
            "/feed-bomb.xml": lambda _: Reply(
                200,
                {"Content-Type": "application/rss+xml"},
                entity_bomb("rss") + b'<rss version="2.0"><channel><title>&lol9;</title>'
                b"<item><title>&lol9;</title><link>" + self.url(GOOD).encode() + b"</link>"
                b"</item></channel></rss>",
            ),
            GOOD: lambda _: self.html(article_html("Gute Nachricht aus Kiel")),
            LATIN1: lambda _: Reply(
                200,
                {"Content-Type": HTML},
                article_html("Schöne Grüße aus Eckernförde").encode("latin-1"),
            ),
            HUGE: lambda _: Reply(200, {"Content-Type": HTML}, huge),
            HUGE_STREAMED: lambda _: Reply(
                200, {"Content-Type": HTML, "Transfer-Encoding": "chunked"}, chunked(huge)
            ),
            GZIP_BOMB: lambda _: Reply(
                200, {"Content-Type": HTML, "Content-Encoding": "gzip"}, bomb
            ),
            EMPTY: lambda _: Reply(200, {"Content-Type": HTML}, b""),
            BINARY: lambda _: Reply(
                200, {"Content-Type": HTML}, random.Random(7).randbytes(64 * 1024)
            ),
            PLAIN_TEXT: lambda _: Reply(
                200, {"Content-Type": "text/plain; charset=utf-8"}, PARAGRAPH.encode() * 20
            ),
            PDF_NO_EXTENSION: lambda _: Reply(
                200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n" + bytes(2 * MiB)
            ),
            GONE: lambda _: Reply(410, {"Content-Type": HTML}, b"<h1>Gone</h1>"),
            FLAKY: self.flaky,
            BROKEN: lambda _: Reply(503, {"Content-Type": "text/plain"}, b"Service Unavailable"),
            LOOP_A: lambda _: self.redirect(LOOP_B),
            LOOP_B: lambda _: self.redirect(LOOP_A),
            ENDLESS: self.endless,
            COMPLEX: lambda _: self.html(article_html("Verschachtelt") + nested),
            LARGE_OK: lambda _: self.html(
                article_html(
                    "Große Seite mit Daten",
                    extra_head=f'<script id="__STATE__" type="application/json">{blob}</script>',
                )
            ),
            TO_PDF: lambda _: self.redirect("/media/haushaltsplan-2022.pdf"),
        }

    def url(self, path: str) -> str:
        assert self.server is not None
        return self.server.url + path

    @staticmethod
    def xml(body: bytes) -> Reply:
        return Reply(200, {"Content-Type": "application/xml"}, body)

    @staticmethod
    def html(text: str) -> Reply:
        return Reply(200, {"Content-Type": HTML}, text.encode())

    def redirect(self, path: str) -> Reply:
        return Reply(302, {"Location": self.url(path), "Content-Type": HTML}, b"")

    def flaky(self, path: str) -> Reply:
        self.hits[FLAKY] = self.hits.get(FLAKY, 0) + 1
        if self.hits[FLAKY] <= 2:
            return Reply(503, {"Content-Type": HTML, "Retry-After": "0"}, b"<h1>Busy</h1>")
        return self.html(article_html("Der Server wackelt erst"))

    def endless(self, path: str) -> Reply:
        hop = int(parse_qs(urlsplit(path).query).get("n", ["0"])[0])
        return self.redirect(f"{ENDLESS}?n={hop + 1}")

    def sitemap_index(self) -> bytes:
        sitemaps = ["/sitemaps/entity-bomb.xml", "/sitemaps/gzip-bomb.xml.gz",
                    "/sitemaps/pages.xml"]  # fmt: skip
        entries = "".join(f"<sitemap><loc>{self.url(p)}</loc></sitemap>" for p in sitemaps)
        return (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{entries}</sitemapindex>'
        ).encode()

    def pages_sitemap(self) -> bytes:
        # The good article three times, with different tracking decoration.
        urls = [self.url(GOOD) + "?utm_source=newsletter&utm_medium=email",
                self.url(GOOD) + "?fbclid=IwAR2abc", self.url(GOOD) + "#kommentare",
                *(self.url(p) for p in PAGES[1:]),
                "http://[malformed/artikel-20345678", "javascript:void(0)"]  # fmt: skip
        entries = "".join(f"<url><loc>{u.replace('&', '&amp;')}</loc></url>" for u in urls)
        return (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
            f'sitemap/0.9">{entries}</urlset>'
        ).encode()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSite]:
    site = HostileSite()
    with ReplicaServer(tmp_path_factory.mktemp("empty"), routes=site.routes) as server:
        site.server = server
        yield site


@pytest.fixture(scope="module")
def peak_rss_before() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


@pytest.fixture(scope="module")
def crawl(
    hostile: HostileSite, peak_rss_before: int, tmp_path_factory: pytest.TempPathFactory
) -> CrawlResult:
    output = tmp_path_factory.mktemp("hostile") / "hostile.jsonl"
    return run_crawl(
        "news",
        output=output,
        args={"sitemap": hostile.url("/sitemap-index.xml"), "feed": hostile.url("/feed-bomb.xml")},
        # Production retry count, and the server's Retry-After: 0 is honoured within backoff.
        settings={"RETRY_TIMES": "3"},
    )


def paths(crawl: CrawlResult) -> list[str]:
    return sorted(urlsplit(item["url"]).path for item in crawl.items)


def warnings_about(crawl: CrawlResult, path: str) -> list[str]:
    return [line for line in crawl.log_lines("WARNING") if path in line]


def test_crawl_survives_with_exit_status_zero_and_no_error_line(crawl: CrawlResult) -> None:
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert crawl.stat("finish_reason") == "finished"
    assert crawl.log_lines("ERROR") == [], crawl.log_lines("ERROR")
    assert "Traceback" not in crawl.log


def test_items_only_where_right_and_each_once(crawl: CrawlResult) -> None:
    assert paths(crawl) == sorted(EXPECTED_ITEMS)


def test_tracking_variants_in_a_sitemap_are_fetched_and_emitted_once(
    crawl: CrawlResult, hostile: HostileSite
) -> None:
    assert hostile.server is not None
    fetched = [p for p in hostile.server.requests if urlsplit(p).path == GOOD]
    assert fetched == [GOOD]
    assert [i["url"] for i in crawl.items].count(hostile.url(GOOD)) == 1


def test_entity_bombs_in_sitemap_and_feed_are_refused(crawl: CrawlResult) -> None:
    assert crawl.stat("newscrawler/discovery_failed/xml_entities") == 2
    refused = [line for line in crawl.log_lines("WARNING") if "declares XML entities" in line]
    assert any("/sitemaps/entity-bomb.xml" in line for line in refused)
    assert any("/feed-bomb.xml" in line for line in refused)


def test_gzip_bombs_stop_at_the_size_limit(crawl: CrawlResult) -> None:
    # The .xml.gz sitemap: refused while decompressing it.
    assert crawl.stat("newscrawler/discovery_failed/too_large") == 1
    assert warnings_about(crawl, "/sitemaps/gzip-bomb.xml.gz")
    # Content-Encoding: gzip on an HTML page: Scrapy stops decompressing at DOWNLOAD_MAXSIZE.
    assert any("Article failed (too_large)" in line for line in warnings_about(crawl, GZIP_BOMB))


def test_pages_over_the_size_limit_are_cancelled(crawl: CrawlResult) -> None:
    # With Content-Length (cancelled at the headers) and without (cancelled while streaming),
    # plus the gzip bomb: three pages too large.
    assert crawl.stat("newscrawler/articles_failed/too_large") == 3
    for path in (HUGE, HUGE_STREAMED):
        assert any("Article failed (too_large)" in line for line in warnings_about(crawl, path))


def test_page_between_warn_and_max_size_is_extracted_unless_too_complex(
    crawl: CrawlResult,
) -> None:
    assert LARGE_OK in paths(crawl)  # 6 MiB, mostly an inline JSON blob
    assert crawl.stat("newscrawler/articles_dropped/too_complex") == 1
    assert any("too complex to extract" in line for line in warnings_about(crawl, COMPLEX))


def test_empty_binary_and_non_html_pages(crawl: CrawlResult) -> None:
    assert crawl.stat("newscrawler/articles_dropped/empty") == 1
    assert warnings_about(crawl, EMPTY)
    assert crawl.stat("newscrawler/articles_dropped/binary") == 1
    assert warnings_about(crawl, BINARY)
    # text/plain and application/pdf by Content-Type, a redirect to a .pdf by its URL.
    assert crawl.stat("newscrawler/articles_skipped/not_html") == 3
    skipped = [line for line in crawl.log_lines("INFO") if "Not an HTML page" in line]
    assert any(PLAIN_TEXT in line and "text/plain" in line for line in skipped)
    assert any(PDF_NO_EXTENSION in line and "application/pdf" in line for line in skipped)
    assert any("haushaltsplan-2022.pdf" in line for line in skipped)


def test_non_html_urls_are_never_requested(crawl: CrawlResult, hostile: HostileSite) -> None:
    assert hostile.server is not None
    requested = {urlsplit(p).path for p in hostile.server.requests}
    assert "/media/foto-der-woche-18345678.jpg" not in requested
    assert "/media/haushaltsplan-2022.pdf" not in requested  # redirect target, not followed
    assert crawl.stat("newscrawler/leads_skipped/not_article_url") == 1  # the .jpg


def test_http_errors_are_warnings_with_stats(crawl: CrawlResult) -> None:
    assert crawl.stat("newscrawler/articles_failed/http_404") == 1
    assert crawl.stat("newscrawler/articles_failed/http_410") == 1
    assert warnings_about(crawl, NOT_FOUND) and warnings_about(crawl, GONE)


def test_server_errors_are_retried(crawl: CrawlResult, hostile: HostileSite) -> None:
    assert FLAKY in paths(crawl)
    assert hostile.hits[FLAKY] == 3
    assert hostile.server is not None
    assert [urlsplit(p).path for p in hostile.server.requests].count(BROKEN) == 4
    assert crawl.stat("retry/max_reached") == 1
    assert crawl.stat("newscrawler/articles_failed/http_503") == 1


def test_redirect_loops_are_warnings_with_stats(crawl: CrawlResult) -> None:
    assert crawl.stat("newscrawler/articles_failed/redirect_loop") == 1
    loop = [line for line in crawl.log_lines("WARNING") if "Redirect loop" in line]
    assert len(loop) == 1 and LOOP_A in loop[0] and LOOP_B in loop[0]
    assert crawl.stat("newscrawler/articles_failed/too_many_redirects") == 1
    assert any("too_many_redirects" in line for line in warnings_about(crawl, ENDLESS))


def test_latin1_page_declared_utf8_gives_an_item(crawl: CrawlResult) -> None:
    assert LATIN1 in paths(crawl)


def test_latin1_page_declared_utf8_has_correct_umlauts(crawl: CrawlResult) -> None:
    item = next(i for i in crawl.items if urlsplit(i["url"]).path == LATIN1)
    assert item["title"] == "Schöne Grüße aus Eckernförde"
    assert "Anwohner" in item["body"] and "\ufffd" not in item["body"]


def test_peak_memory_stays_under_one_gib(crawl: CrawlResult, peak_rss_before: int) -> None:
    # ru_maxrss of waited-for children (KiB on Linux) is the largest peak of any of them:
    # an upper bound for this crawl's own peak.
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert crawl.returncode == 0
    assert peak_kib < 1024 * 1024, f"peak RSS {peak_kib / 1024:.0f} MiB"
    if os.environ.get("NEWSCRAWLER_REPORT_RSS"):
        print(f"\npeak RSS of the hostile crawl: <= {peak_kib / 1024:.0f} MiB")
        print(f"(children before it: {peak_rss_before / 1024:.0f} MiB)")


def test_start_page_tag_soup_is_not_parsed(hostile: HostileSite, tmp_path: Path) -> None:
    result = run_crawl("news", output=tmp_path / "soup.jsonl", args={"start": hostile.url(COMPLEX)})
    assert result.returncode == 0 and result.log_lines("ERROR") == []
    assert result.stat("newscrawler/discovery_failed/too_complex") == 1
    assert any("Section page too complex" in line for line in warnings_about(result, COMPLEX))
