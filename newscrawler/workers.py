"""Article extraction for the spiders, in worker processes off the crawl's event loop.

Extraction is CPU-bound (10 to 20 ms for a real article page). Run in the crawl process it
blocks the reactor: no download progresses while a page is extracted. `ExtractionWorkers`
runs it in worker processes, one per CPU this process may use (setting
`NEWSCRAWLER_EXTRACT_WORKERS`; 0 runs it inline, for debugging), started when the spider opens
and stopped when it closes. Spiders await `ExtractionWorkers.extract(...)`, so Scrapy's own
limits on responses in progress (`SCRAPER_SLOT_MAX_ACTIVE_SIZE`, `CONCURRENT_REQUESTS`) bound
the pages waiting for a worker, and with them memory.

Each worker is connected to the crawl process by a socket pair that the event loop reads and
writes itself (asyncio streams): no helper threads in the crawl process, whose CPU time the
workers need (concurrent.futures.ProcessPoolExecutor runs two threads there and cost about
0.3 ms of its CPU per page, see benchmarks/crawl_throughput.py). A worker has at most
`PAGES_PER_WORKER` pages: one it extracts, the others waiting, so it never waits for the
event loop.

Start method: forkserver (spawn where there is none). Forking the crawl process itself would
copy a process that runs an event loop and threads: a lock another thread holds stays locked
in the child forever, and the child shares the crawl's sockets and event-loop descriptors. The
fork server is a fresh single-threaded interpreter that imports the extractor once; workers
are forked from it, so one starts (and restarts after a crash) in milliseconds, with the
modules already imported and shared copy-on-write. Spawn would start each worker as a new
interpreter importing everything again. As with spawn, each worker imports the crawl's main
script again: a script that starts a crawl itself (`CrawlerProcess`) must do so under
`if __name__ == "__main__":`.

A worker that dies (killed, out of memory, a crash in C code) is replaced. The page it was
extracting is retried once; the page that kills a worker again is given up
(`ExtractionCrashed`). Pages it had not begun go to a worker again, not counted as a try.
Workers ignore Ctrl-C: the crawl process stops them when Scrapy has finished its pages.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from newscrawler import syndication
from newscrawler.extract import ExtractedPage, extract_page
from newscrawler.extract.html import parses_as_utf8

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext
    from multiprocessing.process import BaseProcess

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

WORKERS_SETTING = "NEWSCRAWLER_EXTRACT_WORKERS"
SYNDICATION_SETTING = "NEWSCRAWLER_SYNDICATION"

PAGES_PER_WORKER = 3
"""Pages sent to a worker at a time: one it extracts and two waiting, so that it never waits
for the event loop (three measured 1-2 % faster than two). The others wait in their
callbacks."""

SOCKET_BUFFER = 4 * 1024 * 1024
"""Bytes of socket buffer asked for between the crawl process and a worker."""

MAX_RESTARTS_WITHOUT_PROGRESS = 10
"""Workers replaced in a row without one page extracted: they cannot run at all (a broken
installation), and the spider is closed rather than losing every page slowly."""

STOP_TIMEOUT = 10.0
"""Seconds a worker gets to finish its page when the spider closes; then it is killed."""

TIMEOUT_SETTING = "NEWSCRAWLER_EXTRACT_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
"""Seconds a worker may take for one page (from when it begins it, not from when the page
was queued); then it is killed and the page given up."""

_FRAME_HEADER = struct.Struct("!Q")
"""Frames between the crawl process and a worker: their length, then their bytes. A page goes
as two frames, a pickle of (URL, declared encoding, crawl time) and the body as it is (pickling
it would copy it twice); a result as one, a pickle of `Outcome`."""

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

    reason = "extraction_crashed"
    """The page's stat: `newscrawler/articles_failed/<reason>`."""


