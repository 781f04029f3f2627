"""The run's hold on its spider's state: run lock, state store, output journal, recovery.

Built when the crawl starts (the spider exists, its `-a` arguments are attributes): takes the
run lock (`RunLocked` if another run of the spider is active), opens the state store, finishes
what a crashed earlier run left (see `newscrawler.feeds`), and gives the feed storages and the
incremental middleware the operations they need. Any failure here stops the run before it
starts (exit status "not started").

A state on a server (Redis) can be lost mid-run: the run then stops at once (finish reason
`state_lost`, an ERROR), since nothing more can be recorded; what it published but could not
record, the next run's recovery commits.

`-a incremental=0` turns the incremental middleware off: articles are neither skipped nor
recorded. The lock and the output journal stay on: runs still never overlap and their files
are still published atomically.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from newscrawler.feeds import publish, read_item_urls
from newscrawler.state import (
    StateError,
    StateLost,
    StateStore,
    acquire_run_lock,
    local_feed_path,
    open_state,
    public_url,
    run_lock_path,
    state_url,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

run_ending = object()
"""Signal sent when a run is over (its feeds stored) and before the state forgets which files
it published: the moment to report them (`newscrawler.extensions.summary`)."""

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_switch(value: Any, name: str = "incremental") -> bool:
    """A spider argument such as `-a incremental=0`: 1/0, true/false, yes/no, on/off."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {value!r}")


