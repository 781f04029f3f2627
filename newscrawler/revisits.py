"""Revisits: articles first seen within a window are fetched again at set ages, with
conditional requests, as part of the ordinary run.

- `RevisitMiddleware` (spider middleware) adds, after the spider's start points, a request for
  each article that reached a revisit age (`NEWSCRAWLER_REVISIT_AGES`, after its first sighting)
  since the site last served it, within `NEWSCRAWLER_REVISIT_WINDOW`. They are ordinary article
  requests to the same site, so they share its download slot, delays and AutoThrottle; at most
  `NEWSCRAWLER_REVISIT_SHARE` of the run's request budget goes to them (the most overdue first;
  the rest wait for the next run).
- The request carries `If-None-Match`/`If-Modified-Since` from the validators the site sent
  with the version we hold; `NotModifiedMiddleware` (downloader middleware) turns a 304 into
  "checked, unchanged" in the state and drops the request.
- A page that did change goes through extraction and the incremental middleware, which emits it
  as a new version (`newscrawler.versions`) when one of the versioned fields differs.

Off with `-a revisit=0` (and with `-a incremental=0`, which records nothing). Counts go to the
`revisits/` stats and the run summary.
"""

from __future__ import annotations

import logging
import math
import re
import statistics
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawler.dates import to_datetime, utc_iso
from newscrawler.extensions.crawl_state import CrawlState
from newscrawler.middlewares.html_only import EXPECT_HTML_META_KEY
from newscrawler.options import CRAWL_ARGUMENTS
from newscrawler.request_meta import REVISIT_META_KEY
from newscrawler.spiders.base import NewsSpider
from newscrawler.state import RevisitCandidate, StateError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

    from newscrawler.state import StateStore

logger = logging.getLogger(__name__)

REVISIT_PRIORITY = 5
"""Below new articles (the spider's ARTICLE_PRIORITY, 10), above listings (0)."""
BUDGET_WITHOUT_HISTORY = 100
"""Requests a run of a site is assumed to make before the state has a history of its runs."""
BUDGET_RUNS = 10
"""The request budget of a site: the median requests of its last runs."""

_AGE = re.compile(r"(\d+(?:\.\d+)?)\s*([dhms])")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_age(text: str) -> timedelta:
    """`90s`, `45m`, `6h` or `3d` (a number alone: seconds)."""
    text = str(text).strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return timedelta(seconds=float(text))
    match = _AGE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an age: {text!r} (use e.g. 1h, 6h, 3d)")
    return timedelta(seconds=float(match.group(1)) * _UNIT_SECONDS[match.group(2)])


def parse_ages(value: Any) -> list[timedelta]:
    """`1h,6h,24h,72h` (or a list) to ages, ascending."""
    parts = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return sorted(parse_age(part) for part in parts if str(part).strip())


def overdue_since(
    candidate: RevisitCandidate, ages: list[timedelta], now: datetime
) -> datetime | None:
    """The latest revisit age the article reached since the site last served it (when it fell
    due), or None when no revisit is due."""
    first_seen = to_datetime(candidate.record.first_seen)
    if first_seen is None:
        return None
    checked = to_datetime(candidate.last_checked)
    reached = [first_seen + age for age in ages if first_seen + age <= now]
    if not reached or (checked is not None and checked >= reached[-1]):
        return None
    return reached[-1]


def due_revisits(
    candidates: Iterable[RevisitCandidate], ages: list[timedelta], now: datetime
) -> list[RevisitCandidate]:
    """The articles due for a revisit, one per URL, the longest overdue first."""
    due: dict[str, tuple[datetime, RevisitCandidate]] = {}
    for candidate in candidates:
        since = overdue_since(candidate, ages, now)
        if since is not None and candidate.record.url not in due:
            due[candidate.record.url] = (since, candidate)
    return [candidate for _, candidate in sorted(due.values(), key=lambda pair: pair[0])]


def request_budget(crawler: Crawler, store: StateStore) -> int:
    """The site's request budget for a run: CLOSESPIDER_PAGECOUNT when set, else the median
    requests of its recent runs (the run history), else BUDGET_WITHOUT_HISTORY."""
    limit = crawler.settings.getint("CLOSESPIDER_PAGECOUNT")
    if limit > 0:
        return limit
    requests = [run.get("requests") for run in store.run_history(BUDGET_RUNS)]
    counts = [int(n) for n in requests if isinstance(n, int) and n > 0]
    return int(statistics.median(counts)) if counts else BUDGET_WITHOUT_HISTORY


