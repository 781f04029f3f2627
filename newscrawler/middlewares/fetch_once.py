"""Each article lead fetched once across the runs sharing a state; pages found to be no article
not fetched again for a while (see `newscrawler.state.fetch_once` for the protocol).

- `FetchLeaseMiddleware` (downloader, last before the download): leases the lead's URL in the
  state; a URL another live run leased or claimed, or fetched since this run started, is not
  downloaded (`IgnoreRequest`: the spider counts it as not fetched) and the run takes the next.
  A download that fails releases its lease (a retry leases it again).
- `FetchOnceSpiderMiddleware` (spider, outside the incremental middleware): drops leads the
  state remembers as no article; once the spider and the incremental middleware are done with
  a page (its article claimed, found unchanged, or dropped) it remembers a page the spider
  judged no article (`VERDICT_META_KEY`) and releases the lease.

Both need the crawl state with `incremental` on; counts go to the `fetch_once/` stats.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from newscrawler.dates import to_datetime
from newscrawler.extensions.crawl_state import CrawlState
from newscrawler.request_meta import LEAD_META_KEY, START_POINT_META_KEY, VERDICT_META_KEY
from newscrawler.state import StateError, StateLost
from newscrawler.urls import state_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

    from newscrawler.discovery import ArticleLead

logger = logging.getLogger(__name__)

DEFAULT_NON_ARTICLE_TTL = 86_400.0


def lead_key(request: Request) -> str | None:
    """The state key of an article lead's request (None for listings and given URLs, which
    are always fetched, and for archived records)."""
    lead: ArticleLead | None = request.meta.get(LEAD_META_KEY)
    # (records of `scrapy crawl warc` are read from archives: no download to share)
    if lead is None or lead.source == "warc" or request.meta.get(START_POINT_META_KEY):
        return None
    return state_key(lead.url)


def _state(crawler: Crawler) -> CrawlState:
    state = crawler.get_extension(CrawlState)
    if state is None or not state.incremental:
        raise NotConfigured  # (-a incremental=0: a full crawl, nothing shared)
    return state


class FetchLeaseMiddleware:
    """Downloader middleware: lease an article lead's URL before downloading it."""

    def __init__(self, crawler: Crawler, state: CrawlState):
        self.crawler = crawler
        self.state = state
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler, _state(crawler))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_request(self, request: Request) -> None:
        key = lead_key(request)
        if key is None:
            return
        try:
            refused = self.state.store.lease_fetch(self.state.owner, key)
            if refused is None and self.fetched_meanwhile(key):
                self.state.store.release_fetch(self.state.owner, [key])
                refused = "fetched"
        except StateLost:  # reported by the state extension, which stops the run
            raise IgnoreRequest("state lost") from None
        except StateError as error:
            logger.error("Fetch lease failed, fetching %s anyway: %s", request.url, error)
            return
        if refused is None:
            self.stats.inc_value("fetch_once/leased")
            return
        logger.debug("Not fetched, %s by another run: %s", refused, request.url)
        self.stats.inc_value(f"fetch_once/skipped_{refused}")
        raise IgnoreRequest(f"{refused} by another run")

    def fetched_meanwhile(self, key: str) -> bool:
        """Another run fetched and recorded the page after this run started."""
        record = self.state.store.lookup([key]).get(key)
        checked = to_datetime(record.last_checked) if record is not None else None
        return checked is not None and checked >= self.state.started_at

    def process_exception(self, request: Request, exception: Exception) -> None:
        key = lead_key(request)
        if key is not None and not isinstance(exception, IgnoreRequest):
            release(self.state, [key])

    def spider_closed(self) -> None:
        try:
            released = self.state.store.release_fetch_leases(self.state.owner)
        except StateError as error:  # they expire with this run anyway
            logger.warning("Could not release this run's fetch leases: %s", error)
            return
        if released:
            self.stats.inc_value("fetch_once/released_at_end", released)


def release(state: CrawlState, keys: list[str]) -> None:
    try:
        state.store.release_fetch(state.owner, keys)
    except StateError as error:  # the lease ends with the run anyway
        logger.warning("Could not release the fetch lease of %s: %s", keys, error)


class FetchOnceSpiderMiddleware:
    """Spider middleware: skip leads remembered as no article; after a page, remember it if it
    was none, and release its lease."""

    def __init__(self, crawler: Crawler, state: CrawlState):
        self.crawler = crawler
        self.state = state
        self.stats = crawler.stats
        self.ttl = crawler.settings.getfloat("NEWSCRAWLER_NON_ARTICLE_TTL", DEFAULT_NON_ARTICLE_TTL)
        self.skipped: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, _state(crawler))

    # --- Requests: leads remembered as no article --------------------------------------

    def wanted(self, request: Request) -> bool:
        key = lead_key(request)
        if key is None or self.ttl <= 0:
            return True
        try:
            remembered = self.state.store.non_articles([key], time.time())
        except StateError as error:  # (lost: the state extension stops the run)
            logger.debug("Non-article lookup failed, fetching %s: %s", request.url, error)
            return True
        if key not in remembered:
            return True
        if key not in self.skipped:
            self.skipped.add(key)
            logger.debug("Remembered as no article (%s), not fetched: %s",
                         remembered[key], request.url)  # fmt: skip
            self.stats.inc_value("fetch_once/skipped_non_article")
        return False

    def _filter(self, output: Iterable[Any]) -> Iterator[Any]:
        for result in output:
            if not isinstance(result, Request) or self.wanted(result):
                yield result

    # --- After a page --------------------------------------------------------------------

    def page_done(self, response: Response) -> None:
        key = lead_key(response.request) if response.request is not None else None
        if key is None:
            return
        verdict = response.meta.get(VERDICT_META_KEY)
        if verdict is not None and self.ttl > 0:
            try:
                self.state.store.remember_non_article(key, time.time() + self.ttl, verdict)
                self.stats.inc_value("fetch_once/non_articles_remembered")
            except StateError as error:
                logger.warning("Could not remember %s as no article: %s", response.url, error)
        release(self.state, [key])

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        try:
            yield from self._filter(result)
        finally:
            self.page_done(response)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        try:
            async for item in result:
                if not isinstance(item, Request) or self.wanted(item):
                    yield item
        finally:
            self.page_done(response)
