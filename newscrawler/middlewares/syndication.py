"""Copies across sites: each emitted article's text is looked up in, and added to, the
syndication index of the state (`StateStore.record_copy`), and the item's `syndication` names
the first copy of its cluster (null when it is the first).

A spider middleware, next to the incremental one and after it: it sees the article together
with its response, which carries the body's signature computed in the extraction worker
(`SYNDICATION_META_KEY`); it records only articles the incremental middleware lets through
(new or changed). The index call is one short state transaction, like a claim
(benchmarks/syndication.py).

Settings: `NEWSCRAWLER_SYNDICATION` (on by default), `NEWSCRAWLER_SYNDICATION_THRESHOLD`.
Stats: `syndication/copies` (an earlier copy found), `syndication/first` (none),
`syndication/unsigned` (a body too short to compare), `syndication/failed`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawler import syndication
from newscrawler.extensions.crawl_state import CrawlState
from newscrawler.request_meta import SYNDICATION_META_KEY
from newscrawler.state import StateError, StateLost
from newscrawler.urls import state_key

if TYPE_CHECKING:
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


class SyndicationMiddleware(BaseSpiderMiddleware):
    """Spider middleware: the item's `syndication`, from the state's index of copies."""

    def __init__(self, crawler: Crawler, store: StateStore, threshold: float):
        super().__init__(crawler)
        self.store = store
        self.threshold = threshold

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
        return cls(crawler, state.store, threshold)

    def _stat(self, key: str) -> None:
        self.crawler.stats.inc_value(f"syndication/{key}")

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        adapter = ItemAdapter(item)
        if "syndication" not in adapter.field_names() or response is None:
            return item
        signature = response.meta.get(SYNDICATION_META_KEY)
        if signature is None:
            self._stat("unsigned")
            return item
        copy = self._copy(adapter, signature)
        try:
            match = self.store.record_copy(copy, self.threshold)
        except StateLost:  # reported once by the state extension, which stops the run
            self._stat("failed")
            return item
        except StateError as error:
            logger.warning("Syndication index failed, %s emitted without: %s", copy.url, error)
            self._stat("failed")
            return item
        adapter["syndication"] = match.as_item() if match else None
        self._stat("copies" if match else "first")
        return item

    def _copy(self, adapter: ItemAdapter, signature: syndication.Signature) -> syndication.Copy:
        """The article as the index knows it: by the site's own URL (not a mirror's)."""
        site_url = getattr(self.crawler.spider, "site_url", None)
        url = str(adapter.get("url"))
        url = site_url(url) if site_url else url
        return syndication.Copy(
            id=syndication.article_id(state_key(url)),
            url=url,
            site=str(adapter.get("site") or ""),
            seen=str(adapter.get("crawled_at") or ""),
            signature=signature,
        )
