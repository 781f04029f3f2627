"""Article requests fetch HTML pages only.

PDFs, images, media and other files are skipped without downloading their bodies: by the URL's
extension before the request is sent, and by the Content-Type header as soon as the headers
arrive (Scrapy's `headers_received` signal and `StopDownload`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, StopDownload

from newscrawler.page_checks import is_html_content_type
from newscrawler.verdict import has_non_html_extension, url_extension

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Request
    from typing_extensions import Self

EXPECT_HTML_META_KEY = "newscrawler_expect_html"
"""Request meta key: True for requests whose answer must be an HTML page (article requests)."""

logger = logging.getLogger(__name__)


class NotHtml(IgnoreRequest):
    """A request for an HTML page points to a file of another kind (by its URL)."""


class HtmlOnlyMiddleware:
    """Downloader middleware: no body is downloaded for an article request that is no HTML page.

    A request whose URL ends in a non-HTML extension (`.pdf`, `.mp4`, ...; also after a
    redirect) fails with `NotHtml` before it is sent. A response whose Content-Type is not HTML
    is stopped after its headers; it still goes through the other middlewares (a 503 is
    retried, a 404 is an HTTP error) and reaches the callback with an empty body and the flag
    `download_stopped`.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls()
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        return middleware

    def process_request(self, request: Request) -> None:
        if request.meta.get(EXPECT_HTML_META_KEY) and has_non_html_extension(request.url):
            raise NotHtml(f"a .{url_extension(request.url)} file")

    def headers_received(self, headers: Headers, request: Request, **_: Any) -> None:
        if not request.meta.get(EXPECT_HTML_META_KEY) or b"Location" in headers:
            return  # a redirect: its target is checked when it arrives
        if not is_html_content_type(headers.get(b"Content-Type")):
            raise StopDownload(fail=False)