def new_owner_id() -> str:
    """A run's id in the state: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


class CrawlState:
    """Extension: one run's lock, state store and output journal."""

    def __init__(self, crawler: Crawler):
        spider = crawler.spider
        assert spider is not None, "the spider is created before the extensions"
        self.crawler = crawler
        self.stats = crawler.stats
        self.incremental = parse_switch(getattr(spider, "incremental", True))
        url = state_url(crawler.settings, spider.name)
        self.url = public_url(url)
        """The state's URL for logs and the summary (without a password)."""
        self.lock = acquire_run_lock(run_lock_path(url, crawler.settings, spider.name))
        self.lock.use()
        self.store: StateStore = open_state(url)
        self.store.on_lost(self.state_lost)
        self.spider_open = False
        self._stopping: Any = None
        self.owner = new_owner_id()
        self.started_at = self._start_in_a_new_second(self.store.last_run_started())
        self.store.begin_run(self.owner, iso(self.started_at))
        self.published: list[str] = []
        """Files this run published, in order."""
        self.recovered: list[str] = []
        """Files of earlier runs that were killed: completed by this run's recovery, or
        published by them before they died (no summary of theirs lists them)."""
        self.committed: Counter[str] = Counter()
        self.recover()
        if self.incremental:
            self.warn_about_unrecorded_feeds(crawler.settings.getdict("FEEDS"))
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)
        logger.info(
            "State %s (%s), run %s",
            self.url,
            "incremental" if self.incremental else "incremental=0: not used for articles",
            self.owner,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    @staticmethod
    def warn_about_unrecorded_feeds(feeds: dict[str, Any]) -> None:
        """Only local files are published through the state's journal (newscrawler.feeds):
        what goes anywhere else (stdout, S3, FTP) is never recorded as emitted."""
        for uri in feeds:
            if local_feed_path(uri) is None:
                logger.warning(
                    "Feed %s is not a local file: the articles written to it are not recorded"
                    " in the state, so the next incremental run emits them again (write to a"
                    " local file and copy it, or use -a incremental=0 on purpose)",
                    uri,
                )

    @staticmethod
    def _start_in_a_new_second(previous: str | None) -> datetime:
        """The run's start, in a later second than the previous run's: file names carry the
        second, and a published file must never be written twice."""
        now = utc_now().replace(microsecond=0)
        if previous is not None:
            earliest = datetime.fromisoformat(previous) + timedelta(seconds=1)
            # (a clock set back by more than that is not waited for: -o style appending
            # then keeps both runs' lines in the file)
            if timedelta(0) < earliest - now <= timedelta(seconds=1):
                time.sleep(max(0.0, (earliest - utc_now()).total_seconds()))
                now = earliest
        return now

    def _stat(self, key: str, count: int = 1) -> None:
        self.stats.inc_value(f"incremental/{key}", count)

    # --- Recovery ---------------------------------------------------------------------------

    def recover(self) -> None:
        """Finish the publications of runs that died: publish and commit the sealed ones,
        delete the unsealed ones, release their other claims."""
        for publication in self.store.orphaned_publications(self.owner):
            temp, final = Path(publication.temp_path), Path(publication.final_path)
            if publication.sealed and not (temp.exists() or final.exists()):
                # Sealed, then its file vanished before the rename (deleted by a cleaner):
                # its articles are in no file, so they are not emitted; the next run gets them.
                self.store.abandon_publication(publication.id)
                logger.warning(
                    "%s, completed by an earlier run that died, is gone before it was"
                    " published: its articles count as not emitted",
                    temp,
                )
                self._stat("recovered_files_lost")
            elif publication.sealed:
                if temp.exists():
                    publish(temp, final)
                counts = self.store.finish_publication(publication.id, iso(utc_now()))
                logger.warning(
                    "Completed the publication of %s, interrupted in an earlier run"
                    " (%d articles committed)",
                    final,
                    sum(counts.values()),
                )
                self._stat("recovered_files_published")
                self._stat("recovered_articles_committed", sum(counts.values()))
            else:
                temp.unlink(missing_ok=True)
                self.store.abandon_publication(publication.id)
                logger.warning("Deleted %s, left unfinished by an earlier run", temp)
                self._stat("recovered_files_deleted")
        # Files of dead runs (completed just now, or published before they died): this run
        # reports them.
        self.recovered = self.store.take_unreported_files(self.owner)
        released = self.store.release_orphaned_claims(self.owner)
        if released:
            logger.info("Released %d unpublished claims of earlier runs", released)
            self._stat("recovered_claims_released", released)

    # --- The output journal (used by newscrawler.feeds.AtomicFileFeedStorage) --------------

    def begin_publication(self, temp: Path, final: Path) -> int:
        return self.store.begin_publication(self.owner, str(temp), str(final))

    def seal_publication(
        self, publication: int, temp: Path, feed_format: str, offset: int = 0
    ) -> None:
        """The file is complete and on disk: attach to it the claims of the articles it holds
        (read back from the file itself: what is in it is what counts as emitted)."""
        urls: set[str] | None = set()
        if self.incremental:
            urls = read_item_urls(temp, feed_format, offset)
            if urls is None:
                logger.warning(
                    "Articles in %s feeds are not recorded in the state: use jsonlines or json",
                    feed_format,
                )
        self.store.seal_publication(publication, urls or set())

    def finish_publication(self, publication: int, final: Path) -> None:
        counts = self.store.finish_publication(publication, iso(utc_now()))
        self.published.append(str(final))
        self.committed.update(counts)
        self._stat("committed", sum(counts.values()))

    # --- A state that went away -------------------------------------------------------------

    def spider_opened(self) -> None:
        self.spider_open = True

    def spider_closed(self) -> None:
        self.spider_open = False

    def state_lost(self, error: StateError) -> None:
        """The store's server is gone: nothing more can be recorded, so stop the run."""
        logger.error(
            "State lost, stopping the run (articles not yet in a published file are not"
            " recorded: they come again in the next run): %s",
            error,
        )
        self._stat("state_lost")
        # (Crawler.engine raises until the engine exists: lost during recovery, the failing
        # call itself ends the start with a StateError)
        if not self.spider_open or self._stopping is not None:
            return
        engine = self.crawler.engine
        if engine is not None:
            self._stopping = deferred_from_coro(engine.close_spider_async(reason="state_lost"))

    # --- End of run ---------------------------------------------------------------------------

    def engine_stopped(self) -> None:
        """All feeds are closed: what was claimed but not published is free again; the run
        reports its files (`run_ending`), then the state forgets them. A state that fails
        here costs the bookkeeping (the next run recovers), never the summary or the lock."""
        try:
            released = self.store.release_claims(self.owner)
        except StateLost:
            logger.warning(
                "This run's unpublished claims stay in the lost state until its lease expires"
                " (or the next run on this machine releases them)"
            )
            released = 0
        except StateError as error:
            logger.error("Could not release this run's unpublished claims: %s", error)
            released = 0
        if released:
            logger.info("Released %d claimed articles that no published file holds", released)
            self._stat("released", released)
        self.crawler.signals.send_catch_log(signal=run_ending)
        try:
            self.store.end_run(self.owner)
        except StateLost:
            pass  # reported when it was lost
        except StateError as error:
            logger.error("Could not record the end of this run in the state: %s", error)
        self.store.close()
        self.lock.release()