def conditional_headers(candidate: RevisitCandidate) -> dict[str, str]:
    headers = {}
    if candidate.record.etag:
        headers["If-None-Match"] = candidate.record.etag
    if candidate.record.last_modified:
        headers["If-Modified-Since"] = candidate.record.last_modified
    return headers


class RevisitMiddleware(BaseSpiderMiddleware):
    """Spider middleware: the due revisits after the spider's start points."""

    def __init__(self, crawler: Crawler, state: CrawlState, spider: NewsSpider):
        super().__init__(crawler)
        self.state = state
        self.spider = spider
        settings = crawler.settings
        self.window = parse_age(settings.get("NEWSCRAWLER_REVISIT_WINDOW"))
        self.ages = parse_ages(settings.get("NEWSCRAWLER_REVISIT_AGES"))
        self.share = settings.getfloat("NEWSCRAWLER_REVISIT_SHARE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = crawler.get_extension(CrawlState)
        spider = crawler.spider
        if not isinstance(spider, NewsSpider) or not spider.fetches_pages:
            raise NotConfigured  # (e.g. `scrapy crawl warc`: its pages come from files)
        wanted = CRAWL_ARGUMENTS.value("revisit", getattr(spider, "revisit", True))
        if state is None or not state.incremental or not wanted:
            raise NotConfigured  # (a choice: the state extension logs incremental=0)
        return cls(crawler, state, spider)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item_or_request in start:
            yield item_or_request
        for request in self.revisit_requests():
            yield request

    def revisit_requests(self) -> list[Request]:
        now = datetime.now(timezone.utc)
        store = self.state.store
        try:
            candidates = store.revisit_candidates(utc_iso(now - self.window))
            budget = request_budget(self.crawler, store)
        except StateError as error:
            logger.error("Revisits skipped, the state failed: %s", error)
            return []
        due = due_revisits(candidates, self.ages, now)
        allowed = math.floor(self.share * budget)
        if len(due) > allowed:
            logger.info(
                "%d revisits due, %d this run (NEWSCRAWLER_REVISIT_SHARE %.2f of %d requests):"
                " the rest wait for the next run",
                len(due), allowed, self.share, budget,
            )  # fmt: skip
            self.crawler.stats.inc_value("revisits/deferred", len(due) - allowed)
        requests = [self.request_for(candidate) for candidate in due[:allowed]]
        self.crawler.stats.inc_value("revisits/requests", len(requests))
        return requests

    def request_for(self, candidate: RevisitCandidate) -> Request:
        spider = self.spider
        return scrapy.Request(
            spider.fetch_url(candidate.record.url),
            callback=spider.parse_article,
            errback=spider.on_article_error,
            headers=conditional_headers(candidate),
            priority=REVISIT_PRIORITY,
            meta={REVISIT_META_KEY: candidate.key, EXPECT_HTML_META_KEY: True},
        )


class NotModifiedMiddleware:
    """Downloader middleware: a revisit answered 304 Not Modified is a check that found the
    version unchanged: recorded in the state, the request dropped (nothing to extract)."""

    def __init__(self, crawler: Crawler, state: CrawlState):
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = crawler.get_extension(CrawlState)
        if state is None or not state.incremental:
            raise NotConfigured
        return cls(crawler, state)

    def process_response(self, request: Request, response: Response) -> Response:
        key = request.meta.get(REVISIT_META_KEY)
        if key is None or response.status != 304:
            return response
        self.crawler.stats.inc_value("revisits/not_modified")
        store = self.state.store
        checked = utc_iso(datetime.now(timezone.utc))
        try:
            record = store.lookup([key]).get(key)
            if record is not None:
                store.note_unchanged([key], record, checked)
        except StateError as error:
            logger.warning("Could not record the revisit of %s: %s", request.url, error)
        logger.debug("Not modified since our version: %s", request.url)
        raise IgnoreRequest(f"not modified since our version: {request.url}")
