"""The run's hold on its spider's state: the run lock, the state store, and the signals that
open and close them.

Built when the crawl starts (the spider exists, its `-a` arguments are attributes): takes the
run lock (`RunLocked` if another run of the spider is active), opens the state store, creates
the run's publication journal (`newscrawler.publish.journal`), which first finishes what a
crashed earlier run left, and hands the journal to the feed storages. Any failure here stops
the run before it starts (exit status "not started").

A state on a server (Redis) can be lost mid-run: the run then stops at once (finish reason
`state_lost`, an ERROR), since nothing more can be recorded; what it published but could not
record, the next run's recovery commits.

`-a incremental=0` turns the incremental middleware off: articles are neither skipped nor
recorded. The lock and the journal stay on: runs still never overlap and their files are
still published atomically.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

from newscrawler.dates import to_datetime, utc_iso
from newscrawler.publish.journal import PublicationJournal, use_journal
from newscrawler.publish.layout import run_lock_path, state_url, warn_about_unrecorded_feeds
from newscrawler.redis_access import redis_prefix
from newscrawler.state import (
    StateError,
    StateLost,
    StateStore,
    acquire_run_lock,
    new_owner_id,
    open_state,
    public_url,
    with_key_prefix,
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


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CrawlState:
    """Extension: one run's lock and state store, and its publication journal."""

    def __init__(self, crawler: Crawler):
        spider = crawler.spider
        assert spider is not None, "the spider is created before the extensions"
        self.crawler = crawler
        self.stats = crawler.stats
        self.incremental = parse_switch(getattr(spider, "incremental", True))
        url = state_url(crawler.settings, spider.name)
        url = with_key_prefix(url, redis_prefix(crawler.settings))
        self.url = public_url(url)
        """The state's URL for logs and the summary (without a password)."""
        self.lock = acquire_run_lock(run_lock_path(url, crawler.settings, spider.name))
        self.store: StateStore = open_state(url)
        self.store.on_lost(self.state_lost)
        self.spider_open = False
        self._stopping: Any = None
        self.owner = new_owner_id()
        self.started_at = self._start_in_a_new_second(self.store.last_run_started())
        self.store.begin_run(self.owner, utc_iso(self.started_at))
        self.journal = self._open_journal(crawler)
        logger.info(
            "State %s (%s), run %s",
            self.url,
            "incremental" if self.incremental else "incremental=0: not used for articles",
            self.owner,
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = cls(crawler)
        crawler.signals.connect(state.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(state.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(state.engine_stopped, signal=signals.engine_stopped)
        return state

    def _open_journal(self, crawler: Crawler) -> PublicationJournal:
        """The run's publication journal, with what earlier runs left finished, handed to the
        feed storages."""
        journal = PublicationJournal(
            self.store,
            self.owner,
            started_at=self.started_at,
            records_articles=self.incremental,
            stats=crawler.stats,
            signals=crawler.signals,
        )
        journal.recover()
        use_journal(crawler, journal)
        if self.incremental:
            warn_about_unrecorded_feeds(crawler.settings.getdict("FEEDS"))
        return journal

    @staticmethod
    def _start_in_a_new_second(previous: str | None) -> datetime:
        """The run's start, in a later second than the previous run's: file names carry the
        second, and a published file must never be written twice."""
        now = utc_now().replace(microsecond=0)
        last = to_datetime(previous)
        if last is not None:
            earliest = last + timedelta(seconds=1)
            # (a clock set back by more than that is not waited for: -o style appending
            # then keeps both runs' lines in the file)
            if timedelta(0) < earliest - now <= timedelta(seconds=1):
                time.sleep(max(0.0, (earliest - utc_now()).total_seconds()))
                now = earliest
        return now

    def _stat(self, key: str, count: int = 1) -> None:
        self.stats.inc_value(f"incremental/{key}", count)

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
