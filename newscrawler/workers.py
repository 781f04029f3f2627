"""Article extraction for the spiders, in worker processes off the crawl's event loop.

Extraction is CPU-bound (10 to 20 ms for a real article page). Run in the crawl process it
blocks the reactor: no download progresses while a page is extracted. `ExtractionWorkers`
runs it in a pool of worker processes, one per CPU this process may use (setting
`NEWSCRAWLER_EXTRACT_WORKERS`; 0 runs it inline, for debugging), started when the spider opens
and shut down when it closes. Spiders await `ExtractionWorkers.extract(...)`, so Scrapy's own
limits on responses in progress (`SCRAPER_SLOT_MAX_ACTIVE_SIZE`, `CONCURRENT_REQUESTS`) bound
the pages waiting for a worker, and with them memory.

Start method: forkserver (spawn where there is none). Forking the crawl process itself would
copy a process that runs an event loop and threads: a lock another thread holds stays locked
in the child forever, and the child shares the crawl's sockets and event-loop descriptors. The
fork server is a fresh single-threaded interpreter that imports the extractor once; workers
are forked from it, so one starts (and restarts after a crash) in milliseconds, with the
modules already imported and shared copy-on-write. Spawn would start each worker as a new
interpreter importing everything again.

As with spawn, each worker imports the crawl's main script again: a script that starts a crawl
itself (`CrawlerProcess`) must do so under `if __name__ == "__main__":`.

A worker that dies (killed, out of memory, a crash in C code) breaks the whole pool: every page
in the pool fails with `BrokenProcessPool`. The pool is restarted and each of those pages is
retried once, alone in the pool: the page that kills its worker again is the culprit and is
given up (`ExtractionCrashed`), the others are extracted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from newscrawler.extract import ExtractedPage, extract_page

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

WORKERS_SETTING = "NEWSCRAWLER_EXTRACT_WORKERS"

PAGES_PER_WORKER = 2
"""Pages handed to the pool per worker: one being extracted and one ready, so that a worker
never waits for the event loop. The others wait in their callbacks: a crash fails only the
pages in the pool."""

MAX_RESTARTS_WITHOUT_PROGRESS = 10
"""Pool restarts in a row without one page extracted: the workers cannot run at all (a broken
installation), and the spider is closed rather than losing every page slowly."""

CRASH_TEST_ENV = "NEWSCRAWLER_TEST_WORKER_CRASH"
"""Test hook: a worker process extracting a URL that contains this environment variable's
value kills itself (SIGKILL), as a crash in C code would. Unset in normal runs."""

_WARM_UP_PAGE = (
    "<html lang='de'><head><title>Probe | Zeitung</title>"
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Probe",'
    ' "datePublished": "2022-01-21T12:31:00+01:00", "author": {"name": "Jana Beispiel"}}'
    "</script></head><body><article><h1>Probe</h1><p>Von Jana Beispiel | 21.01.2022, 12:31 Uhr"
    "</p><p>Die Stadt baut die Straße am Hafen um, sagt die Bürgermeisterin am Freitag.</p>"
    "</article></body></html>"
).encode()

logger = logging.getLogger(__name__)


class ExtractionCrashed(Exception):
    """The page's extraction killed its worker process, on the retry too."""


class ExtractionError(Exception):
    """The extractor raised in a worker process; the message is the original exception's
    repr (its traceback is logged at DEBUG)."""

    def __repr__(self) -> str:
        return str(self)


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which a container's cpuset limits)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(value: Any) -> int:
    """`NEWSCRAWLER_EXTRACT_WORKERS`: a number of processes (0: inline), or unset/empty for one
    per usable CPU."""
    if value is None or value == "":
        return usable_cpus()
    count = int(value)
    if count < 0:
        raise ValueError(f"{WORKERS_SETTING} must be 0 or more, got {value!r}")
    return count


