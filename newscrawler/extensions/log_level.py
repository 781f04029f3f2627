"""Debug calls that cost nothing when nothing would print them.

Scrapy leaves the root logger at NOTSET and the `scrapy` logger at DEBUG and filters in its
handler (`LOG_LEVEL`), so every `logger.debug(...)` of a crawl at INFO still builds a LogRecord
(caller lookup included) that the handler then drops: Scrapy's own "Crawled (200)" and "Scraped
from" lines for every page, and ours; about 0.1 ms of the crawl process's CPU per page
(benchmarks/crawl_throughput.py). While the spider runs, this extension raises those two
loggers' levels to the lowest level any handler they reach accepts, so such calls return at
once; what reaches a handler is unchanged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

SCRAPY_LEVELS = {"": logging.NOTSET, "scrapy": logging.DEBUG}
"""The loggers Scrapy's logging set-up gives a level that lets everything through, and that
level (another level was someone's choice, and is kept)."""


def lowest_handler_level(log: logging.Logger) -> int:
    """The lowest level a handler that `log`'s records reach accepts (NOTSET: everything)."""
    levels = []
    current: logging.Logger | None = log
    while current is not None:
        levels += [handler.level for handler in current.handlers]
        current = current.parent if current.propagate else None
    return min(levels, default=logging.NOTSET)


class SkipUnloggedLevels:
    """Extension: Scrapy's permissive loggers at their handlers' lowest level while the spider
    runs."""

    def __init__(self) -> None:
        self.raised: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls()
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        for name, scrapys_level in SCRAPY_LEVELS.items():
            log = logging.getLogger(name)
            lowest = lowest_handler_level(log)
            # (a handler at NOTSET, such as a test's log capture, takes everything)
            if log.level == scrapys_level and lowest > scrapys_level:
                log.setLevel(lowest)
                self.raised[name] = scrapys_level

    def spider_closed(self) -> None:
        for name, level in self.raised.items():
            logging.getLogger(name).setLevel(level)
        self.raised.clear()
