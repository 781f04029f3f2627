"""Copies across sites: each emitted article's text is looked up in, and added to, the
syndication index of the state (`StateStore.record_copy`), and the item's `syndication` names
the first copy of its cluster (null when it is the first).

A spider middleware, next to the incremental one and after it: it sees the article together
with its response, which carries the body's signature computed in the extraction worker
(`SYNDICATION_META_KEY`); it records only articles the incremental middleware lets through
(new or changed). The index call (a lookup of 51 LSH buckets, the comparison of candidates and
an insert: 1 to 6 ms, mostly waiting for SQLite's page writes or Redis, see
benchmarks/syndication.py) runs on a thread of its own, one call at a time, so the reactor
never waits for it; the item goes on when it is done.

Settings: `NEWSCRAWLER_SYNDICATION` (on by default), `NEWSCRAWLER_SYNDICATION_THRESHOLD`.
Stats: `syndication/copies` (an earlier copy found), `syndication/first` (none),
`syndication/unsigned` (a body too short to compare), `syndication/failed`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from newscrawler import syndication
from newscrawler.extensions.crawl_state import CrawlState
from newscrawler.request_meta import SYNDICATION_META_KEY
from newscrawler.state import StateError, StateLost
from newscrawler.urls import state_key

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterable

    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

    from newscrawler.state import StateStore

logger = logging.getLogger(__name__)

THRESHOLD_SETTING = "NEWSCRAWLER_SYNDICATION_THRESHOLD"


def parse_threshold(value: Any) -> float:
    """`NEWSCRAWLER_SYNDICATION_THRESHOLD`: a share between `MIN_THRESHOLD` and 1."""
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{THRESHOLD_SETTING} must be a number, got {value!r}") from None
    if not syndication.MIN_THRESHOLD <= threshold <= 1:
        raise ValueError(
            f"{THRESHOLD_SETTING} must be between {syndication.MIN_THRESHOLD} and 1, got {value!r}"
        )
    return threshold


class SyndicationMiddleware:
    """Spider middleware: the item's `syndication`, from the state's index of copies."""

    def __init__(self, crawler: Crawler, store: StateStore, threshold: float):
        self.crawler = crawler
        self.store = store
        self.threshold = threshold
        # One thread: the index's SQLite connection is used by one thread at a time.
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="syndication")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWLER_SYNDICATION", True):
            raise NotConfigured("syndication is off")
        threshold = parse_threshold(
            crawler.settings.get(THRESHOLD_SETTING, syndication.DEFAULT_THRESHOLD)
        )
        state = crawler.get_extension(CrawlState)
        if state is None:
            raise NotConfigured("no crawl state to keep the syndication index in")
        middleware = cls(crawler, state.store, threshold)
        crawler.signals.connect(middleware.pool.start, signal=signals.spider_opened)
        crawler.signals.connect(middleware.pool.stop, signal=signals.spider_closed)
        return middleware

    def _stat(self, key: str) -> None:
        self.crawler.stats.inc_value(f"syndication/{key}")

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for output in result:  # (the spiders' article callbacks are asynchronous: see below)
            found = self._copy(output, response)
            if found is not None:
                self._record(*found)
            yield output

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for output in result:
            found = self._copy(output, response)
            if found is not None:
                call = deferToThreadPool(reactor, self.pool, self._record, *found)
                await maybe_deferred_to_future(call)
            yield output

    def _record(self, adapter: ItemAdapter, copy: syndication.Copy) -> None:
        """Record the copy, and set the item's `syndication` (on the index's thread)."""
        try:
            match = self.store.record_copy(copy, self.threshold)
        except StateLost:  # reported once by the state extension, which stops the run
            self._stat("failed")
            return
        except StateError as error:
            logger.warning("Syndication index failed, %s emitted without: %s", copy.url, error)
            self._stat("failed")
            return
        adapter["syndication"] = match.as_item() if match else None
        self._stat("copies" if match else "first")

    def _copy(self, output: Any, response: Response) -> tuple[ItemAdapter, syndication.Copy] | None:
        """The item's adapter and the article as the index knows it (by the site's own URL, not
        a mirror's); None for requests and for articles without a signature. (One adapter per
        item: making one costs 15 to 30 µs of the crawl process.)"""
        if isinstance(output, Request) or not ItemAdapter.is_item(output):
            return None
        adapter = ItemAdapter(output)
        if "syndication" not in adapter.field_names():
            return None
        signature = response.meta.get(SYNDICATION_META_KEY) if response is not None else None
        if signature is None:
            self._stat("unsigned")
            return None
        site_url = getattr(self.crawler.spider, "site_url", None)
        url = str(adapter.get("url"))
        url = site_url(url) if site_url else url
        return adapter, syndication.Copy(
            id=syndication.article_id(state_key(url)),
            url=url,
            site=str(adapter.get("site") or ""),
            seen=str(adapter.get("crawled_at") or ""),
            signature=signature,
        )
