"""`NEWSCRAWLER_WARC`: the item's page goes into the WARC file beside the feed's current batch
(see `newscrawler.middlewares.warc`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from newscrawler.middlewares.warc import RECORDS_ATTRIBUTE, append, warc_files_for
from newscrawler.warc.records import ExchangeRecords

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

    from newscrawler.publish.warc import WarcFiles


class WarcPointerPipeline:
    """Item pipeline, the last one: appends an item's page to the WARC file of the feed's
    current batch and points the item at it, just before the feed takes the item."""

    def __init__(self, crawler: Crawler, files: WarcFiles):
        self.crawler = crawler
        self.files = files

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("NEWSCRAWLER_WARC"):
            raise NotConfigured("NEWSCRAWLER_WARC is off")
        return cls(crawler, warc_files_for(crawler))

    async def process_item(self, item: Any) -> Any:
        records = getattr(item, RECORDS_ATTRIBUTE, None)
        if isinstance(records, ExchangeRecords):
            delattr(item, RECORDS_ATTRIBUTE)
            item.warc = append(self.crawler, self.files, records)
        return item
