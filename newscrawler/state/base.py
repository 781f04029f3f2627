"""What a state store keeps and the operations every backend offers.

A state store remembers, per spider, which articles were emitted (published in an output file)
and in which version, so that the next run emits only new and changed articles. Its operations
are shaped so that several processes, or machines, can share one store without ever emitting an
article twice, and so that a run killed at any moment loses nothing:

1. Before an article is emitted, the run *claims* all the keys of the article (`claim`). A claim
   is atomic: it succeeds only if no other live claim holds any of the keys. An article another
   run is emitting right now is therefore dropped here, not emitted twice.
2. Before an output file is written, the run records it (`begin_publication`); once the file is
   complete and flushed to disk, the run *seals* it with the articles it holds
   (`seal_publication`); then it renames the file to its published name.
3. Only after the rename is on disk are the sealed claims turned into article records
   (`finish_publication`): the article now counts as emitted.
4. Whatever a run claimed but did not publish is released (`release_claims`); a run that died
   leaves publications and claims behind, which the next run resolves
   (`orphaned_publications`, `release_orphaned_claims`): a sealed publication is completed, an
   unsealed one discarded; files it had published are reported by the next run
   (`take_unreported_files`).

SQLite (one process at a time, under the run lock) implements this with plain transactions; a
backend for several machines (Redis) implements the same operations with atomic commands and
expiring leases, so that the claims of a machine that died free themselves.
"""

from __future__ import annotations

import json
import os
import socket
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from newscrawler.syndication import Copy, CopyMatch


def new_owner_id() -> str:
    """A run's id in the state: host, process and a random part (pids are reused). Backends
    shared by machines read the host and the process from it (`StateStore.owner`)."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


class StateError(Exception):
    """The state store cannot be used (bad URL, unwritable file, newer schema, ...)."""


class StateLost(StateError):
    """A store on a server (Redis) lost its server mid-run, or the run its lease: every later
    call fails; nothing more can be recorded in this run."""


class RunLocked(StateError):
    """Another run of the same spider holds the run lock."""

    def __init__(self, path: str, holder: str):
        super().__init__(f"another run holds the lock {path} ({holder or 'holder unknown'})")
        self.path = path
        self.holder = holder


@dataclass(frozen=True)
class ArticleRecord:
    """What the store knows about one emitted article, under one of its keys."""

    key: str
    """Canonical URL (see `newscrawler.urls.state_key`)."""
    fingerprint: str
    """Fingerprint of the body of the version last emitted."""
    date_published: str | None
    date_modified: str | None
    first_emitted: str
    """When the article was first published in an output file (UTC, ISO 8601)."""
    last_emitted: str
    """When its latest version was published in an output file (UTC, ISO 8601)."""
    last_checked: str
    """When the site last served the version we have (UTC, ISO 8601): the crawl time of the
    last fetch, emitted or found unchanged."""


@dataclass(frozen=True)
class Emission:
    """An article a run is about to emit: what a claim holds until the article is published."""

    keys: tuple[str, ...]
    """Every canonical URL the article is known by (listing URL, fetched URL, canonical URL)."""
    item_url: str
    """The item's `url` field: how the article is found again in a published file."""
    kind: str
    """"new" or "updated"."""
    fingerprint: str
    date_published: str | None
    date_modified: str | None
    crawled_at: str


@dataclass(frozen=True)
class VersionRecord:
    """The version of an article last published, as the revisits compare pages with it
    (`newscrawler.versions`). Stored under every key of the article; committed with the file
    that holds the version (`commit_versions`), so a killed run never counts a version twice."""

    url: str
    """The item's `url`: where a revisit fetches the article again."""
    version: int
    fingerprint: str
    title_digest: str
    authors_digest: str
    date_modified: str | None
    is_paywalled: bool
    etag: str | None
    """The validators the site sent with that version, for conditional requests."""
    last_modified: str | None
    first_seen: str
    """When version 1 was fetched (UTC, ISO 8601): the revisit ages count from here."""


def version_json(record: VersionRecord) -> str:
    return json.dumps(asdict(record), separators=(",", ":"), ensure_ascii=False)


def version_from_json(value: str) -> VersionRecord:
    return VersionRecord(**json.loads(value))


@dataclass(frozen=True)
class RevisitCandidate:
    """An article first seen within the revisit window, and when the site last served it."""

    key: str
    record: VersionRecord
    last_checked: str | None


@dataclass(frozen=True)
class Publication:
    """An output file a run is writing (`sealed` False) or has completed (`sealed` True)."""

    id: int
    owner: str
    temp_path: str
    final_path: str
    sealed: bool