def decode_body(body: bytes, declared_encoding: str | None) -> str | bytes:
    """The page as text if the HTTP-declared charset decodes it cleanly; otherwise the bytes,
    for the extractor's own charset detection (pages declared UTF-8 that are really Latin-1)."""
    if declared_encoding:
        try:
            return body.decode(declared_encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return body


def extract(
    body: bytes, url: str, declared_encoding: str | None, crawled_at: datetime
) -> ExtractedPage:
    """One page to one extracted page: the unit of work, runnable in any process."""
    return extract_page(decode_body(body, declared_encoding), url, crawled_at=crawled_at)


# --- In the worker processes ------------------------------------------------------------------


class _LogCollector(logging.Handler):
    """A worker's log handler: keeps the records of the page being extracted, which go back to
    the crawl process with the result and are logged there (a worker has no output)."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Formatted here: the arguments and the traceback may not pickle.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        records, self.records = self.records, []
        return records


_collector = _LogCollector(logging.WARNING)


def _start_worker(log_level: int) -> None:
    """Initializer of a worker process: log capture at the crawl's level, then one extraction,
    so that the first real page finds every lazily built cache ready."""
    _collector.setLevel(log_level)
    root = logging.getLogger()
    root.handlers = [_collector]
    root.setLevel(log_level)
    extract(_WARM_UP_PAGE, "https://www.example.de/probe-1234567.html", "utf-8", _now())
    _collector.take()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _extract_in_worker(
    body: bytes, url: str, declared_encoding: str | None, crawled_at: datetime
) -> tuple[ExtractedPage | ExtractionError, list[logging.LogRecord]]:
    """The task a worker runs for one page: the page (or the error) and the page's log."""
    crash_marker = os.environ.get(CRASH_TEST_ENV)
    if crash_marker and crash_marker in url:
        os.kill(os.getpid(), signal.SIGKILL)
    outcome: ExtractedPage | ExtractionError
    try:
        outcome = extract(body, url, declared_encoding, crawled_at)
    except Exception as error:
        logger.debug("Extraction traceback for %s", url, exc_info=True)
        outcome = ExtractionError(repr(error))
    return outcome, _collector.take()


def _worker_context() -> BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Without effect if the fork server already runs (started by other code in this process).
    context.set_forkserver_preload(_preload_modules())
    return context


def _preload_modules() -> list[str]:
    """What the fork server imports once, shared by the workers forked from it: the extractor,
    and Scrapy when the crawl runs from a script (the `scrapy` command). multiprocessing runs
    that script again in every worker (as `__mp_main__`, `python -m scrapy` excepted); with
    Scrapy preloaded its imports cost nothing there (25 MB less per worker)."""
    modules = [__name__]
    main = sys.modules.get("__main__")
    if getattr(main, "__spec__", None) is None and getattr(main, "__file__", None):
        modules.append("scrapy.cmdline")
    return modules


# --- In the crawl process -----------------------------------------------------------------------


def _deaths(pool: ProcessPoolExecutor) -> str:
    """How the workers of a broken pool died, e.g. "pid 4242: SIGKILL" (the pool itself ends
    the others with SIGTERM: not listed)."""
    processes = getattr(pool, "_processes", None) or {}  # no public accessor
    deaths = []
    for pid, process in sorted(processes.items()):
        code = process.exitcode
        if code is None or code == -signal.SIGTERM:
            continue
        cause = signal.Signals(-code).name if code < 0 else f"exit code {code}"
        deaths.append(f"pid {pid}: {cause}")
    return ", ".join(deaths) or "cause unknown"


def _log_level(settings: BaseSettings) -> int:
    """The crawl's log level, for the workers to drop what the crawl would not log anyway."""
    if not settings.getbool("LOG_ENABLED", True):
        return logging.CRITICAL
    value = settings.get("LOG_LEVEL", "DEBUG")
    level = value if isinstance(value, int) else logging.getLevelName(str(value).upper())
    return level if isinstance(level, int) else logging.DEBUG


class ExtractionWorkers:
    """Runs `extract` for a crawl: in a pool of `workers` processes, or inline when 0."""

    def __init__(
        self,
        workers: int,
        *,
        log_level: int = logging.DEBUG,
        crawler: Crawler | None = None,
    ) -> None:
        self.workers = workers
        self._log_level = log_level
        self._crawler = crawler
        self._pool: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._alone = asyncio.Lock()
        self._restarts_without_progress = 0
        self._start_method = ""
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy import signals  # noqa: PLC0415 (the fork server imports this module)

        workers = cls(
            worker_count(crawler.settings.get(WORKERS_SETTING)),
            log_level=_log_level(crawler.settings),
            crawler=crawler,
        )
        crawler.signals.connect(workers.open, signal=signals.spider_opened)
        crawler.signals.connect(workers.close, signal=signals.spider_closed)
        return workers

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the pool's workers (none when extraction runs inline)."""
        # ProcessPoolExecutor has no public accessor for its processes.
        return sorted(getattr(self._pool, "_processes", None) or ())

    # --- Lifecycle ----------------------------------------------------------------------------

    def open(self) -> None:
        """Start the pool (signal `spider_opened`)."""
        from scrapy.utils.asyncio import is_asyncio_available  # noqa: PLC0415

        if self.workers and not is_asyncio_available():
            logger.warning(
                "%s needs the asyncio reactor (Scrapy's default TWISTED_REACTOR); "
                "extracting inline instead",
                WORKERS_SETTING,
            )
            self.workers = 0
        self._set_stat("extraction/workers", self.workers)
        if not self.workers:
            logger.info("Extraction runs inline in the crawl process (%s=0)", WORKERS_SETTING)
            return
        self._slots = asyncio.Semaphore(self.workers * PAGES_PER_WORKER)
        self._pool = self._start_pool()
        logger.info(
            "Extraction runs in %d worker processes (%s start method)",
            self.workers,
            self._start_method,
        )

    async def close(self) -> None:
        """Shut the pool down and wait for its processes to exit (signal `spider_closed`)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        pids = sorted(getattr(pool, "_processes", None) or ())
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        logger.info("Extraction workers shut down (pids %s)", ", ".join(map(str, pids)) or "-")

    def _start_pool(self) -> ProcessPoolExecutor:
        context = _worker_context()
        self._start_method = context.get_start_method()
        pool = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self._log_level,),
        )
        pool.submit(os.getpid)  # starts the workers now rather than with the first page
        return pool

    def _restart(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        """The pool in place of `broken` (restarted once, however many pages saw it break)."""
        if self._pool is not broken:
            if self._pool is None:
                raise ExtractionCrashed("the extraction workers are shut down")
            return self._pool
        logger.warning("Extraction worker died (%s); restarting the workers", _deaths(broken))
        self._inc_stat("extraction/worker_crashes")
        broken.shutdown(wait=False)
        self._restarts_without_progress += 1
        if self._restarts_without_progress > MAX_RESTARTS_WITHOUT_PROGRESS:
            self._give_up()
        self._pool = self._start_pool()
        return self._pool

    def _give_up(self) -> None:
        logger.error(
            "Extraction workers died %d times in a row without extracting a page; "
            "closing the spider",
            self._restarts_without_progress,
        )
        self._restarts_without_progress = 0
        if self._crawler is not None and self._crawler.engine is not None:
            self._closing = asyncio.ensure_future(
                self._crawler.engine.close_spider_async(reason="extraction_workers_failing")
            )

    # --- Extraction ---------------------------------------------------------------------------

    async def extract(
        self, body: bytes, url: str, *, declared_encoding: str | None, crawled_at: datetime
    ) -> ExtractedPage:
        """The extracted page. Raises what the extractor raises (`ExtractionError` from a
        worker), or `ExtractionCrashed` when the page killed its worker twice."""
        if self._pool is None:
            return extract(body, url, declared_encoding, crawled_at)
        task = (body, url, declared_encoding, crawled_at)
        try:
            return await self._run(task, alone=False)
        except BrokenProcessPool:
            pass  # this page or another one in the pool killed a worker
        self._inc_stat("extraction/retried")
        try:
            return await self._run(task, alone=True)
        except BrokenProcessPool as error:
            raise ExtractionCrashed("the page killed its extraction worker twice") from error

    async def _run(self, task: tuple[Any, ...], *, alone: bool) -> ExtractedPage:
        async with self._admission(alone=alone):
            pool = self._pool
            if pool is None:
                raise ExtractionCrashed("the extraction workers are shut down")
            try:
                future = pool.submit(_extract_in_worker, *task)
            except BrokenProcessPool:  # a worker died while idle: the page was not sent
                pool = self._restart(pool)
                future = pool.submit(_extract_in_worker, *task)
            try:
                outcome, records = await asyncio.wrap_future(future)
            except BrokenProcessPool:
                self._restart(pool)
                raise
        self._restarts_without_progress = 0
        for record in records:
            logging.getLogger(record.name).handle(record)
        if isinstance(outcome, ExtractionError):
            raise outcome
        return outcome

    @contextlib.asynccontextmanager
    async def _admission(self, *, alone: bool) -> AsyncIterator[None]:
        """A place in the pool; with `alone`, all of them (a retry after a crash runs by
        itself, so that a second crash tells which page causes it)."""
        assert self._slots is not None
        if not alone:
            async with self._slots:
                yield
            return
        slots = self.workers * PAGES_PER_WORKER
        async with self._alone:
            for _ in range(slots):
                await self._slots.acquire()
            try:
                yield
            finally:
                for _ in range(slots):
                    self._slots.release()

    def _inc_stat(self, key: str) -> None:
        if self._crawler is not None:
            self._crawler.stats.inc_value(f"newscrawler/{key}")

    def _set_stat(self, key: str, value: int) -> None:
        if self._crawler is not None:
            self._crawler.stats.set_value(f"newscrawler/{key}", value)
