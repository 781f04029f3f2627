"""Run history and monitors: each run's figures kept per site in the state, and Spidermon
monitors that compare a run with the site's usual runs.

- `run_figures` turns a run's stats into its figures: items, pages extracted, the coverage of
  title, date, authors, body and image over the article pages extracted (counted before a page
  is judged an article, so a template that loses headlines shows as lost title coverage), the
  share of failed extractions, the shares of 4xx and 5xx responses, revisits and new versions.
- `RunHistory` (extension) is Spidermon's stats-history source over our state: it loads the
  site's past figures into `spider.stats_history` when the spider opens (newest first, as
  Spidermon's own collectors do, but from the state every machine shares, not pickle files) and
  appends this run's when it ends; then it rewrites the site's `report.html`
  (`newscrawler.report`).
- `SiteMonitors` (a Spidermon suite) compares the run with the median of the last good runs
  (`NEWSCRAWLER_MONITOR_RUNS`, runs that finished and passed): items far below the usual count,
  a field's coverage dropping, a surge of failed extractions or of error responses, no item from
  a site that always has some. Until `NEWSCRAWLER_MONITOR_MIN_RUNS` good runs are recorded they
  skip (the first runs only record).
- `Monitoring` (extension) is Spidermon's extension with our logging: a failed monitor is one
  WARNING line naming the site, the field and the figures, the stat `newscrawler/monitors_failed`
  (exit status 7 when no other non-zero status applies) and an entry in the run summary.
"""

from __future__ import annotations

import logging
import math
import statistics
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy import signals
from spidermon import Monitor, MonitorSuite
from spidermon.contrib.scrapy.extensions import Spidermon
from spidermon.contrib.scrapy.runners import SpiderMonitorResult, SpiderMonitorRunner

from newscrawler.dates import utc_iso
from newscrawler.extensions.crawl_state import CrawlState, run_ending
from newscrawler.items import COVERED_FIELDS
from newscrawler.report import write_report
from newscrawler.state import StateError

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

MONITORS_STAT = "newscrawler/monitors"
MONITORS_FAILED_STAT = "newscrawler/monitors_failed"


# --- A run's figures --------------------------------------------------------------------------


def share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def run_figures(stats: dict[str, Any]) -> dict[str, Any]:
    """What the history keeps of a run and the monitors compare (from its final stats)."""
    pages = int(stats.get("newscrawler/pages_extracted", 0))
    responses = int(stats.get("downloader/response_count", 0))
    by_status = {
        key.rsplit("/", 1)[1]: value
        for key, value in stats.items()
        if key.startswith("downloader/response_status_count/")
    }
    failed = sum(
        value for key, value in stats.items()
        if key.startswith("newscrawler/articles_failed/extraction_")
    )  # fmt: skip
    started = stats.get("start_time")
    return {
        "started_at": utc_iso(started) if isinstance(started, datetime) else None,
        "finish_reason": stats.get("finish_reason"),
        "items": int(stats.get("item_scraped_count", 0)),
        "pages_extracted": pages,
        "coverage": {
            name: share(stats.get(f"newscrawler/pages_with/{name}", 0), pages)
            for name in COVERED_FIELDS
        },
        "failed_extractions": share(failed, pages + failed),
        "http_4xx": share(sum(v for k, v in by_status.items() if k.startswith("4")), responses),
        "http_5xx": share(sum(v for k, v in by_status.items() if k.startswith("5")), responses),
        "requests": int(stats.get("downloader/request_count", 0)),
        "revisits": int(stats.get("revisits/requests", 0)),
        "not_modified": int(stats.get("revisits/not_modified", 0)),
        "new_versions": int(stats.get("incremental/new_versions", 0)),
    }


def good_runs(history: Any, count: int) -> list[dict[str, Any]]:
    """The last `count` runs that finished and whose monitors passed (or only recorded)."""
    good = [run for run in history if run.get("finish_reason") == "finished" and run.get("good")]
    return good[:count]


