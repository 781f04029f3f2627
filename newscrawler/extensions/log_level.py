"""Debug calls that cost nothing when nothing would print them.

Scrapy sets the root logger to NOTSET and filters in its handler (`LOG_LEVEL`), so every
`logger.debug(...)` of a crawl at INFO still builds a LogRecord (caller lookup included) that
the handler then drops: Scrapy's own "Crawled (200)" and "Scraped from" lines and ours, about
0.1 ms of the crawl process's CPU per page (benchmarks/crawl_throughput.py). While the spider
runs, this extension raises the root logger's level to the lowest level any of its handlers
accepts, so such calls return at once; what reaches a handler is unchanged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self


class SkipUnloggedLevels:
    """Extension: the root logger's level at its handlers' lowest while the spider runs."""

    def __init__(self) -> None:
        self.raised = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        root = logging.getLogger()
        # (a root level set by whoever configured logging is theirs; a handler at NOTSET, such
        # as a test's log capture, takes everything: nothing to skip then)
        if root.level != logging.NOTSET or not root.handlers:
            return
        lowest = min(handler.level for handler in root.handlers)
        if lowest > logging.NOTSET:
            root.setLevel(lowest)
            self.raised = True

    def spider_closed(self) -> None:
        if self.raised:
            logging.getLogger().setLevel(logging.NOTSET)
            self.raised = False