class ExtractionTimedOut(ExtractionCrashed):
    """The page's extraction took longer than NEWSCRAWLER_EXTRACT_TIMEOUT; its worker was
    killed."""

    reason = "extraction_timeout"


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
    for the extractor's own charset detection (pages declared UTF-8 that are really Latin-1).
    UTF-8 the extractor reads as UTF-8 by itself stays bytes: it parses them undecoded, to the
    same tree (1.3 ms a page less on the German dev set)."""
    if declared_encoding:
        try:
            if codecs.lookup(declared_encoding).name == "utf-8" and parses_as_utf8(body):
                return body
            return body.decode(declared_encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return body


def extract(
    body: bytes, url: str, declared_encoding: str | None, crawled_at: datetime
) -> ExtractedPage:
    """One page to one extracted page: the unit of work, runnable in any process."""
    return extract_page(decode_body(body, declared_encoding), url, crawled_at=crawled_at)


def extract_with_signature(
    body: bytes, url: str, declared_encoding: str | None, crawled_at: datetime
) -> ExtractedPage:
    """`extract`, and for an article its body's syndication signature: MinHash work that must
    not run on the reactor (`NEWSCRAWLER_SYNDICATION`, on by default)."""
    page = extract(body, url, declared_encoding, crawled_at)
    if not page.is_article:
        return page
    return replace(page, signature=syndication.signature(page.article.body))


Extractor = Callable[[bytes, str, "str | None", datetime], ExtractedPage]
"""What a worker does with a page: `extract`, or a function with its signature that the
workers can import by name (they receive it pickled)."""


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

Outcome = tuple[ExtractedPage | ExtractionError, list[logging.LogRecord]]


# trafilatura warns about every empty link on a page (one page in three): noise, not a
# problem of the crawl; its errors still come through.
QUIETER_LOGGERS = {"trafilatura": logging.ERROR}


def quiet_noisy_loggers() -> None:
    for name, level in QUIETER_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def _serve(connection: socket.socket, log_level: int, extractor: Extractor) -> None:
    """A worker process: extracts the pages the crawl process sends, one after the other, and
    exits when the crawl process closes the connection (or exits itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the crawl process
    _collector.setLevel(log_level)
    root = logging.getLogger()
    root.handlers = [_collector]
    root.setLevel(log_level)
    quiet_noisy_loggers()
    # One extraction first: the first real page finds every lazily built cache ready.
    extract(_WARM_UP_PAGE, "https://www.example.de/probe-1234567.html", "utf-8", _now())
    _collector.take()
    with connection:
        while True:
            task = _receive(connection)
            body = _receive(connection) if task is not None else None
            if task is None or body is None:
                return  # the crawl process has closed the connection
            url, declared_encoding, crawled_at = pickle.loads(task)
            outcome = _extract_in_worker(extractor, body, url, declared_encoding, crawled_at)
            try:
                _send(connection, pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:  # the crawl process is gone
                return


def _receive(connection: socket.socket) -> bytes | None:
    """The next frame; None when the crawl process has closed the connection."""
    header = _read_exactly(connection, _FRAME_HEADER.size)
    if header is None:
        return None
    return _read_exactly(connection, _FRAME_HEADER.unpack(header)[0])


def _read_exactly(connection: socket.socket, size: int) -> bytes | None:
    parts, missing = [], size
    while missing:
        part = connection.recv(missing, socket.MSG_WAITALL)  # all at once, unless interrupted
        if not part:
            return None  # closed
        parts.append(part)
        missing -= len(part)
    return parts[0] if len(parts) == 1 else b"".join(parts)


def _send(connection: socket.socket, message: bytes) -> None:
    connection.sendall(_FRAME_HEADER.pack(len(message)) + message)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _extract_in_worker(
    extractor: Extractor,
    body: bytes,
    url: str,
    declared_encoding: str | None,
    crawled_at: datetime,
) -> Outcome:
    """One page in a worker: the page (or the error) and the page's log records."""
    outcome: ExtractedPage | ExtractionError
    try:
        outcome = extractor(body, url, declared_encoding, crawled_at)
    except Exception as error:
        logger.debug("Extraction traceback for %s", url, exc_info=True)
        outcome = ExtractionError(repr(error))
    return outcome, _collector.take()


def _worker_context() -> ForkServerContext | SpawnContext:
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


class _WorkerDied(Exception):
    def __init__(self, *, started: bool) -> None:
        super().__init__("extraction worker died")
        self.started = started
        """Whether the worker had begun this page (the first one it had)."""


@dataclass(eq=False)
class _Worker:
    """A worker process and the crawl process's end of its connection. Pages go out and
    results come back in order: `pending` are the futures of the pages sent."""

    process: BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    pending: deque[asyncio.Future[bytes]] = field(default_factory=deque)
    alive: bool = True
    reading: asyncio.Task[None] | None = None
    killed_for: str = ""
    """Why the crawl process killed the worker, if it did."""
    head_since: float = 0.0
    """Event-loop time when the worker began the first pending page (pages are extracted in
    order: a page's time starts when the one before it is done, not when it was sent)."""

    def send(self, task: bytes, body: bytes) -> asyncio.Future[bytes]:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        if not self.pending:
            self.head_since = loop.time()
        self.pending.append(future)
        # No drain(): at most PAGES_PER_WORKER pages are buffered per worker.
        self.writer.write(_FRAME_HEADER.pack(len(task)) + task + _FRAME_HEADER.pack(len(body)))
        self.writer.write(body)
        return future


def _describe_exit(process: BaseProcess) -> str:
    """How a worker ended, e.g. "pid 4242: SIGKILL" or "pid 4242: exit code 1"."""
    code = process.exitcode
    if code is None:
        cause = "still running"
    elif code < 0:
        cause = signal.Signals(-code).name
    else:
        cause = f"exit code {code}"
    return f"pid {process.pid}: {cause}"


def _log_level(settings: BaseSettings) -> int:
    """The crawl's log level, for the workers to drop what the crawl would not log anyway."""
    if not settings.getbool("LOG_ENABLED", True):
        return logging.CRITICAL
    value = settings.get("LOG_LEVEL", "DEBUG")
    level = value if isinstance(value, int) else logging.getLevelName(str(value).upper())
    return level if isinstance(level, int) else logging.DEBUG


class ExtractionWorkers:
    """Runs `extractor` (`extract`) for a crawl: in `workers` worker processes, or inline
    when 0."""

    def __init__(
        self,
        workers: int,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        log_level: int = logging.DEBUG,
        crawler: Crawler | None = None,
        extractor: Extractor = extract,
    ) -> None:
        self.workers = workers
        self.timeout = timeout
        self.extractor = extractor
        """What is done with each page; set it before the workers start (spider open)."""
        self._log_level = log_level
        self._crawler = crawler
        self._pool: list[_Worker] = []
        self._context: ForkServerContext | SpawnContext | None = None
        self._slots: asyncio.Semaphore | None = None
        self._worker_ready: asyncio.Event | None = None
        self._restarts_without_progress = 0
        self._failed = False  # the workers keep dying: no more replacements
        self._stopped = False
        self._opening: asyncio.Future[None] | None = None
        self._closing_spider: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy import signals  # noqa: PLC0415 (the fork server imports this module)

        workers = cls(
            worker_count(crawler.settings.get(WORKERS_SETTING)),
            timeout=crawler.settings.getfloat(TIMEOUT_SETTING, DEFAULT_TIMEOUT),
            log_level=_log_level(crawler.settings),
            crawler=crawler,
            extractor=(
                extract_with_signature
                if crawler.settings.getbool(SYNDICATION_SETTING, True)
                else extract
            ),
        )
        quiet_noisy_loggers()  # for extraction inline (workers=0) in this process
        crawler.signals.connect(workers.start, signal=signals.spider_opened)
        crawler.signals.connect(workers.close, signal=signals.spider_closed)
        return workers

    @property
    def worker_pids(self) -> list[int]:
        """Process ids of the running workers (none when extraction runs inline)."""
        return [w.process.pid for w in self._pool if w.alive and w.process.pid is not None]

    # --- Lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Start the workers and wait until they run."""
        self.start()
        if self._opening is not None:
            await self._opening

    def start(self) -> None:
        """Start the workers (signal `spider_opened`) without holding up the crawl: the fork
        server's start-up (half a second) overlaps with fetching the start points, and the
        first pages wait for the workers."""
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
        self._context = _worker_context()
        self._slots = asyncio.Semaphore(self.workers * PAGES_PER_WORKER)
        self._worker_ready = asyncio.Event()
        self._opening = asyncio.ensure_future(self._start_workers())

    async def _start_workers(self) -> None:
        assert self._context is not None
        try:
            for _ in range(self.workers):
                self._pool.append(await self._start_worker())
        except Exception as error:
            self._give_up(f"Could not start the extraction workers: {error!r}")
            return
        logger.info(
            "Extraction runs in %d worker processes (%s start method, pids %s)",
            self.workers,
            self._context.get_start_method(),
            ", ".join(map(str, self.worker_pids)),
        )

    async def close(self) -> None:
        """Stop the workers, each after its current page (signal `spider_closed`)."""
        self._stopped = True
        if self._opening is not None:
            await self._opening
        pool, self._pool = self._pool, []
        if not pool:
            return
        for worker in pool:
            worker.alive = False
            if not worker.writer.is_closing():
                worker.writer.write_eof()  # the worker exits when it reads to the end
        for worker in pool:
            await asyncio.to_thread(worker.process.join, STOP_TIMEOUT)
            if worker.process.exitcode is None:
                logger.warning("Extraction worker pid %s did not stop; killed", worker.process.pid)
                worker.process.kill()
                await asyncio.to_thread(worker.process.join)
            worker.writer.close()
            if worker.reading is not None:
                await worker.reading
            for future in worker.pending:  # only if a page was abandoned mid-way
                if not future.done():
                    future.set_exception(_WorkerDied(started=False))
        pids = ", ".join(str(w.process.pid) for w in pool)
        logger.info("Extraction workers stopped (pids %s)", pids)

    async def _start_worker(self) -> _Worker:
        assert self._context is not None
        ours, theirs = socket.socketpair()
        # Room for the pages in flight (a few hundred KiB each): a page then leaves in one
        # send() instead of several rounds through the event loop (the kernel may cap it).
        ours.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER)
        theirs.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER)
        process = self._context.Process(
            target=_serve,
            args=(theirs, self._log_level, self.extractor),
            name="newscrawler-extraction",
            daemon=True,  # ended by multiprocessing if the crawl process exits without close()
        )
        # In a thread: the first start waits for the fork server to import the extractor.
        await asyncio.to_thread(process.start)
        theirs.close()
        reader, writer = await asyncio.open_unix_connection(sock=ours)
        worker = _Worker(process, reader, writer)
        worker.reading = asyncio.ensure_future(self._read_results(worker))
        assert self._worker_ready is not None
        self._worker_ready.set()
        return worker

    async def _read_results(self, worker: _Worker) -> None:
        """Hands each result to its page, until the connection ends."""
        try:
            while True:
                header = await worker.reader.readexactly(_FRAME_HEADER.size)
                message = await worker.reader.readexactly(_FRAME_HEADER.unpack(header)[0])
                future = worker.pending.popleft()
                worker.head_since = asyncio.get_running_loop().time()
                if not future.done():  # not cancelled
                    future.set_result(message)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        if worker.alive:  # not stopped by close(): it died
            await self._replace(worker)

    async def _replace(self, dead: _Worker) -> None:
        """A new worker for one that died; its pages fail with `_WorkerDied`."""
        dead.alive = False
        dead.writer.close()
        await asyncio.to_thread(dead.process.join, 1.0)
        if not dead.killed_for:
            self._inc_stat("extraction/worker_crashes")
            self._restarts_without_progress += 1
            if self._restarts_without_progress >= MAX_RESTARTS_WITHOUT_PROGRESS:
                self._give_up(
                    f"Extraction workers died {self._restarts_without_progress} times in a row "
                    "without extracting a page"
                )
        if dead in self._pool and not self._failed:
            logger.log(
                logging.INFO if dead.killed_for else logging.WARNING,
                "Extraction worker %s (%s); starting another (pages it had: %d)",
                f"killed: {dead.killed_for}" if dead.killed_for else "died",
                _describe_exit(dead.process),
                len(dead.pending),
            )
            try:
                self._pool[self._pool.index(dead)] = await self._start_worker()
            except Exception as error:
                self._give_up(f"Could not start an extraction worker: {error!r}")
        for number, future in enumerate(dead.pending):
            if not future.done():
                future.set_exception(_WorkerDied(started=number == 0))
        dead.pending.clear()

    def _give_up(self, why: str) -> None:
        """No more workers: the pages waiting and to come fail, the spider is closed."""
        if self._failed:
            return
        logger.error("%s; closing the spider", why)
        self._failed = True
        if self._worker_ready is not None:
            self._worker_ready.set()  # pages waiting for a worker learn there is none
        if self._crawler is not None and self._crawler.engine is not None:
            self._closing_spider = asyncio.ensure_future(
                self._crawler.engine.close_spider_async(reason="extraction_workers_failing")
            )

    # --- Extraction ---------------------------------------------------------------------------

    async def extract(
        self, body: bytes, url: str, *, declared_encoding: str | None, crawled_at: datetime
    ) -> ExtractedPage:
        """The extracted page. Raises what the extractor raises (`ExtractionError` from a
        worker), or `ExtractionCrashed` when the page killed its worker twice."""
        if self._slots is None:  # inline, or not started
            return self.extractor(body, url, declared_encoding, crawled_at)
        task = pickle.dumps((url, declared_encoding, crawled_at), protocol=pickle.HIGHEST_PROTOCOL)
        tries = 0
        while True:
            try:
                outcome, records = await self._run(task, body)
                break
            except _WorkerDied as died:
                if died.started:
                    tries += 1
                    if tries == 2:
                        raise ExtractionCrashed("the page killed its worker twice") from None
                    self._inc_stat("extraction/retried")
        self._restarts_without_progress = 0
        for record in records:
            logging.getLogger(record.name).handle(record)
        if isinstance(outcome, ExtractionError):
            raise outcome
        return outcome

    async def _run(self, task: bytes, body: bytes) -> Outcome:
        assert self._slots is not None and self._worker_ready is not None
        async with self._slots:
            while True:
                if self._failed or self._stopped:
                    raise ExtractionCrashed("the extraction workers are stopped")
                alive = [worker for worker in self._pool if worker.alive]
                if alive:
                    break
                self._worker_ready.clear()
                await self._worker_ready.wait()  # a replacement is starting
            worker = min(alive, key=lambda w: len(w.pending))
            reply = await self._reply(worker, worker.send(task, body))
        outcome: Outcome = pickle.loads(reply)
        return outcome

    async def _reply(self, worker: _Worker, future: asyncio.Future[bytes]) -> bytes:
        """The worker's reply; the worker is killed once the page has been extracted (been
        first in its queue) for longer than the timeout."""
        if self.timeout <= 0:
            return await future
        loop = asyncio.get_running_loop()
        while True:
            extracting = bool(worker.pending) and worker.pending[0] is future
            # Waiting behind another page: look again after a timeout's time at most.
            deadline = (worker.head_since if extracting else loop.time()) + self.timeout
            try:
                return await asyncio.wait_for(asyncio.shield(future), deadline - loop.time())
            except asyncio.TimeoutError:  # TimeoutError from Python 3.11 on
                if not worker.alive:
                    return await future  # being replaced: the page fails with _WorkerDied
                if extracting and loop.time() >= worker.head_since + self.timeout:
                    break
        future.cancel()
        worker.killed_for = f"a page took longer than {self.timeout:g} s"
        worker.process.kill()
        raise ExtractionTimedOut(f"took longer than {self.timeout:g} s; its worker was killed")

    def _inc_stat(self, key: str) -> None:
        if self._crawler is not None:
            self._crawler.stats.inc_value(f"newscrawler/{key}")

    def _set_stat(self, key: str, value: int) -> None:
        if self._crawler is not None:
            self._crawler.stats.set_value(f"newscrawler/{key}", value)