class StateStore(ABC):
    """One spider's memory of emitted articles, and the journal of its output files.

    `owner` is the id of the run calling (host, process and a random part): claims and
    publications belong to it.
    """

    url: str

    # --- Articles ---------------------------------------------------------------------------

    @abstractmethod
    def lookup(self, keys: Iterable[str]) -> dict[str, ArticleRecord]:
        """The records stored under any of `keys`, by key."""

    @abstractmethod
    def note_unchanged(self, keys: Iterable[str], record: ArticleRecord, checked_at: str) -> None:
        """An emitted article was fetched again and found unchanged: remember when, and store
        its version under keys it was not yet known by (so the next run skips those URLs)."""

    # --- Claims -----------------------------------------------------------------------------

    @abstractmethod
    def claim(self, owner: str, emission: Emission) -> bool:
        """Atomically claim every key of `emission` for `owner`; False (and nothing claimed)
        when any key is already claimed, by this run or another one."""

    @abstractmethod
    def release_claims(self, owner: str) -> int:
        """Drop the claims of `owner` that no sealed publication holds; their number."""

    @abstractmethod
    def release_orphaned_claims(self, owner: str) -> int:
        """Drop the unsealed claims of runs that are no longer alive (never those of `owner`)."""

    # --- Publications (the output journal) --------------------------------------------------

    @abstractmethod
    def begin_publication(self, owner: str, temp_path: str, final_path: str) -> int:
        """Record that `owner` starts writing `temp_path`, to be published as `final_path`."""

    @abstractmethod
    def seal_publication(self, publication_id: int, item_urls: Collection[str]) -> int:
        """The temporary file is complete and on disk: attach to the publication the owner's
        unattached claims of the articles it holds (by `item_url`). Durable when it returns.
        Returns the number of articles attached."""

    @abstractmethod
    def finish_publication(self, publication_id: int, emitted_at: str) -> dict[str, int]:
        """The file is published: turn its claims into article records. The publication is
        kept, as published, until its run has reported it (see `take_unreported_files`).
        Returns the number of articles by kind ("new", "updated")."""

    @abstractmethod
    def abandon_publication(self, publication_id: int) -> None:
        """Forget an unsealed publication (its file was never published)."""

    @abstractmethod
    def orphaned_publications(self, owner: str) -> list[Publication]:
        """Publications of runs that are no longer alive (never those of `owner`) whose files
        this machine holds: output files are local, so a store shared by several machines
        keeps each machine's journal apart (e.g. by host in the owner id)."""

    @abstractmethod
    def take_unreported_files(self, owner: str) -> list[str]:
        """Files published by runs that died before reporting them (their summary is
        missing), or completed for them by a recovery: `owner` takes them over, to report
        them when it ends (and if it dies too, the next run takes them again)."""

    # --- Copies across sites (the syndication index) ------------------------------------------

    @abstractmethod
    def record_copy(self, copy: Copy, threshold: float) -> CopyMatch | None:
        """Remember an article's text in the index every spider of this state shares, and
        return its earlier copy: the first of the cluster it joins (`syndication.place`: the
        indexed copy it overlaps most, at least `threshold`), None when it is the first.
        Atomic: two runs recording copies of one story at once never make two clusters. An
        article indexed before (by `copy.id`) keeps the cluster it was given."""

    # --- Fetch once across runs (`newscrawler.state.fetch_once`) ----------------------------

    def lease_fetch(self, owner: str, key: str) -> str | None:
        """Lease the URL `key` for `owner`'s download: None when leased (or already leased by
        `owner`), else why not (`fetch_once.LEASED`, `fetch_once.CLAIMED`). A store that
        cannot be shared by runs at once grants every lease."""
        return None

    def release_fetch(self, owner: str, keys: Iterable[str]) -> None:
        """Release `owner`'s leases of `keys` (their pages' fate is recorded)."""
        return None

    def release_fetch_leases(self, owner: str) -> int:
        """Release every lease of `owner` (the run ends); their number."""
        return 0

    def remember_non_article(self, key: str, until: float, reason: str) -> None:
        """The page at `key` is no article: not to be fetched as a lead before `until` (Unix
        time)."""
        return None

    def non_articles(self, keys: Iterable[str], now: float) -> dict[str, str]:
        """Of `keys`, those remembered as no article until after `now`, with the reason."""
        return {}

    # --- Versions and revisits (newscrawler.versions, newscrawler.revisits) ----------------------

    @abstractmethod
    def version_records(self, keys: Iterable[str]) -> dict[str, VersionRecord]:
        """The committed version records under any of `keys`, by key."""

    @abstractmethod
    def stage_version(self, owner: str, item_url: str, record: VersionRecord) -> None:
        """Hold the version `owner` is about to emit (its article claimed): committed by
        `commit_versions` with the publication that holds the item, else forgotten."""

    @abstractmethod
    def commit_versions(self, publication_id: int) -> int:
        """Store the staged versions of the articles the sealed publication holds, under every
        key of their claims; before `finish_publication` (which drops the claims), and again
        harmlessly when a recovery completes the publication. Returns how many were versions
        after the first."""

    @abstractmethod
    def update_validators(
        self, keys: Iterable[str], etag: str | None, modified: str | None
    ) -> None:
        """The site sent new validators (`ETag`, `Last-Modified`) for an unchanged version."""

    @abstractmethod
    def revisit_candidates(self, first_seen_since: str) -> list[RevisitCandidate]:
        """Articles whose version 1 was fetched at or after `first_seen_since`, one per key."""

    # --- Run history (newscrawler.monitoring) ---------------------------------------------------

    @abstractmethod
    def record_run(self, entry: dict[str, Any], keep: int) -> None:
        """Append a run's figures (JSON-able) to the spider's history, keeping the last `keep`."""

    @abstractmethod
    def run_history(self, limit: int) -> list[dict[str, Any]]:
        """The last `limit` runs' figures, newest first."""

    # --- Runs -------------------------------------------------------------------------------

    def last_run_started(self) -> str | None:
        """When the latest earlier run started (UTC, ISO 8601), None if unknown."""
        return None

    def begin_run(self, owner: str, started_at: str) -> None:
        """A run starts. Backends shared by several machines also start the owner's liveness
        here (a heartbeat), which `orphaned_publications` of other runs relies on."""
        return None

    def end_run(self, owner: str) -> None:
        """A run ends, its files reported (in its summary): forget its publications. Backends
        with leases also stop its heartbeat."""
        return None

    def on_lost(self, callback: Callable[[StateError], None]) -> None:
        """Backends on a server call `callback` once, from the thread of the failing call,
        when the server is lost mid-run (the state extension then stops the run); a local
        file is never lost, so the default does nothing."""
        return None

    def close(self) -> None:
        """Release the connection; the store is not used afterwards."""
        return None
