"""Faults the tests inject into real crawls: test extensions, never enabled in production."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class KillOneWorker:
    """Test extension: SIGKILLs one extraction worker after the second item, once."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.items = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KillOneWorker:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        return extension

    def item_scraped(self) -> None:
        self.items += 1
        if self.items == 2:
            spider: Any = self.crawler.spider
            os.kill(spider.workers.worker_pids[0], 9)
