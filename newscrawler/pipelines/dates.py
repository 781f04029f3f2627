"""Date policy for every item, whatever produced it: the one place where an item's dates are
normalised and its published date is checked for plausibility.

Extraction reads candidate dates with `newscrawler.dates.normalize_date(raw, now=crawled_at)`
to choose between its sources; what an item finally carries is decided here, once:

- a published date that extraction could not read (`date_published` empty, `date_published_raw`
  set) gets one more try; a date field holding something non-canonical (another spider's
  "21.01.2022", an ISO value in UTC) is normalised, and the value it replaced is kept in
  `date_published_raw` when that is empty;
- a date that still cannot be read is set to null, logged, and counted in `dates/unparsed`;
- an implausible published date (before 1995 or after the crawl by more than
  `MAX_CLOCK_SKEW`, see `newscrawler.dates.is_plausible_published`) is set to null, its raw string
  kept, logged, and counted in `dates/implausible`.

Stats: `dates/normalized` (a field this pipeline filled or changed), `dates/unparsed`,
`dates/implausible`, `dates/missing` (an article with no published date at all).
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from newscrawler.dates import is_plausible_published, normalize_date, to_datetime

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

PUBLISHED, PUBLISHED_RAW, MODIFIED = "date_published", "date_published_raw", "date_modified"


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _crawl_time(adapter: ItemAdapter) -> datetime:
    """When the item's page was fetched (`crawled_at`, UTC), else now."""
    value = adapter.get("crawled_at")
    moment = to_datetime(value, naive_zone=timezone.utc) if isinstance(value, str) else None
    return moment or datetime.now(timezone.utc)


class DateNormalizationPipeline:
    """Normalises and checks `date_published` and `date_modified` of every item that has them."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DateNormalizationPipeline:
        return cls(crawler.stats)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        fields = set(adapter.field_names())
        if PUBLISHED not in fields and PUBLISHED_RAW not in fields and MODIFIED not in fields:
            return item  # not an article
        crawled_at = _crawl_time(adapter)
        url = adapter.get("url") or "?"
        self._published(adapter, crawled_at, url)
        if _present(adapter.get(MODIFIED)):
            self._modified(adapter, crawled_at, url)
        return item

    def _published(self, adapter: ItemAdapter, crawled_at: datetime, url: str) -> None:
        value, raw = adapter.get(PUBLISHED), adapter.get(PUBLISHED_RAW)
        sources = [str(source) for source in (value, raw) if _present(source)]
        if not sources:
            self.stats.inc_value("dates/missing")
            return
        normalized = self._checked_published(sources, crawled_at, url)
        if normalized != value:
            if _present(value) and not _present(raw):
                # Whatever the value was, keep it as the raw string: nothing is lost.
                self._set(adapter, PUBLISHED_RAW, str(value))
            self._set(adapter, PUBLISHED, normalized)
            if normalized is not None:
                self.stats.inc_value("dates/normalized")

    def _checked_published(self, sources: list[str], crawled_at: datetime, url: str) -> str | None:
        """The first of `sources` that reads as a date, normalised, if it is plausible; else
        None, logged and counted."""
        normalized = next(
            (iso for iso in (normalize_date(s, now=crawled_at) for s in sources) if iso), None
        )
        if normalized is None:
            self.stats.inc_value("dates/unparsed")
            logger.warning("Unreadable date_published %r on %s", sources[-1][:100], url)
            return None
        if not is_plausible_published(normalized, crawled_at):
            self.stats.inc_value("dates/implausible")
            logger.warning(
                "Implausible date_published %s (crawled %s) on %s; set to null",
                normalized,
                crawled_at.isoformat(),
                url,
            )
            return None
        return normalized

    def _modified(self, adapter: ItemAdapter, crawled_at: datetime, url: str) -> None:
        value = adapter[MODIFIED]
        normalized = normalize_date(str(value), now=crawled_at)
        if normalized == value:
            return
        if normalized is None:
            # No raw field to keep it in: the log line is where the value survives.
            self.stats.inc_value("dates/unparsed")
            logger.warning("Unreadable date_modified %r on %s; set to null", str(value)[:100], url)
        else:
            self.stats.inc_value("dates/normalized")
        adapter[MODIFIED] = normalized

    @staticmethod
    def _set(adapter: ItemAdapter, field: str, value: Any) -> None:
        with contextlib.suppress(KeyError):  # an item class without that field
            adapter[field] = value
