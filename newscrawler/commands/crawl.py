"""`scrapy crawl`, ready for cron: a meaningful exit status, a run lock, a run budget.

Scrapy's own `crawl` exits 0 whatever happened. This one exits with an `ExitStatus`
(`newscrawler.extensions.outcome`): 0 only when the crawl finished normally. It takes the
run lock (its CrawlState extension does) before anything is fetched, so an overlapping run
exits at once (status 75).
`--budget 45m` stops the crawl gracefully after that time (CLOSESPIDER_TIMEOUT).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawler.extensions.outcome import ExitStatus, exit_status
from newscrawler.options import OptionError, check_settings
from newscrawler.state import RunLocked, StateError

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")


EXPECTED_START_ERRORS = (ValueError, TypeError, StateError)
"""Bootstrap failures that are bad input (spider arguments, state), not bugs."""


def parse_duration(text: str) -> int:
    """Seconds in `90`, `90s`, `45m`, `2h` or `1h30m`."""
    text = text.strip().lower()
    # Every number needs its unit, except a number alone (seconds): "1h30" is an error, not
    # 1 h 30 s.
    match = _DURATION.fullmatch(text + "s" if text.isdigit() else text)
    if not text or match is None:
        raise ValueError(f"not a duration: {text!r} (use e.g. 90s, 45m, 2h, 1h30m)")
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise ValueError(f"the budget must be positive, got {text!r}")
    return total


def _exit_statuses_text() -> str:
    return "; ".join(f"{status.value} {status.name.lower()}" for status in ExitStatus)


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider (incremental; exit status 0 only when the crawl finished normally)"

    def long_desc(self) -> str:
        return (
            "Run a spider. Only new and changed articles are emitted (-a incremental=0 for a"
            " full crawl); output files appear atomically; a second run of the same spider"
            f" while one is active exits at once. Exit statuses: {_exit_statuses_text()}."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--budget",
            metavar="DURATION",
            help="stop gracefully after DURATION (90s, 45m, 2h, 1h30m), keeping what was"
            " emitted; the next run continues (sets CLOSESPIDER_TIMEOUT)",
        )

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        assert self.settings is not None
        if opts.budget:
            try:
                seconds = parse_duration(opts.budget)
            except ValueError as error:
                raise UsageError(str(error), print_help=False) from None
            self.settings.set("CLOSESPIDER_TIMEOUT", seconds, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name" if args else "")
        assert self.crawler_process is not None
        assert self.settings is not None
        try:
            check_settings(self.settings)  # a misspelt -s NEWSCRAWLER_… stops the run here
        except OptionError as error:
            self._not_started(ExitStatus.NOT_STARTED, str(error))
            return
        try:
            crawler = self._create_crawler(args[0])
        except KeyError as error:  # the spider loader's "Spider not found"
            self._not_started(ExitStatus.NOT_STARTED, str(error.args[0] if error.args else error))
            return
        # The run lock is taken by the CrawlState extension, before anything is fetched: the
        # lock's name needs the spider (the news spider's depends on its arguments).
        bootstrap_errors: list[BaseException] = []
        started = self.crawler_process.crawl(crawler, **opts.spargs)
        _collect_failure(started, bootstrap_errors)
        self.crawler_process.start()
        if bootstrap_errors or crawler.spider is None or self.crawler_process.bootstrap_failed:
            failure = bootstrap_errors[0] if bootstrap_errors else None
            if isinstance(failure, RunLocked):
                name = crawler.spider.name if crawler.spider else args[0]
                self._not_started(ExitStatus.LOCKED, f"spider {name!r} is running: {failure}")
                return
            self._not_started(
                ExitStatus.NOT_STARTED,
                _start_failure_text(failure),
                # an invalid argument or state needs no traceback; anything else is a bug
                failure if failure and not isinstance(failure, EXPECTED_START_ERRORS) else None,
            )
            return
        self.exitcode = int(exit_status(_final_stats(crawler)))

    def _not_started(
        self, status: ExitStatus, reason: str, error: BaseException | None = None
    ) -> None:
        logger.error("Crawl not started: %s (exit status %d)", reason, status, exc_info=error)
        self.exitcode = int(status)


def _start_failure_text(failure: BaseException | None) -> str:
    """Why the crawl did not start: a bad option in the words of its check, else the
    exception's type and message."""
    if failure is None:
        return "see the errors above"
    if isinstance(failure, OptionError):
        return str(failure)
    return f"{type(failure).__name__}: {failure}"


def _final_stats(crawler: Crawler) -> dict[str, Any]:
    return dict(crawler.stats.get_stats())


def _collect_failure(started: Any, errors: list[BaseException]) -> None:
    """Keep the exception a crawl failed to start with (and keep asyncio from also printing it
    as 'never retrieved')."""
    if isinstance(started, asyncio.Future):

        def done(task: asyncio.Future[Any]) -> None:
            if not task.cancelled() and task.exception() is not None:
                errors.append(task.exception())  # type: ignore[arg-type]

        started.add_done_callback(done)
    elif hasattr(started, "addErrback"):  # a Deferred (Twisted CrawlerProcess)

        def failed(failure: Any) -> None:
            errors.append(failure.value)

        started.addErrback(failed)
