"""Web archives in the downloader: pages written to WARC as they arrive, and pages answered from
WARC files.

- `WarcCaptureMiddleware` (`-s NEWSCRAWLER_WARC=True`): every response to an article request,
  as it comes from the network, becomes a WARC `response` record with its `request` record
  (`newscrawler.publish.warc` writes and publishes the files). It sits above Scrapy's
  HttpCompressionMiddleware (590) and RedirectMiddleware (600), so it sees bodies before they
  are decompressed and redirects before they are followed. The response's meta then holds the
  item's `warc` pointer and the fetch time.
- `ArchiveReplayMiddleware` (`scrapy crawl warc`): answers a request with the archived response
  it carries, the way Scrapy's HTTP cache answers from its store: the response then passes
  every other middleware as a downloaded one would (HttpCompressionMiddleware decodes it, ...).
  A request without one is refused: such a run never touches the network.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
import warcio
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from newscrawler import __version__
from newscrawler.middlewares.html_only import EXPECT_HTML_META_KEY
from newscrawler.publish.layout import feed_folder, local_feed_path, run_stamp
from newscrawler.publish.warc import WarcFiles, use_warc_files
from newscrawler.request_meta import (
    ARCHIVED_META_KEY,
    FETCHED_AT_META_KEY,
    WARC_RECORD_META_KEY,
)
from newscrawler.warc.records import CAPTURE_NOTES, CONFORMS_TO, DEFAULT_GZIP_LEVEL, Exchange

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response
    from typing_extensions import Self

    from newscrawler.warc.reader import ArchivedResponse

logger = logging.getLogger(__name__)

FETCH_SETTINGS = (
    "ROBOTSTXT_OBEY",
    "DOWNLOAD_DELAY",
    "RANDOMIZE_DOWNLOAD_DELAY",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "RETRY_TIMES",
    "COOKIES_ENABLED",
)
"""The settings that shape what was fetched and how, in every warcinfo record."""


def warcinfo_fields(crawler: Crawler) -> dict[str, Any]:
    """The warcinfo record of the run's WARC files: who crawled, with what, how."""
    settings = crawler.settings
    spider = crawler.spider
    return {
        "software": (
            f"newscrawler/{__version__} (Scrapy/{scrapy.__version__}; warcio/{_version_of(warcio)})"
        ),
        "format": "WARC File Format 1.1",
        "conformsTo": CONFORMS_TO,
        "isPartOf": f"{spider.name if spider else '?'}-{run_stamp(crawler)}",
        "operator": settings.get("NEWSCRAWLER_CONTACT_URL") or "",
        "http-header-user-agent": settings.get("USER_AGENT") or "",
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "scrapy-settings": "; ".join(f"{name}={settings.get(name)}" for name in FETCH_SETTINGS),
        "description": CAPTURE_NOTES,
    }


def _version_of(module: Any) -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(module.__name__)
    except PackageNotFoundError:
        return "?"


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def exchange_of(request: Request, response: Response) -> Exchange:
    """What the capture records of a request and its response."""
    return Exchange(
        url=response.url,
        method=request.method,
        request_headers=_header_pairs(request.headers),
        request_body=request.body,
        status=response.status,
        protocol=response.protocol or "HTTP/1.1",
        response_headers=_header_pairs(response.headers),
        body=response.body,
        fetched_at=datetime.now(timezone.utc),
        ip_address=str(response.ip_address) if response.ip_address else None,
        truncated="partial" in response.flags,
    )


class WarcCaptureMiddleware:
    """Downloader middleware: article responses as they arrive, into WARC files (see the
    module). Off unless `NEWSCRAWLER_WARC` is true."""

    def __init__(self, crawler: Crawler, files: WarcFiles):
        self.crawler = crawler
        self.files = files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWLER_WARC"):
            raise NotConfigured("NEWSCRAWLER_WARC is off")
        if not any(local_feed_path(uri) is not None for uri in settings.getdict("FEEDS")):
            raise ValueError(
                "NEWSCRAWLER_WARC=True writes WARC files beside the JSON lines: it needs a"
                " local feed file (the default output, -o or -O FILE)"
            )
        files = WarcFiles(
            crawler,
            info=warcinfo_fields(crawler),
            gzip_level=settings.getint("NEWSCRAWLER_WARC_GZIP_LEVEL", DEFAULT_GZIP_LEVEL),
        )
        use_warc_files(crawler, files)
        middleware = cls(crawler, files)
        crawler.signals.connect(middleware.feeds_closed, signal=signals.feed_exporter_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        # a retried or redirected request: only its last response is the item's
        request.meta.pop(WARC_RECORD_META_KEY, None)

    async def process_response(self, request: Request, response: Response) -> Response:
        if not self.records(request, response):
            return response
        exchange = exchange_of(request, response)
        try:
            path, written = await self.files.write(exchange)
        except Exception as error:
            logger.error("Could not write %s to the WARC file: %r", response.url, error)
            self.crawler.stats.inc_value("newscrawler/warc/write_failed")
            return response
        request.meta[WARC_RECORD_META_KEY] = {
            "file": path.name,  # beside the JSON lines file
            "offset": written.offset,
            "length": written.length,
            "record_id": written.record_id,
        }
        request.meta[FETCHED_AT_META_KEY] = exchange.fetched_at
        self.crawler.stats.inc_value("newscrawler/warc/records_written")
        return response

    @staticmethod
    def records(request: Request, response: Response) -> bool:
        """Article pages fetched from the network, with their whole body."""
        return (
            bool(request.meta.get(EXPECT_HTML_META_KEY))
            and ARCHIVED_META_KEY not in request.meta
            and "download_stopped" not in response.flags
            and request.method != "HEAD"
        )

    def feeds_closed(self) -> None:
        self.files.publish_alone()


class ArchiveReplayMiddleware:
    """Downloader middleware of `scrapy crawl warc`: archived responses instead of downloads."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._folder: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @property
    def folder(self) -> Path:
        """Where the items go: the pointers to the records are relative to it."""
        if self._folder is None:
            spider = self.crawler.spider
            name = spider.name if spider is not None else "warc"
            self._folder = feed_folder(self.crawler.settings, name, run_stamp(self.crawler))
        return self._folder

    def process_request(self, request: Request) -> Response:
        archived: ArchivedResponse | None = request.meta.get(ARCHIVED_META_KEY)
        if archived is None:
            raise IgnoreRequest(f"not in the archive (a warc run fetches nothing): {request.url}")
        request.meta[WARC_RECORD_META_KEY] = archived.pointer(self.folder)
        request.meta[FETCHED_AT_META_KEY] = archived.date
        headers = Headers()
        for name, value in archived.headers:
            headers.appendlist(name, value)
        response_class = responsetypes.from_args(
            headers=headers, url=archived.url, body=archived.body[:5000]
        )
        return response_class(
            url=archived.url,
            status=archived.status,
            headers=headers,
            body=archived.body,
            request=request,
            protocol=archived.protocol,
            flags=["archived"],
        )
