"""Where a run's files live and what they are called.

- The output folder (`output_root`): the fixed folder of the first local feed, for the default
  feeds `NEWSCRAWLER_OUTPUT_DIR` (`output/`); output files are named after the run's start
  (`%(time)s`: `20220121T113100Z`), the same for all batches of a run.
- The run summary: `<run stamp>.summary.json` next to the output files, or where
  `NEWSCRAWLER_SUMMARY_PATH` says.
- The state and the run lock live in the output folder's `.state/`: output and the memory of
  what it holds stay together, so a quick `-O /tmp/x.jsonl` does not mark articles as emitted
  for the real archive. `NEWSCRAWLER_STATE_URL` (or a shared frontier's Redis) puts the state
  elsewhere.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.extensions.feedexport import apply_uri_params
from w3lib.url import file_uri_to_path

from newscrawler.publish.journal import run_journal
from newscrawler.state import spider_scoped
from newscrawler.state.sqlite import sqlite_path

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
STATE_DIR = ".state"
SUMMARY_SUFFIX = ".summary.json"


# --- Feed URIs ----------------------------------------------------------------------------------


def local_feed_path(uri: Any) -> str | None:
    """The file path of a feed URI that is a local file (plain path or file://), else None."""
    uri = str(uri)
    scheme = urlsplit(uri).scheme
    if scheme == "file":
        return file_uri_to_path(uri)
    if scheme == "" or PureWindowsPath(uri).drive:
        return uri
    return None


def fixed_folder(path_template: str) -> Path:
    """The folder of a feed path before its first placeholder: `out/%(name)s/x.jsonl` -> out."""
    prefix = path_template.split("%(", 1)[0]
    folder = Path(prefix) if prefix.endswith(("/", "\\")) or not prefix else Path(prefix).parent
    return folder.absolute()


def output_root(settings: BaseSettings) -> Path:
    """Where a run's output lives: the fixed folder of the first local feed (for the default
    feeds `NEWSCRAWLER_OUTPUT_DIR`), else `NEWSCRAWLER_OUTPUT_DIR`."""
    for uri in settings.getdict("FEEDS"):
        path = local_feed_path(uri)
        if path is not None:
            return fixed_folder(path)
    return Path(settings.get("NEWSCRAWLER_OUTPUT_DIR") or "output").absolute()


def warn_about_unrecorded_feeds(feeds: dict[str, Any]) -> None:
    """Only local files are published through the journal: what goes anywhere else (stdout,
    S3, FTP) is never recorded as emitted."""
    for uri in feeds:
        if local_feed_path(uri) is None:
            logger.warning(
                "Feed %s is not a local file: the articles written to it are not recorded"
                " in the state, so the next incremental run emits them again (write to a"
                " local file and copy it, or use -a incremental=0 on purpose)",
                uri,
            )


# --- Names from the run's start -----------------------------------------------------------------


def run_stamp(crawler: Crawler | None) -> str:
    """The run's start as a compact UTC stamp (`20220121T113100Z`), the same for all its files."""
    started: datetime | None = None
    if crawler is not None:
        journal = run_journal(crawler)
        started = journal.started_at if journal is not None else None
        started = started or crawler.stats.get_value("start_time")
    return (started or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(STAMP_FORMAT)


def uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """`%(time)s` in feed URIs as a compact UTC stamp (`20220121T113100Z`) that sorts by time
    and needs no escaping in shells or crontabs; the run's start, so all batches of a run
    share it (`%(batch_id)04d` tells them apart)."""
    params["time"] = run_stamp(getattr(spider, "crawler", None))
    return params


def summary_path(settings: BaseSettings, spider: str, stamp: str) -> Path:
    """The run summary: `NEWSCRAWLER_SUMMARY_PATH` filled in, else `<stamp>.summary.json` in
    the folder of the first local feed's first batch, else in `<output root>/<spider>/`."""
    template = settings.get("NEWSCRAWLER_SUMMARY_PATH")
    if template:
        return Path(str(template) % {"name": spider, "time": stamp}).absolute()
    return feed_folder(settings, spider, stamp) / f"{stamp}{SUMMARY_SUFFIX}"


def feed_folder(settings: BaseSettings, spider: str, stamp: str) -> Path:
    """The folder of the first local feed's first batch, else `<output root>/<spider>/`."""
    params = {"name": spider, "time": stamp, "batch_id": 1, "batch_time": stamp}
    for uri in settings.getdict("FEEDS"):
        path = local_feed_path(uri)
        if path is not None:
            try:
                return Path(apply_uri_params(path, params)).absolute().parent
            except (KeyError, ValueError, TypeError):  # placeholders we cannot fill
                return fixed_folder(path)
    return output_root(settings) / spider


# --- The state and the run lock, next to the output ---------------------------------------------


def state_url(settings: BaseSettings, spider_name: str) -> str:
    """`NEWSCRAWLER_STATE_URL`; with a shared frontier (`NEWSCRAWLER_FRONTIER_URL`) its
    Redis, as the workers must share what they emitted; else a SQLite file per spider in the
    output's `.state/`. A Redis URL gets the spider's name (`?spider=`)."""
    configured = settings.get("NEWSCRAWLER_STATE_URL") or settings.get("NEWSCRAWLER_FRONTIER_URL")
    if configured:
        return spider_scoped(str(configured), spider_name)
    return f"sqlite://{output_root(settings) / STATE_DIR / spider_name}.sqlite"


def run_lock_path(url: str, settings: BaseSettings, spider_name: str) -> Path:
    """The run lock file: next to a SQLite state, else in the output's `.state/`.

    With a shared (Redis) state the lock guards one output folder on one machine (its file
    names and its journal of files); runs of the spider into other folders, or on other
    machines, may overlap: their claims keep them from emitting an article twice."""
    if urlsplit(url).scheme == "sqlite":
        db = sqlite_path(url)
        return db.with_name(db.name + ".lock")
    return output_root(settings) / STATE_DIR / f"{spider_name}.lock"