def usual(runs: list[dict[str, Any]], value: Callable[[dict[str, Any]], Any]) -> float | None:
    """The median of a figure over `runs` (the runs that have it)."""
    values = [v for v in map(value, runs) if isinstance(v, (int, float))]
    return statistics.median(values) if values else None


# --- The monitors -----------------------------------------------------------------------------


class SiteMonitor(Monitor):
    """Shared by the monitors: this run's figures, the usual ones, the thresholds."""

    def setUp(self) -> None:
        crawler = self.data.crawler
        settings = crawler.settings
        self.site = crawler.spider.name
        self.figures = run_figures(dict(self.data.stats))
        history = list(self.data.stats_history)
        self.runs = good_runs(history, settings.getint("NEWSCRAWLER_MONITOR_RUNS"))
        self.settings = settings
        if self.figures["finish_reason"] not in (None, "finished"):
            self.skipTest("the run did not finish: too soon to judge")
        state = crawler.get_extension(CrawlState)
        if state is None or not state.incremental:
            self.skipTest("a full crawl (-a incremental=0) is not compared with incremental runs")
        if not getattr(crawler.spider, "fetches_pages", True):
            self.skipTest("pages from files (warc): each run reads other archives")
        if len(self.runs) < settings.getint("NEWSCRAWLER_MONITOR_MIN_RUNS"):
            self.skipTest(f"{len(self.runs)} good runs recorded: this run only records")

    def usual(self, value: Callable[[dict[str, Any]], Any]) -> float | None:
        return usual(self.runs, value)

    @property
    def over(self) -> str:
        return f"median of the last {len(self.runs)} good runs"


class ItemsMonitor(SiteMonitor):
    """Items far below the usual count, or none from a site that always has some."""

    def test_items(self) -> None:
        items, runs = self.figures["items"], self.runs
        if items == 0 and all(run.get("items") for run in runs):
            self.fail(f"{self.site}: 0 items; each of the last {len(runs)} good runs had some"
                      f" (median {self.usual(lambda run: run.get('items'))})")  # fmt: skip
        floor = self.settings.getfloat("NEWSCRAWLER_MONITOR_ITEMS_SHARE")
        median = self.usual(lambda run: run.get("items")) or 0
        # (whole items: a site that usually has one or two new articles may have none)
        if items < math.floor(floor * median):
            self.fail(
                f"{self.site}: {items} items, usually {median:g} ({self.over}); fewer than"
                f" {floor:g} of usual fail (NEWSCRAWLER_MONITOR_ITEMS_SHARE)"
            )


class CoverageMonitor(SiteMonitor):
    """A field's coverage of the extracted article pages dropping."""

    def check(self, name: str) -> None:
        now = self.figures["coverage"].get(name)
        if now is None:
            self.skipTest("no article page extracted in this run")
        before = self.usual(lambda run: run.get("coverage", {}).get(name))
        drop = self.settings.getfloat("NEWSCRAWLER_MONITOR_COVERAGE_DROP")
        if before is not None and now < before - drop:
            self.fail(f"{self.site}: {name} coverage {now:.2f}, usually {before:.2f}"
                      f" ({self.over}); a drop of more than {drop:g} fails"
                      " (NEWSCRAWLER_MONITOR_COVERAGE_DROP)")  # fmt: skip

    def test_title(self) -> None:
        self.check("title")

    def test_date_published(self) -> None:
        self.check("date_published")

    def test_authors(self) -> None:
        self.check("authors")

    def test_body(self) -> None:
        self.check("body")

    def test_image_url(self) -> None:
        self.check("image_url")


