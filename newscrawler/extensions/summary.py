"""A small JSON summary of each run, next to its output: what a cron user or a consumer checks.

Written atomically when the run ends, as `<run stamp>.summary.json` in the folder of the first
local feed (for the default feeds `output/<spider>/`), or where `NEWSCRAWLER_SUMMARY_PATH`
says (`%(name)s` and `%(time)s` are replaced). It lists the files the run published, so a
consumer can read exactly those, and `recovered_files`: files of earlier runs that were killed
(no summary of theirs lists them), completed by this run or published before they died.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals

from newscrawler.dates import utc_iso
from newscrawler.extensions.crawl_state import CrawlState, run_ending
from newscrawler.extensions.outcome import exit_status
from newscrawler.publish.files import write_atomically
from newscrawler.publish.layout import run_stamp, summary_path

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

SUMMARY_VERSION = 1
COVERAGE_FIELDS = ("title", "date_published", "date_modified", "authors", "body")
DROPPED_PREFIXES = ("newscrawler/articles_dropped/", "newscrawler/leads_skipped/")
FAILED_PREFIXES = {
    "articles": "newscrawler/articles_failed/",
    "discovery": "newscrawler/discovery_failed/",
}


def by_suffix(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    """`{suffix: value}` of the stats whose key starts with `prefix`."""
    return {key[len(prefix) :]: value for key, value in stats.items() if key.startswith(prefix)}


def iso(value: Any) -> str | None:
    return utc_iso(value) if isinstance(value, datetime) else None


def run_summary(
    stats: dict[str, Any],
    *,
    spider: str,
    coverage: dict[str, float],
    items: int,
    state: CrawlState | None,
) -> dict[str, Any]:
    """The summary document, from the run's final stats (a pure function of its inputs)."""
    status = exit_status(stats)
    journal = state.journal if state is not None else None
    return {
        "summary_version": SUMMARY_VERSION,
        "spider": spider,
        "run_id": state.owner if state is not None else None,
        "started_at": iso(stats.get("start_time")),
        "finished_at": iso(stats.get("finish_time")),
        "duration_seconds": stats.get("elapsed_time_seconds"),
        "finish_reason": stats.get("finish_reason"),
        "exit_status": int(status),
        "exit_status_name": status.name.lower(),
        "incremental": state.incremental if state is not None else False,
        "state": state.url if state is not None else None,
        "state_created": state.state_is_new if state is not None else None,
        "state_warning": state.state_warning if state is not None else None,
        "files": list(journal.published) if journal is not None else [],
        "recovered_files": list(journal.recovered) if journal is not None else [],
        "counts": run_counts(
            stats,
            items,
            journal.committed if journal else Counter(),
            incremental=state.incremental if state is not None else False,
        ),
        "coverage": coverage,
        "monitors": {
            "failed": stats.get("newscrawler/monitors_failed"),
            "results": stats.get("newscrawler/monitors", []),
        },
    }


def run_counts(
    stats: dict[str, Any], items: int, committed: Counter[str], *, incremental: bool
) -> dict[str, Any]:
    """The summary's `counts`: articles emitted, committed, skipped, dropped and failed.
    `new` and `updated` (emitted articles recorded in the state) are null when the run is not
    incremental: it tells neither, and 0 beside its `emitted` would read as a contradiction."""
    return {
        "emitted": items,
        "new": committed.get("new", 0) if incremental else None,
        "updated": committed.get("updated", 0) if incremental else None,
        "skipped_known": stats.get("incremental/leads_skipped_known", 0),
        "refetched_changed": stats.get("incremental/leads_refetched_changed", 0),
        **fetch_once_counts(stats),
        "dropped": dropped_by_reason(stats),
        "failed": {name: by_suffix(stats, prefix) for name, prefix in FAILED_PREFIXES.items()},
        "revisits": stats.get("revisits/requests", 0),
        "not_modified": stats.get("revisits/not_modified", 0),
        "new_versions": stats.get("incremental/new_versions", 0),
        "pages_fetched": stats.get("response_received_count", 0),
        "errors": stats.get("newscrawler/errors_logged", stats.get("log_count/ERROR", 0)),
        "warnings": stats.get("log_count/WARNING", 0),
    }


def fetch_once_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Leads not fetched because another run sharing the state had them (leased, claimed or
    fetched meanwhile), or because the state remembers them as no article; pages remembered."""
    taken = by_suffix(stats, "fetch_once/skipped_")
    return {
        "skipped_other_run": sum(v for k, v in taken.items() if k != "non_article"),
        "skipped_non_article": taken.get("non_article", 0),
        "non_articles_remembered": stats.get("fetch_once/non_articles_remembered", 0),
    }


def dropped_by_reason(stats: dict[str, Any]) -> dict[str, int]:
    dropped: Counter[str] = Counter()
    for prefix in DROPPED_PREFIXES:
        dropped.update(by_suffix(stats, prefix))
    dropped["unchanged"] += stats.get("incremental/items_unchanged", 0)
    dropped["duplicate"] += stats.get("incremental/items_duplicate", 0)
    return dict(sorted((k, v) for k, v in dropped.items() if v))


class RunSummary:
    """Extension: counts field coverage of the emitted items, writes the summary at the end."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.items = 0
        self.filled: Counter[str] = Counter()
        self.written = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        # With the state extension, at `run_ending` (its files are still on record then);
        # without it, when the engine stops.
        crawler.signals.connect(extension.write, signal=run_ending)
        crawler.signals.connect(extension.write, signal=signals.engine_stopped)
        return extension

    def item_scraped(self, item: Any) -> None:
        adapter = ItemAdapter(item)
        self.items += 1
        self.filled.update(name for name in COVERAGE_FIELDS if adapter.get(name))

    def coverage(self) -> dict[str, float]:
        if not self.items:
            return {}
        return {name: round(self.filled[name] / self.items, 3) for name in COVERAGE_FIELDS}

    def write(self) -> None:
        if self.written:
            return
        self.written = True
        spider = self.crawler.spider.name if self.crawler.spider else self.crawler.spidercls.name
        stats = self.crawler.stats.get_stats()
        state = self.crawler.get_extension(CrawlState)
        summary = run_summary(
            stats, spider=spider, coverage=self.coverage(), items=self.items, state=state
        )
        path = summary_path(self.crawler.settings, spider, run_stamp(self.crawler))
        data = json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n"
        try:
            write_atomically(path, data.encode("utf-8"))
        except OSError as error:
            logger.error("Could not write the run summary %s: %s", path, error)
            return
        logger.info("Run summary: %s", path)
