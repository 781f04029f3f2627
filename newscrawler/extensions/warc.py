"""`NEWSCRAWLER_WARC`: an item's page goes into the WARC file beside the JSON lines file the item
goes to, and the item points at it (see `newscrawler.middlewares.warc`).

An extension ordered before Scrapy's FeedExporter (-1 against its 0), so that its `item_scraped`
handler runs just before the exporter's, in the same call: the records are appended to the
WARC file of the feed's current batch, then the exporter writes the item, with its pointer,
into that batch. An item the pipelines drop, or that fails in them, has its page archived
without a pointer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawler.middlewares.warc import RECORDS_ATTRIBUTE, append, warc_files_for
from newscrawler.warc.records import ExchangeRecords

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

    from newscrawler.publish.warc import WarcFiles


class WarcPointers:
    """Extension: appends an item's page to the current WARC file as the feed takes the item."""

    def __init__(self, crawler: Crawler, files: WarcFiles):
        self.crawler = crawler
        self.files = files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWLER_WARC"):
            raise NotConfigured
        extension = cls(crawler, warc_files_for(crawler))
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.item_left, signal=signals.item_dropped)
        crawler.signals.connect(extension.item_left, signal=signals.item_error)
        return extension

    def _records(self, item: Any) -> ExchangeRecords | None:
        records = getattr(item, RECORDS_ATTRIBUTE, None)
        if not isinstance(records, ExchangeRecords):
            return None
        delattr(item, RECORDS_ATTRIBUTE)
        return records

    def item_scraped(self, item: Any) -> None:
        records = self._records(item)
        if records is not None:
            item.warc = append(self.crawler, self.files, records)

    def item_left(self, item: Any) -> None:
        records = self._records(item)
        if records is not None:
            append(self.crawler, self.files, records)
