"""The run's WARC files, published through its journal beside the JSON lines.

With `NEWSCRAWLER_WARC` on, every batch of the first local JSON lines feed
(`<stamp>-0001.jsonl`) gets a WARC file of the same name (`<stamp>-0001.warc.gz`), in the same
folder, holding the pages fetched while that batch was open. A record is written when its page
is fetched, so an item points at a record in its own batch's WARC file or in an earlier one
(an item whose page came in just before its batch began).

Publication (`newscrawler.publish.journal`): a WARC file is begun in the journal when its first
record is written, sealed (with no articles) when the JSON lines file beside it is stored, just
before that file is sealed, and published together with it. A WARC file whose JSON lines file
stays empty (no article of the run was new) is published alone when the feeds are closed. A
killed run therefore leaves sealed WARC files, which the next run publishes, or unsealed ones,
which it deletes; an item only ever points at a record of a WARC file sealed no later than its
own JSON lines file, so no published item points at a missing record.

The records are built, compressed and written by one thread of their own, in order (a page costs
several milliseconds of zlib, which must not block the crawl's event loop); the crawl's thread
keeps the journal and waits for that thread only when a file is sealed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from newscrawler.publish.files import rename_into_place, sync_file, temp_path_for
from newscrawler.publish.journal import PendingFile, PublicationJournal, run_journal
from newscrawler.publish.layout import local_feed_path
from newscrawler.warc.records import Exchange, WarcFileWriter, WrittenRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

WARC_SUFFIX = ".warc.gz"
FEED_SUFFIXES = (".jsonl", ".jl", ".json", ".jsonlines")


def warc_path_beside(feed_path: Path) -> Path:
    """The WARC file beside a JSON lines file: `x-0001.jsonl` -> `x-0001.warc.gz`."""
    name = feed_path.name
    for suffix in FEED_SUFFIXES:
        if name.endswith(suffix):
            return feed_path.with_name(name[: -len(suffix)] + WARC_SUFFIX)
    return feed_path.with_name(name + WARC_SUFFIX)


@dataclass
class OpenWarc:
    """A WARC file being written: its journal entry and, in the writing thread, its writer."""

    pending: PendingFile
    file: IO[bytes] | None = None
    writer: WarcFileWriter | None = None
    records: int = 0

    # --- In the writing thread ----------------------------------------------------------------

    def open(self, info: dict[str, Any], gzip_level: int, append: bool) -> None:
        self.file = self.pending.temp.open("xb")
        if append and self.pending.final.exists():
            # `-o` appends: the records already published keep their offsets
            with self.pending.final.open("rb") as published:
                while chunk := published.read(1 << 20):
                    self.file.write(chunk)
        self.writer = WarcFileWriter(self.file, gzip_level)
        self.writer.write_warcinfo(self.pending.final.name, info)

    def write(self, exchange: Exchange) -> WrittenRecord:
        assert self.writer is not None
        self.records += 1
        return self.writer.write_exchange(exchange)

    def close(self) -> None:
        assert self.file is not None
        sync_file(self.file)
        self.file.close()


@dataclass
class WarcFiles:
    """The run's WARC files (see the module). One per crawl: `use_warc_files`/`run_warc_files`."""

    crawler: Crawler
    info: dict[str, Any]
    """The warcinfo record of every file: crawler, settings, contact."""
    gzip_level: int
    current: OpenWarc | None = None
    _thread: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="warc-writer")
    )

    @property
    def journal(self) -> PublicationJournal | None:
        return run_journal(self.crawler)

    def primary_feed(self) -> tuple[Path, bool] | None:
        """The current batch of the first local feed, and whether it appends (`-o`)."""
        from scrapy.extensions.feedexport import FeedExporter  # noqa: PLC0415 (Scrapy's own)

        exporter = self.crawler.get_extension(FeedExporter)
        for slot in getattr(exporter, "slots", ()):
            path = local_feed_path(slot.uri)
            if path is not None:
                return Path(path).absolute(), not slot.feed_options.get("overwrite", False)
        return None

    # --- Records ------------------------------------------------------------------------------

    async def write(self, exchange: Exchange) -> tuple[Path, WrittenRecord]:
        """Write an exchange to the current file (opened first if needed): where its response
        record is."""
        target = self.current or self._open()
        written = await asyncio.wrap_future(self._thread.submit(target.write, exchange))
        return target.pending.final, written

    def _open(self) -> OpenWarc:
        feed = self.primary_feed()
        if feed is None:
            raise RuntimeError("NEWSCRAWLER_WARC needs a local JSON lines feed to write beside")
        feed_path, append = feed
        final = warc_path_beside(feed_path)
        final.parent.mkdir(parents=True, exist_ok=True)
        journal = self.journal
        pending = journal.begin(final) if journal else PendingFile(temp_path_for(final), final)
        self.current = OpenWarc(pending)
        self._thread.submit(self.current.open, self.info, self.gzip_level, append)
        return self.current

    # --- Publication ------------------------------------------------------------------------

    def seal_beside(self, feed_path: Path) -> list[PendingFile]:
        """The JSON lines file `feed_path` is about to be sealed: seal the WARC file beside it
        (after its last record is on disk) and return it, to be published with it."""
        current = self.current
        if current is None or current.pending.final != warc_path_beside(feed_path):
            return []
        self.current = None
        self._thread.submit(current.close).result()  # the queued records first
        journal = self.journal
        if journal is not None:
            journal.seal(current.pending)
        return [current.pending]

    def publish_alone(self) -> None:
        """The feeds are closed: publish a WARC file no JSON lines file was stored beside."""
        current, self.current = self.current, None
        if current is not None:
            self._thread.submit(current.close).result()
            journal = self.journal
            if journal is None:
                rename_into_place(current.pending.temp, current.pending.final)
            else:
                journal.seal(current.pending)
                journal.publish(current.pending)
            logger.info(
                "Published %s (%d pages, no new article beside it)",
                current.pending.final,
                current.records,
            )
        self._thread.shutdown(wait=True)


def relative_to_folder(path: Path, folder: Path) -> str:
    """`path` as the `warc.file` of an item written into `folder` (POSIX separators)."""
    return os.path.relpath(path, folder).replace(os.sep, "/")


# --- The run's WARC files, for the feed storages -----------------------------------------------

_RUN_WARC_FILES: WeakKeyDictionary[Crawler, WarcFiles] = WeakKeyDictionary()


def use_warc_files(crawler: Crawler, files: WarcFiles) -> None:
    _RUN_WARC_FILES[crawler] = files


def run_warc_files(crawler: Crawler) -> WarcFiles | None:
    """The crawl's WARC files; None when it writes none."""
    return _RUN_WARC_FILES.get(crawler)


def seal_warc_beside(crawler: Crawler | None, feed_path: Path) -> list[PendingFile]:
    """For the feed storage: the sealed WARC files to publish with `feed_path` (none when the
    crawl writes no WARC)."""
    files = run_warc_files(crawler) if crawler is not None else None
    return files.seal_beside(feed_path) if files is not None else []
