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

import glob
import json
import logging
import re
from datetime import datetime, timezone
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.extensions.feedexport import apply_uri_params
from w3lib.url import file_uri_to_path

from newscrawler.options import OptionError
from newscrawler.publish.journal import run_journal
from newscrawler.state import BACKENDS, StateError, public_url, spider_scoped
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
    """The run lock file: in the output's `.state/`, whatever the state.

    The lock guards one output folder (its file names and its journal of files). Runs of the
    spider into other folders may overlap, sharing one state (a SQLite file or a Redis): their
    fetch leases split the work and their claims keep them from emitting an article twice."""
    return output_root(settings) / STATE_DIR / f"{spider_name}.lock"


def check_state_location(settings: BaseSettings) -> None:
    """`OptionError` for a `NEWSCRAWLER_STATE_URL` that would quietly start an empty state (so
    that the run emits every article again): an unknown backend, a relative SQLite path, a
    SQLite file in a folder that does not exist. The message repeats what was given (its
    password masked). The default location, `<output>/.state/`, is created when missing."""
    given = str(settings.get("NEWSCRAWLER_STATE_URL") or "").strip()
    if not given:
        return
    shown = public_url(given)
    scheme = urlsplit(given).scheme
    if scheme not in BACKENDS:
        known = ", ".join(f"{name}://" for name in BACKENDS)
        raise OptionError(
            f"NEWSCRAWLER_STATE_URL {shown!r} names an unknown state backend (known: {known})"
        )
    if scheme != "sqlite":
        return
    try:
        path = sqlite_path(given)
    except StateError as error:
        raise OptionError(f"NEWSCRAWLER_STATE_URL {shown!r}: {error}") from None
    if not path.parent.is_dir():
        problem = "is not a folder" if path.parent.exists() else "does not exist"
        raise OptionError(
            f"NEWSCRAWLER_STATE_URL {shown!r}: {path.parent} {problem} (a state in a new"
            " place would emit every article again: create the folder first, or correct the"
            " path)"
        )


# --- What earlier runs left here ----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*[a-z]")


def output_pattern(settings: BaseSettings, spider: str) -> str | None:
    """A glob pattern of the spider's output files (those of the first local feed, every run
    and batch), or None without a local feed."""
    for uri in settings.getdict("FEEDS"):
        path = local_feed_path(uri)
        if path is not None:
            named = _PLACEHOLDER.sub(lambda m: spider if m.group(1) == "name" else "*", path)
            return str(Path(named).absolute())
    return None


def earlier_output(settings: BaseSettings, spider: str) -> list[Path]:
    """The published output files of earlier runs of the spider (hidden ones excluded)."""
    pattern = output_pattern(settings, spider)
    if pattern is None:
        return []
    found = (Path(name) for name in glob.glob(pattern))
    return sorted(path for path in found if path.is_file() and not path.name.startswith("."))


def last_summary(settings: BaseSettings, spider: str) -> tuple[Path, dict[str, Any]] | None:
    """The newest summary an earlier run of the spider left where this run writes its own."""
    pattern = str(summary_path(settings, spider, "*"))
    for name in sorted(glob.glob(pattern), reverse=True):  # stamps sort by time
        try:
            summary = json.loads(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(summary, dict) and summary.get("spider") == spider:
            return Path(name), summary
    return None
