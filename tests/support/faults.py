"""Faults the tests inject into real crawls: test extensions, never enabled in production.

`FaultInjection` is enabled in every test crawl (`tests.support.settings`) and does nothing
unless an environment variable asks for a fault:

- `NEWSCRAWLER_TEST_CRASH_AT=written|sealed|renamed`: the crawl process kills itself (SIGKILL)
  at that step of its first publication (`newscrawler.publish.journal.publication_progress`),
  to test recovery from crashes at the worst moments.
- `NEWSCRAWLER_TEST_WORKER_CRASH=<text>`: an extraction worker given a URL containing the text
  kills itself (SIGKILL), as a crash in C code would.
- `NEWSCRAWLER_TEST_WORKER_HANG=<text>`: a worker given a URL containing the text never
  finishes it; with `@SECONDS` after the text (`slow@1.5`), it takes that long first.

The worker faults replace the workers' extractor (`ExtractionWorkers.extractor`) with
`extract_with_faults`, which the workers import from here.
"""

from __future__ import annotations

import functools
import os
import signal
import time
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.publish.journal import publication_progress
from newscrawler.workers import extract

if TYPE_CHECKING:
    from datetime import datetime

    from scrapy.crawler import Crawler
    from typing_extensions import Self

    from newscrawler.extract import ExtractedPage

CRASH_AT_ENV = "NEWSCRAWLER_TEST_CRASH_AT"
WORKER_CRASH_ENV = "NEWSCRAWLER_TEST_WORKER_CRASH"
WORKER_HANG_ENV = "NEWSCRAWLER_TEST_WORKER_HANG"


def extract_with_faults(
    body: bytes,
    url: str,
    declared_encoding: str | None,
    crawled_at: datetime,
    *,
    crash_on: str = "",
    hang_on: str = "",
    hang_seconds: float | None = None,
) -> ExtractedPage:
    """`newscrawler.workers.extract`, unless `url` contains `crash_on` (the process kills
    itself) or `hang_on` (it never finishes, or takes `hang_seconds` first)."""
    if crash_on and crash_on in url:
        os.kill(os.getpid(), signal.SIGKILL)
    if hang_on and hang_on in url:
        if hang_seconds is None:
            signal.pause()
        else:
            time.sleep(hang_seconds)
    return extract(body, url, declared_encoding, crawled_at)


def worker_faults() -> dict[str, Any]:
    """The arguments of `extract_with_faults` the environment asks for (none: no fault)."""
    faults: dict[str, Any] = {}
    if os.environ.get(WORKER_CRASH_ENV):
        faults["crash_on"] = os.environ[WORKER_CRASH_ENV]
    hang_on, _, seconds = os.environ.get(WORKER_HANG_ENV, "").partition("@")
    if hang_on:
        faults["hang_on"] = hang_on
        faults["hang_seconds"] = float(seconds) if seconds else None
    return faults


class FaultInjection:
    """Test extension: the faults the environment asks for (see the module)."""

    def __init__(self, crash_at: str | None) -> None:
        self.crash_at = crash_at

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(os.environ.get(CRASH_AT_ENV) or None)
        if extension.crash_at:
            crawler.signals.connect(extension.publication_progress, signal=publication_progress)
        faults = worker_faults()
        workers = getattr(crawler.spider, "workers", None)
        if faults and workers is not None:  # (the spider exists, its workers not started)
            workers.extractor = functools.partial(extract_with_faults, **faults)
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
