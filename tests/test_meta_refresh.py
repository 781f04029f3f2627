"""HeadMetaRefreshMiddleware redirects exactly where Scrapy's MetaRefreshMiddleware does."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from newscrawler.middlewares.meta_refresh import HEAD_BYTES, HeadMetaRefreshMiddleware

PAGE = "https://www.example.de/alt/artikel-123.html"
FILLER = "<p>Die Förde glitzert, sagt Jürgen Müller.</p>\n" * 800  # ~40 KB, beyond the head


def page(head: str, body: str = FILLER, charset: str | None = "utf-8") -> HtmlResponse:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    headers = {"Content-Type": f"text/html; charset={charset}" if charset else "text/html"}
    return HtmlResponse(PAGE, headers=headers, body=html.encode(charset or "utf-8"))


def outcome(result: Request | Response) -> str:
    return f"redirect to {result.url}" if isinstance(result, Request) else "response"


NEW = "https://www.example.de/neu"
CASES = {  # name: (response, what Scrapy's middleware does with it)
    "refresh in a long page's head": (
        page('<meta http-equiv="refresh" content="0; url=/neu/artikel-123.html">'),
        f"redirect to {NEW}/artikel-123.html",
    ),
    "refresh in a short page": (
        page(f'<meta http-equiv="refresh" content="0;URL=\'{NEW}\'">', body="x"),
        f"redirect to {NEW}",
    ),
    "refresh after the first 4096 characters": (
        page("", body=FILLER + '<meta http-equiv="refresh" content="0; url=/neu">'),
        "response",
    ),
    "non-ASCII target, Latin-1 page": (
        page('<meta http-equiv="refresh" content="1; url=/neu/straße">', charset="latin-1"),
        f"redirect to {NEW}/stra%C3%9Fe",
    ),
    "no charset declared anywhere": (
        page('<meta http-equiv="refresh" content="0; url=/neu">', charset=None),
        f"redirect to {NEW}",
    ),
    "delay above METAREFRESH_MAXDELAY": (
        page('<meta http-equiv="refresh" content="600; url=/neu">'),
        "response",
    ),
    "no refresh": (page("<title>Artikel</title>"), "response"),
    "refresh in capitals": (
        page('<META HTTP-EQUIV="REFRESH" CONTENT="0; URL=/neu">'),
        f"redirect to {NEW}",
    ),
    "refresh with a long s (w3lib does not fold it)": (
        page('<meta http-equiv="refre\u017fh" content="0; url=/neu">'),
        "response",
    ),
    "refresh in a UTF-16 page": (
        page('<meta http-equiv="refresh" content="0; url=/neu">', charset="utf-16"),
        f"redirect to {NEW}",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_same_decision_as_scrapy(name: str) -> None:
    response, expected = CASES[name]
    request = Request(PAGE)
    crawler = get_crawler()
    scrapys = MetaRefreshMiddleware.from_crawler(crawler).process_response(request, response)
    ours = HeadMetaRefreshMiddleware.from_crawler(crawler).process_response(request, response)
    assert outcome(scrapys) == outcome(ours) == expected
    if isinstance(ours, Response):
        assert ours is response  # the whole page goes on, not its head


def test_cases_are_longer_than_the_head() -> None:
    long_pages = [name for name, (response, _) in CASES.items() if len(response.body) > HEAD_BYTES]
    assert len(long_pages) == len(CASES) - 1
