"""The publication journal: a run's record, in its state store, of the files it publishes.

Every file goes through three steps, each recorded before the next one begins:

1. `begin`: the file is recorded under its temporary and its published name before a byte of
   it is written;
2. `seal`: the file is complete and on disk; the articles it holds, read back from the file
   itself (`newscrawler.publish.readback`), are attached to it;
3. `publish`: the file is renamed to its published name, durably, and only then are its
   articles committed as emitted.

A run killed between any two steps leaves a journal that the next run finishes (`recover`):
a sealed file is renamed and committed, an unsealed one deleted. Every article therefore ends
up in exactly one published file, and counts as emitted only once a published file holds it
(see `newscrawler.state.base` for the store's side).

A batch may consist of several files of different kinds (the JSON lines, and a later archive
format beside them): `begin` each, seal first the files that record no articles
(`seal(file)`), then the one whose articles count (`seal(file, contents)`), and `publish` them
together. A run killed before that last seal publishes no article: its other files are
published by the recovery, and the articles come again, with new files, in the next run.

`publication_progress` is sent at each step (`written`, `sealed`, `renamed`), for extensions
that follow publications.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from newscrawler.dates import utc_iso
from newscrawler.publish.files import rename_into_place, temp_path_for

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.signalmanager import SignalManager
    from scrapy.statscollectors import StatsCollector

    from newscrawler.state.base import Publication, StateStore

logger = logging.getLogger(__name__)

publication_progress = object()
"""Signal: a file reached a step of its publication. Arguments: `step` ("written": complete
on disk, about to be sealed; "sealed"; "renamed": published, its articles not yet
committed) and `file` (a `PendingFile`)."""

Contents = Callable[[Path], Collection[str]]
"""Reads back the item URLs a written file holds."""


@dataclass(frozen=True)
class PendingFile:
    """A file being written: its temporary name, its published name, its journal entry."""

    temp: Path
    final: Path
    publication: int | None = None
    """Its entry in the journal; None for a file published without a journal."""


class PublicationJournal:
    """One run's journal of the files it publishes, over its state store.

    `records_articles` False (`-a incremental=0`): files are still journaled (and recovered)
    but sealed with no articles, so nothing counts as emitted.
    """

    def __init__(
        self,
        store: StateStore,
        owner: str,
        *,
        started_at: datetime,
        records_articles: bool = True,
        stats: StatsCollector | None = None,
        signals: SignalManager | None = None,
    ):
        self.store = store
        self.owner = owner
        self.started_at = started_at
        """The run's start: the stamp in the names of its files (`layout.run_stamp`)."""
        self.records_articles = records_articles
        self.stats = stats
        self.signals = signals
        self.published: list[str] = []
        """Files this run published, in order."""
        self.recovered: list[str] = []
        """Files of earlier runs that were killed: completed by this run's recovery, or
        published by them before they died (no summary of theirs lists them)."""
        self.committed: Counter[str] = Counter()
        """Articles this run committed, by kind ("new", "updated")."""

    def _stat(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"incremental/{key}", count)

    def _progress(self, step: str, file: PendingFile) -> None:
        if self.signals is not None:
            self.signals.send_catch_log(signal=publication_progress, step=step, file=file)

    # --- The three steps ----------------------------------------------------------------------

    def begin(self, final: Path) -> PendingFile:
        """Record a file to be published as `final`; write it to the returned `temp`."""
        temp = temp_path_for(final)
        publication = self.store.begin_publication(self.owner, str(temp), str(final))
        return PendingFile(temp, final, publication)

    def seal(self, file: PendingFile, contents: Contents | None = None) -> None:
        """The file is complete and on disk: attach to it the claims of the articles
        `contents` reads back from it (none without `contents`)."""
        assert file.publication is not None, "seal() of a file begun without the journal"
        self._progress("written", file)
        urls = contents(file.temp) if self.records_articles and contents is not None else ()
        self.store.seal_publication(file.publication, urls)
        self._progress("sealed", file)

    def publish(self, *files: PendingFile) -> None:
        """Rename the sealed files to their published names, then commit their articles."""
        for file in files:
            rename_into_place(file.temp, file.final)
            self._progress("renamed", file)
        for file in files:
            assert file.publication is not None
            self._commit_versions(file.publication)
            counts = self.store.finish_publication(file.publication, utc_iso(_now()))
            self.published.append(str(file.final))
            self.committed.update(counts)
            self._stat("committed", sum(counts.values()))

    def _commit_versions(self, publication: int) -> None:
        """The versions of the published articles, before the articles themselves: a run
        killed in between has its publication completed, and the versions committed again
        (the same records), by the next run."""
        self._stat("new_versions", self.store.commit_versions(publication))

    # --- Recovery -----------------------------------------------------------------------------

    def recover(self) -> None:
        """Finish the publications of runs that died: publish and commit the sealed ones,
        delete the unsealed ones; take over the files they could not report, and release
        their other claims."""
        for publication in self.store.orphaned_publications(self.owner):
            self._recover(publication)
        # Files of dead runs (completed just now, or published before they died): this run
        # reports them.
        self.recovered = self.store.take_unreported_files(self.owner)
        released = self.store.release_orphaned_claims(self.owner)
        if released:
            logger.info("Released %d unpublished claims of earlier runs", released)
            self._stat("recovered_claims_released", released)

    def _recover(self, publication: Publication) -> None:
        temp, final = Path(publication.temp_path), Path(publication.final_path)
        if not publication.sealed:
            temp.unlink(missing_ok=True)
            self.store.abandon_publication(publication.id)
            logger.warning("Deleted %s, left unfinished by an earlier run", temp)
            self._stat("recovered_files_deleted")
        elif temp.exists() or final.exists():
            self._complete(publication, temp, final)
        else:
            # Sealed, then its file vanished before the rename (deleted by a cleaner): its
            # articles are in no file, so they are not emitted; the next run gets them.
            self.store.abandon_publication(publication.id)
            logger.warning(
                "%s, completed by an earlier run that died, is gone before it was"
                " published: its articles count as not emitted",
                temp,
            )
            self._stat("recovered_files_lost")

    def _complete(self, publication: Publication, temp: Path, final: Path) -> None:
        if temp.exists():
            rename_into_place(temp, final)
        self._commit_versions(publication.id)
        committed = sum(self.store.finish_publication(publication.id, utc_iso(_now())).values())
        logger.warning(
            "Completed the publication of %s, interrupted in an earlier run"
            " (%d articles committed)",
            final,
            committed,
        )
        self._stat("recovered_files_published")
        self._stat("recovered_articles_committed", committed)


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- The run's journal, for the components that publish ---------------------------------------

_RUN_JOURNALS: WeakKeyDictionary[Crawler, PublicationJournal] = WeakKeyDictionary()


def use_journal(crawler: Crawler, journal: PublicationJournal) -> None:
    """Make `journal` the one the crawl's feed storages publish through."""
    _RUN_JOURNALS[crawler] = journal


def run_journal(crawler: Crawler) -> PublicationJournal | None:
    """The crawl's journal; None without one (no state extension, or not yet opened)."""
    return _RUN_JOURNALS.get(crawler)
