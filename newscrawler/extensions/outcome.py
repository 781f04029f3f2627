"""How a run ended, as cron sees it: the exit status of `scrapy crawl`, and the rule that makes
an unreachable site a failed run.

A page that fails costs that page: a warning and a stat, never a failed run. A run fails when
it could not start, was stopped before it finished, reached none of the site's start points,
or logged an error (a bug, a feed that could not be stored, a state that went away).
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from scrapy import signals

from newscrawler.request_meta import START_POINT_META_KEY

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

logger = logging.getLogger(__name__)


class ExitStatus(IntEnum):
    """Exit statuses of `scrapy crawl` (see README "Running from cron")."""

    OK = 0
    """The crawl finished normally (single pages may have failed: see the warnings)."""
    USAGE = 2
    """Bad command line syntax (Scrapy's own status for usage errors)."""
    NOT_STARTED = 3
    """Could not start: unknown spider, invalid spider argument, state unavailable."""
    UNFINISHED = 4
    """Stopped before the end: run budget (CLOSESPIDER_TIMEOUT), SIGTERM/Ctrl-C, other limits.
    What was emitted until then is published and recorded; the next run continues."""
    SITE_UNREACHABLE = 5
    """The crawl finished but none of the site's start points answered successfully."""
    ERRORS_LOGGED = 6
    """The crawl finished but logged errors (see the log for ERROR lines)."""
    MONITORS_FAILED = 7
    """The crawl finished, but a monitor found it far from the site's usual runs (fewer
    items, a field's coverage dropped, more failures: see the "Monitor failed" lines)."""
    LOCKED = 75
    """Not started: another run of the same spider is active (EX_TEMPFAIL: try later)."""


def exit_status(stats: dict[str, Any]) -> ExitStatus:
    """The exit status of a crawl that started, from its final stats."""
    if stats.get("finish_reason") != "finished":
        return ExitStatus.UNFINISHED
    if stats.get("newscrawler/site_unreachable"):
        return ExitStatus.SITE_UNREACHABLE
    if stats.get("newscrawler/errors_logged", stats.get("log_count/ERROR", 0)):
        return ExitStatus.ERRORS_LOGGED
    if stats.get("newscrawler/monitors_failed"):
        return ExitStatus.MONITORS_FAILED
    return ExitStatus.OK


PAGE_LEVEL_LOGGERS = frozenset({"trafilatura", "htmldate", "justext", "courlan"})
"""Extraction libraries that log a problem of one page (an empty tree, a fragment lxml cannot
parse) as an ERROR: that page costs at most its item, which the spider counts; the run has not
failed, so these do not make the exit status non-zero."""


class ErrorCounter(logging.Handler):
    """Counts ERROR and CRITICAL records into a stat, for the whole run.

    Scrapy's `log_count/ERROR` stops counting when the spider closes, before the feeds are
    stored: a feed that cannot be stored would not count."""

    def __init__(self, crawler: Crawler):
        super().__init__(level=logging.ERROR)
        self.stats = crawler.stats

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.partition(".")[0] in PAGE_LEVEL_LOGGERS:
            self.stats.inc_value("newscrawler/page_level_library_errors")
            return
        self.stats.inc_value("newscrawler/errors_logged")


class RunOutcome:
    """Extension: what the exit status needs beyond Scrapy's stats.

    - Errors logged at any time of the run: `newscrawler/errors_logged`.
    - An unreachable site: successful answers (2xx) to the spider's start points (feeds,
      sitemaps, robots.txt, section pages, a given article URL: the requests `start()` made)
      count in `newscrawler/start_points_answered`; a run that finished with start points and
      none answered sets `newscrawler/site_unreachable` and logs one error saying so.
    """

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats
        self.errors = ErrorCounter(crawler)
        self.stats.set_value("newscrawler/errors_logged", 0)
        logging.root.addHandler(self.errors)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_received, signal=signals.response_received)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if request.meta.get(START_POINT_META_KEY) and 200 <= response.status < 300:
            self.stats.inc_value("newscrawler/start_points_answered")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if reason != "finished":
            return  # stopped early: too soon to judge the site
        start_points = self.stats.get_value("newscrawler/start_points", 0)
        if start_points and not self.stats.get_value("newscrawler/start_points_answered"):
            self.stats.set_value("newscrawler/site_unreachable", 1)
            logger.error(
                "Site unreachable: none of the %d start points answered (see the"
                " newscrawler/discovery_failed/* stats and the warnings above)",
                start_points,
            )

    def engine_stopped(self) -> None:
        logging.root.removeHandler(self.errors)
