"""A Scrapy extension for benchmarks/crawl_throughput.py: the crawl process's CPU time between
spider open and close (without interpreter start-up and imports), as the stat
`benchmark/main_cpu_seconds`.

    scrapy crawl ... -s 'EXTENSIONS={"cpu_stats.CpuStats": 0}'   (benchmarks/ on PYTHONPATH)
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self


class CpuStats:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.started = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self) -> None:
        self.started = time.process_time()

    def closed(self) -> None:
        used = time.process_time() - self.started
        self.crawler.stats.set_value("benchmark/main_cpu_seconds", round(used, 3))
