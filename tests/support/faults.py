"""Faults the tests inject into real crawls: test extensions, never enabled in production.

`FaultInjection` is enabled in every test crawl (`tests.support.settings`) and does nothing
unless an environment variable asks for a fault:

- `NEWSCRAWLER_TEST_CRASH_AT=written|sealed|renamed`: the crawl process kills itself (SIGKILL)
  at that step of its first publication (`newscrawler.publish.journal.publication_progress`),
  to test recovery from crashes at the worst moments.
"""

from __future__ import annotations

import os
import signal
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.publish.journal import publication_progress

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

CRASH_AT_ENV = "NEWSCRAWLER_TEST_CRASH_AT"


class FaultInjection:
    """Test extension: the faults the environment asks for (see the module)."""

    def __init__(self, crash_at: str | None) -> None:
        self.crash_at = crash_at

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(os.environ.get(CRASH_AT_ENV) or None)
        if extension.crash_at:
            crawler.signals.connect(extension.publication_progress, signal=publication_progress)
        return extension

    def publication_progress(self, step: str) -> None:
        if step == self.crash_at:
            os.kill(os.getpid(), signal.SIGKILL)  # as a power cut or the OOM killer would


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
