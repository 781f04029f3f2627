"""Feed export helpers: how output files are named, and how they are published.

Output files appear atomically. A feed is written to a hidden temporary file in the folder of
its published name (`.<name>.<token>.part`), flushed and synced to disk, and renamed to its
name when the feed closes (at the end of the run, or of each batch); the folder is synced too.
A consumer that lists `*.jsonl` therefore sees only complete files with complete lines.

The state extension keeps a journal of these files (see `newscrawler.state.base`): the run
records a file before writing it, seals it with the articles it holds before renaming it, and
commits those articles as emitted only after the rename is on disk. After a crash the next run
finishes what the journal says: a sealed file is published and committed, an unsealed one
deleted, so every article ends up in exactly one published line.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import secrets
import shutil
import signal
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from w3lib.url import file_uri_to_path

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

    from newscrawler.extensions.crawl_state import CrawlState

logger = logging.getLogger(__name__)

TEMP_SUFFIX = ".part"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

CRASH_ENV = "NEWSCRAWLER_CRASH_AT"
"""Test hook: `written`, `sealed` or `renamed` kills the process (SIGKILL) at that step of the
first publication, to test recovery from crashes at the worst moments."""


def run_stamp(crawler: Crawler | None) -> str:
    """The run's start as a compact UTC stamp (`20220121T113100Z`), the same for all its files."""
    started: datetime | None = None
    if crawler is not None:
        state = _crawl_state(crawler)
        started = state.started_at if state is not None else None
        started = started or crawler.stats.get_value("start_time")
    return (started or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(STAMP_FORMAT)


def uri_params(params: dict[str, Any], spider: Spider) -> dict[str, Any]:
    """`%(time)s` in feed URIs as a compact UTC stamp (`20220121T113100Z`) that sorts by time
    and needs no escaping in shells or crontabs; the run's start, so all batches of a run
    share it (`%(batch_id)04d` tells them apart)."""
    params["time"] = run_stamp(getattr(spider, "crawler", None))
    return params


# --- Writing files safely -------------------------------------------------------------------


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_for(final: Path) -> Path:
    """A hidden temporary name next to `final` that no `*.jsonl` pattern matches."""
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def publish(temp: Path, final: Path) -> None:
    """Rename a complete temporary file to its published name, durably."""
    os.replace(temp, final)
    fsync_folder(final.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a small file so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(path)
    with temp.open("xb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    publish(temp, path)


def crash_point(step: str) -> None:
    """The test hook (`NEWSCRAWLER_CRASH_AT`): die here as a SIGKILL would."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def read_item_urls(path: Path, feed_format: str, offset: int = 0) -> set[str] | None:
    """The `url` of every item in a feed file (gzip or plain), in JSON lines from byte
    `offset` on (what a run appended); None for formats we cannot read back (only JSON lines
    and JSON are)."""
    if feed_format not in ("jsonlines", "jsonl", "jl", "json"):
        return None
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    items: list[Any] = []
    if gzipped:
        with gzip.open(path, "rb") as file:
            data = file.read()
    else:
        with path.open("rb") as file:
            file.seek(offset)  # (`-o x.json` appends a second array: read this run's)
            data = file.read()
    if feed_format == "json":
        try:
            items = json.loads(data)
        except ValueError as error:
            logger.warning(
                "Could not read back %s as JSON (%s): its articles are not recorded in the"
                " state and come again in the next run",
                path,
                error,
            )
    else:
        for line in data.splitlines():
            with contextlib.suppress(ValueError):
                items.append(json.loads(line))
    return {item["url"] for item in items if isinstance(item, dict) and item.get("url")}


# --- The storage ----------------------------------------------------------------------------


class AtomicFileFeedStorage:
    """Scrapy feed storage for local files (plain paths and `file://`), published atomically.

    `-O` (overwrite) replaces the published file in one rename. `-o` (append) copies the
    published file into the temporary one first and appends to that, so appending is atomic
    too (at the cost of rewriting the file every run: prefer one file per run, the default).
    """

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        crawler: Crawler | None = None,
    ):
        feed_options = feed_options or {}
        self.path = Path(file_uri_to_path(uri) if uri.startswith("file:") else uri).absolute()
        self.overwrite = bool(feed_options.get("overwrite", False))
        self.feed_format = str(feed_options.get("format", ""))
        self.crawler = crawler
        self.temp: Path | None = None
        self.appended_from = 0  # where this run's lines start (after the copied ones)
        self.publication: int | None = None
        self.state: CrawlState | None = None

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.temp = temp_path_for(self.path)
        self.state = _crawl_state(self.crawler) if self.crawler is not None else None
        if self.state is not None:
            self.publication = self.state.begin_publication(self.temp, self.path)
        file = self.temp.open("xb")
        if not self.overwrite and self.path.exists():
            with self.path.open("rb") as published:
                shutil.copyfileobj(published, file)
            self.appended_from = file.tell()
        return file

    def store(self, file: IO[bytes]) -> None:
        assert self.temp is not None, "store() before open()"
        file.flush()
        os.fsync(file.fileno())
        file.close()
        crash_point("written")
        if self.state is not None and self.publication is not None:
            self.state.seal_publication(
                self.publication, self.temp, self.feed_format, self.appended_from
            )
        crash_point("sealed")
        publish(self.temp, self.path)
        crash_point("renamed")
        if self.state is not None and self.publication is not None:
            self.state.finish_publication(self.publication, self.path)


def _crawl_state(crawler: Crawler) -> CrawlState | None:
    """The run's state extension, if enabled (and once extensions exist)."""
    from newscrawler.extensions.crawl_state import CrawlState  # noqa: PLC0415 (import cycle)

    try:
        return crawler.get_extension(CrawlState)
    except RuntimeError:  # extensions not built yet
        return None
