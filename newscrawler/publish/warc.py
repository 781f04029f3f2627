"""The run's WARC files, published through its journal beside the JSON lines.

With `NEWSCRAWLER_WARC` on, every batch of the first local JSON lines feed
(`<stamp>-0001.jsonl`) gets a WARC file of the same name (`<stamp>-0001.warc.gz`) in the same
folder. A page's records are appended just before the feed exporter takes its item
(`newscrawler.extensions.warc`), to the WARC file of the feed's current batch: the one the item
goes to. A page that gives no item is appended when it has been extracted.

Publication (`newscrawler.publish.journal`): a WARC file is begun in the journal with its first
record, sealed (with no articles) when the JSON lines file beside it is stored, just before
that file is sealed, and published together with it. A WARC file whose JSON lines file stays
empty (no new article) is published alone when the feeds are closed. A killed run leaves sealed
WARC files, which the next run publishes, or unsealed ones, which it deletes; since an item
only points at the WARC file sealed just before its own JSON lines file, no published item
points at a missing record, and no published WARC file is torn.

Records arrive built and compressed (`newscrawler.warc.records.exchange_records`, run off the
event loop); appending them is a file write, in the crawl's thread like the feeds' own writes.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from newscrawler.publish.files import rename_into_place, sync_file, temp_path_for
from newscrawler.publish.journal import PendingFile, PublicationJournal, run_journal
from newscrawler.publish.layout import local_feed_path
from newscrawler.warc.records import ExchangeRecords, warcinfo_record

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

WARC_SUFFIX = ".warc.gz"
FEED_SUFFIXES = (".jsonl", ".jl", ".jsonlines", ".json")


def warc_path_beside(feed_path: Path) -> Path:
    """The WARC file beside a JSON lines file: `x-0001.jsonl` -> `x-0001.warc.gz`."""
    name = feed_path.name
    for suffix in FEED_SUFFIXES:
        if name.endswith(suffix):
            return feed_path.with_name(name[: -len(suffix)] + WARC_SUFFIX)
    return feed_path.with_name(name + WARC_SUFFIX)


@dataclass
class OpenWarc:
    """A WARC file being written: its journal entry, the open temporary file, its pages."""

    pending: PendingFile
    file: IO[bytes]
    pages: int = 0


class WarcFiles:
    """The run's WARC files (see the module): one per crawl (`use_warc_files`)."""

    def __init__(self, crawler: Crawler, *, info: Callable[[], dict[str, Any]], gzip_level: int):
        self.crawler = crawler
        self.info = info
        """The warcinfo record of every file (crawler, settings, contact), asked for when a
        file is opened: the run's stamp is known by then."""
        self.gzip_level = gzip_level
        self.open_files: dict[Path, OpenWarc] = {}
        """Open WARC files by published path. Usually one; two while a batch's JSON lines file
        waits to be stored (Scrapy closes a batch in a task of its own, which may run after the
        next batch's first item was taken)."""

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

    def append(self, records: ExchangeRecords) -> dict[str, str | int]:
        """Append a page's records to the current batch's file (opened first if needed): the
        item's `warc` pointer to its response record."""
        feed = self.primary_feed()
        if feed is None:
            raise RuntimeError("NEWSCRAWLER_WARC needs a local JSON lines feed to write beside")
        target = self.open_files.get(warc_path_beside(feed[0])) or self._open(*feed)
        offset = target.file.tell()
        target.file.write(records.response)
        target.file.write(records.request)
        target.pages += 1
        return {
            "file": target.pending.final.name,  # beside the JSON lines file
            "offset": offset,
            "length": len(records.response),
            "record_id": records.record_id,
        }

    def _open(self, feed_path: Path, append: bool) -> OpenWarc:
        final = warc_path_beside(feed_path)
        final.parent.mkdir(parents=True, exist_ok=True)
        journal = self.journal
        pending = journal.begin(final) if journal else PendingFile(temp_path_for(final), final)
        file = pending.temp.open("xb")
        if append and final.exists():
            # `-o` appends: the records already published keep their offsets
            with final.open("rb") as published:
                shutil.copyfileobj(published, file)
        file.write(warcinfo_record(final.name, self.info(), self.gzip_level))
        opened = self.open_files[final] = OpenWarc(pending, file)
        return opened

    # --- Publication ------------------------------------------------------------------------

    def seal_beside(self, feed_path: Path) -> list[PendingFile]:
        """The JSON lines file `feed_path` is about to be sealed: seal the WARC file beside it
        and return it, to be published with it."""
        current = self.open_files.pop(warc_path_beside(feed_path), None)
        if current is None:
            return []
        sync_file(current.file)
        current.file.close()
        journal = self.journal
        if journal is not None:
            journal.seal(current.pending)
        return [current.pending]

    def publish_alone(self) -> None:
        """The feeds are closed: publish a WARC file no JSON lines file was stored beside."""
        for current in list(self.open_files.values()):
            self._publish_alone(current)
        self.open_files.clear()

    def _publish_alone(self, current: OpenWarc) -> None:
        sync_file(current.file)
        current.file.close()
        journal = self.journal
        if journal is None:
            rename_into_place(current.pending.temp, current.pending.final)
        else:
            journal.seal(current.pending)
            journal.publish(current.pending)
        logger.info(
            "Published %s (%d pages, no new article beside it)",
            current.pending.final,
            current.pages,
        )


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
