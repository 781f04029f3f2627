"""Web archives in the downloader and the spider middlewares: pages written to WARC as they
were received, and pages answered from WARC files.

Writing (`-s NEWSCRAWLER_WARC=True`; `newscrawler.publish.warc` keeps and publishes the files):

- `WarcCaptureMiddleware`, a downloader middleware above Scrapy's HttpCompressionMiddleware
  (590), takes an article page's exchange as it came in, body still content-encoded, with the
  fetch time (which becomes the WARC-Date and the item's `crawled_at`);
- `WarcRecordMiddleware`, a spider middleware after the incremental one, builds the records
  when the page has been extracted (in a thread: compressing takes milliseconds) and hands them
  on with the item; a page that gave no item (not an article, unchanged) is appended at once;
- `newscrawler.extensions.warc.WarcPointers`, just before the feed exporter takes the item,
  appends its records to the WARC file of the feed's current batch (the one the item goes to)
  and points the item at them.

Reading (`scrapy crawl warc`): `ArchiveReplayMiddleware` answers a request with the archived
response it carries, the way Scrapy's HTTP cache answers from its store, so the response then
passes every other middleware as a downloaded one would (HttpCompressionMiddleware decodes
it, ...). A request without one is refused: such a run never touches the network.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
import warcio
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from newscrawler import __version__
from newscrawler.items import NewsArticle
from newscrawler.middlewares.html_only import EXPECT_HTML_META_KEY
from newscrawler.publish.layout import feed_folder, local_feed_path, run_stamp
from newscrawler.publish.warc import WarcFiles, run_warc_files, use_warc_files
from newscrawler.request_meta import (
    ARCHIVED_META_KEY,
    CAPTURE_META_KEY,
    FETCHED_AT_META_KEY,
    WARC_RECORD_META_KEY,
)
from newscrawler.warc.records import (
    CAPTURE_NOTES,
    CONFORMS_TO,
    DEFAULT_GZIP_LEVEL,
    Exchange,
    ExchangeRecords,
    exchange_records,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

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


def warc_files_for(crawler: Crawler) -> WarcFiles:
    """The crawl's WARC files, made on first use (by the capture or the record middleware)."""
    files = run_warc_files(crawler)
    if files is None:
        settings = crawler.settings
        if not any(local_feed_path(uri) is not None for uri in settings.getdict("FEEDS")):
            raise ValueError(
                "NEWSCRAWLER_WARC=True writes WARC files beside the JSON lines: it needs a"
                " local feed file (the default output, -o or -O FILE)"
            )
        files = WarcFiles(
            crawler,
            info=lambda: warcinfo_fields(crawler),
            gzip_level=settings.getint("NEWSCRAWLER_WARC_GZIP_LEVEL", DEFAULT_GZIP_LEVEL),
        )
        use_warc_files(crawler, files)
        crawler.signals.connect(files.publish_alone, signal=signals.feed_exporter_closed)
    return files


class WarcCaptureMiddleware:
    """Downloader middleware: an article page's exchange as received, into the response's meta
    (see the module). Off unless `NEWSCRAWLER_WARC` is true."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWLER_WARC"):
            raise NotConfigured
        warc_files_for(crawler)  # (fails now, not at the first page, without a local feed)
        return cls()

    def process_request(self, request: Request) -> None:
        # a retried or redirected request: only the page that comes back is kept
        request.meta.pop(CAPTURE_META_KEY, None)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.records(request, response):
            exchange = exchange_of(request, response)
            request.meta[CAPTURE_META_KEY] = exchange
            request.meta[FETCHED_AT_META_KEY] = exchange.fetched_at
        return response

    @staticmethod
    def records(request: Request, response: Response) -> bool:
        """Article pages fetched from the network, with their whole body."""
        return (
            bool(request.meta.get(EXPECT_HTML_META_KEY))
            and ARCHIVED_META_KEY not in request.meta
            and "download_stopped" not in response.flags
            and request.method != "HEAD"
            and 200 <= response.status < 300
        )


RECORDS_ATTRIBUTE = "_newscrawler_warc_records"
"""On an item between `WarcRecordMiddleware` and `WarcPointers`: its page's records (not a
field: never exported)."""


class WarcRecordMiddleware:
    """Spider middleware: builds a captured page's records once its callback has extracted it
    (off the event loop) and hands them on with its item; a page without an item is appended
    at once. After the incremental middleware: an unchanged article's page is archived, its
    item dropped. Off unless `NEWSCRAWLER_WARC` is true."""

    def __init__(self, crawler: Crawler, files: WarcFiles):
        self.crawler = crawler
        self.files = files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWLER_WARC"):
            raise NotConfigured
        return cls(crawler, warc_files_for(crawler))

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        return result  # (article callbacks are asynchronous: the method below)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        exchange: Exchange | None = response.meta.pop(CAPTURE_META_KEY, None)
        records: ExchangeRecords | None = None
        handed_on = False
        async for output in result:
            if exchange is not None and isinstance(output, NewsArticle):
                records = records or await self.build(exchange)
                if records is not None:
                    setattr(output, RECORDS_ATTRIBUTE, records)
                handed_on = True
            yield output
        if exchange is not None and not handed_on:  # a page that gave no item
            records = await self.build(exchange)
            if records is not None:
                append(self.crawler, self.files, records)

    async def build(self, exchange: Exchange) -> ExchangeRecords | None:
        try:
            return await asyncio.to_thread(exchange_records, exchange, self.files.gzip_level)
        except Exception as error:
            logger.error("Could not make WARC records of %s: %r", exchange.url, error)
            self.crawler.stats.inc_value("newscrawler/warc/write_failed")
            return None


def append(crawler: Crawler, files: WarcFiles, records: ExchangeRecords) -> dict[str, Any] | None:
    """Append records to the current WARC file: the pointer, or None (an ERROR) on failure."""
    try:
        pointer = files.append(records)
    except Exception as error:
        logger.error("Could not write to the WARC file: %r", error)
        crawler.stats.inc_value("newscrawler/warc/write_failed")
        return None
    crawler.stats.inc_value("newscrawler/warc/pages_written")
    return pointer


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