class FailuresMonitor(SiteMonitor):
    """A surge of failed extractions or of error responses."""

    def check(self, name: str, label: str) -> None:
        now = self.figures.get(name) or 0.0
        before = self.usual(lambda run: run.get(name) or 0.0) or 0.0
        rise = self.settings.getfloat("NEWSCRAWLER_MONITOR_FAILURE_RISE")
        if now > before + rise:
            self.fail(f"{self.site}: {label} {now:.2f} of pages, usually {before:.2f}"
                      f" ({self.over}); a rise of more than {rise:g} fails"
                      " (NEWSCRAWLER_MONITOR_FAILURE_RISE)")  # fmt: skip

    def test_failed_extractions(self) -> None:
        self.check("failed_extractions", "failed extractions")

    def test_http_4xx(self) -> None:
        self.check("http_4xx", "4xx responses")

    def test_http_5xx(self) -> None:
        self.check("http_5xx", "5xx responses")


class SiteMonitors(MonitorSuite):
    """The monitors every run of a site passes through (SPIDERMON_SPIDER_CLOSE_MONITORS)."""

    monitors = [ItemsMonitor, CoverageMonitor, FailuresMonitor]  # noqa: RUF012


# --- Running them -----------------------------------------------------------------------------


class WarningResult(SpiderMonitorResult):
    """Spidermon's result, logging failures as WARNINGs: an ERROR line makes the exit status 6
    (errors logged), and a failed monitor has its own status, 7."""

    def log_error(self, msg: Any) -> None:
        self.log(msg, level=logging.WARNING)

    def log(self, msg: Any, level: int = logging.DEBUG) -> None:
        # (Spidermon's own goes through Spider.log(), deprecated in Scrapy 2.19)
        self.spider.logger.log(level, "[Spidermon] %s", msg)


class WarningRunner(SpiderMonitorRunner):
    def create_result(self) -> WarningResult:
        return WarningResult(self.spider)


class Monitoring(Spidermon):
    """Spidermon's extension (SPIDERMON_* settings), its results in our stats and log."""

    def _run_suites(self, spider: Spider, suites: list[MonitorSuite]) -> None:
        if not suites:
            return
        started = time.perf_counter()
        data = self._generate_data_for_spider(spider)
        results: list[dict[str, Any]] = []
        for suite in suites:
            runner = WarningRunner(spider=spider)
            result = runner.run(suite, **data)
            for item in result.monitor_results:
                results.append({
                    "monitor": item.item.name,
                    "status": str(item.status),
                    "reason": getattr(item, "reason", None),
                })  # fmt: skip
        stats = self.crawler.stats
        stats.set_value(MONITORS_STAT, results)
        failed = [r for r in results if r["status"] in ("FAIL", "ERROR")]
        stats.set_value(MONITORS_FAILED_STAT, len(failed))
        for result in failed:
            logger.warning("Monitor failed: %s", result["reason"] or result["monitor"])
        stats.set_value("newscrawler/monitors_seconds", round(time.perf_counter() - started, 4))


class RunHistory:
    """Extension: the site's run history in the state, as Spidermon's `stats_history`."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.state: CrawlState | None = None
        self.keep = crawler.settings.getint("NEWSCRAWLER_MONITOR_HISTORY")
        self.history: deque[dict[str, Any]] = deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.run_ending, signal=run_ending)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        # (extensions are all built by now; not in from_crawler)
        self.state = self.crawler.get_extension(CrawlState)
        if self.state is not None:
            try:
                self.history = deque(self.state.store.run_history(self.keep))
            except StateError as error:
                logger.warning("Run history unavailable, monitors only record: %s", error)
        spider.stats_history = self.history  # type: ignore[attr-defined]

    def run_ending(self) -> None:
        if self.state is None:
            return
        stats = self.crawler.stats.get_stats()
        figures = run_figures(stats)
        failed = stats.get(MONITORS_FAILED_STAT)
        figures["run_id"] = self.state.owner
        figures["monitors"] = stats.get(MONITORS_STAT, [])
        # (a good run sets the usual: finished, judged or only recorded, and incremental)
        figures["good"] = failed == 0 and self.state.incremental
        try:
            self.state.store.record_run(figures, self.keep)
        except StateError as error:
            logger.warning("Could not record this run in the history: %s", error)
        self.history.appendleft(figures)
        if self.crawler.settings.getbool("NEWSCRAWLER_REPORT"):
            write_report(self.crawler, list(self.history))
