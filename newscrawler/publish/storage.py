"""The Scrapy feed storage for local files: written through the run's journal, published
atomically (`FEED_STORAGES` maps plain paths and `file://` to it)."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from newscrawler.publish.files import rename_into_place, sync_file, temp_path_for
from newscrawler.publish.journal import PendingFile, PublicationJournal, run_journal
from newscrawler.publish.layout import local_feed_path
from newscrawler.publish.readback import read_item_urls
from newscrawler.publish.warc import seal_warc_beside

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)


class AtomicFileFeedStorage:
    """Scrapy feed storage for local files (plain paths and `file://`), published atomically.

    `-O` (overwrite) replaces the published file in one rename. `-o` (append) copies the
    published file into the temporary one first and appends to that, so appending is atomic
    too (at the cost of rewriting the file every run: prefer one file per run, the default).

    With a journal (the crawl's, from the state extension, or one given) the file is recorded,
    sealed with the articles it holds and committed (`newscrawler.publish.journal`); without
    one it is still published atomically. With `NEWSCRAWLER_WARC`, the WARC file beside it
    (`newscrawler.publish.warc`) is sealed just before it and published with it.
    """

    def __init__(
        self,
        uri: str,
        *,
        feed_options: dict[str, Any] | None = None,
        crawler: Crawler | None = None,
        journal: PublicationJournal | None = None,
    ):
        feed_options = feed_options or {}
        path = local_feed_path(uri)
        if path is None:
            raise ValueError(f"not a local file: {uri}")
        self.path = Path(path).absolute()
        self.overwrite = bool(feed_options.get("overwrite", False))
        self.feed_format = str(feed_options.get("format", ""))
        self.crawler = crawler
        self.journal = journal
        self.file: PendingFile | None = None
        self.appended_from = 0  # where this run's lines start (after the copied ones)

    @classmethod
    def from_crawler(
        cls, crawler: Crawler, uri: str, *, feed_options: dict[str, Any] | None = None
    ) -> Self:
        return cls(uri, feed_options=feed_options, crawler=crawler)

    def open(self, spider: Spider) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # The crawl's journal exists once the extensions are built, after Scrapy first
        # builds a storage (to check that it can).
        if self.journal is None and self.crawler is not None:
            self.journal = run_journal(self.crawler)
        if self.journal is not None:
            self.file = self.journal.begin(self.path)
        else:
            self.file = PendingFile(temp_path_for(self.path), self.path)
        file = self.file.temp.open("xb")
        if not self.overwrite and self.path.exists():
            with self.path.open("rb") as published:
                shutil.copyfileobj(published, file)
            self.appended_from = file.tell()
        return file

    def store(self, file: IO[bytes]) -> None:
        assert self.file is not None, "store() before open()"
        sync_file(file)
        file.close()
        # A WARC file beside this one is sealed first and published with it.
        beside = seal_warc_beside(self.crawler, self.path)
        if self.journal is None:
            for pending in [*beside, self.file]:
                rename_into_place(pending.temp, pending.final)
            return
        self.journal.seal(self.file, self.items_in)
        self.journal.publish(*beside, self.file)

    def items_in(self, path: Path) -> set[str]:
        """The URLs of the items this run wrote to `path` (the journal's `Contents`)."""
        urls = read_item_urls(path, self.feed_format, self.appended_from)
        if urls is None:
            logger.warning(
                "Articles in %s feeds are not recorded in the state: use jsonlines or json",
                self.feed_format,
            )
        return urls or set()
