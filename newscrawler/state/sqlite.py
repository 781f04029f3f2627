"""The default state store: one SQLite file per spider (stdlib sqlite3, WAL, short transactions).

Several runs may use the file at once (runs into different output folders: the run lock
guards a folder, not the state). A run is alive while its row in `live_runs` is renewed (a
thread of its own, every third of `RUN_LEASE_SECONDS`) and its process exists: the claims and
publications of any other run are orphans. Fetch leases and the memory of pages that are no
articles are tables of their own (`newscrawler.state.fetch_once`).

Durability follows the protocol of `newscrawler.state.base`: the per-article writes (claims,
check times) are not synced one by one (`synchronous=NORMAL`: a commit survives a killed
process, not necessarily a power cut), while the transactions around an output file
(begin, seal, finish) are synced to disk before they return. The write-ahead log is
sequential, so syncing a seal also makes every claim before it durable: a sealed publication
and its claims are on disk before the file is renamed.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from newscrawler import syndication
from newscrawler.state.base import (
    ArticleRecord,
    Emission,
    Publication,
    RevisitCandidate,
    StateError,
    StateStore,
    VersionRecord,
    version_from_json,
    version_json,
)
from newscrawler.state.fetch_once import (
    CLAIMED,
    LEASED,
    RUN_LEASE_SECONDS,
    owner_process_may_live,
)
from newscrawler.syndication import Copy, CopyMatch, Signature

SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    date_published TEXT,
    date_modified TEXT,
    first_emitted TEXT NOT NULL,
    last_emitted TEXT NOT NULL,
    last_checked TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS publications (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    temp_path TEXT NOT NULL,
    final_path TEXT NOT NULL,
    sealed INTEGER NOT NULL DEFAULT 0,
    published INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    item_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    date_published TEXT,
    date_modified TEXT,
    crawled_at TEXT NOT NULL,
    publication INTEGER
);
CREATE INDEX IF NOT EXISTS claims_by_owner ON claims (owner, item_url);
CREATE INDEX IF NOT EXISTS claims_by_publication ON claims (publication);
CREATE TABLE IF NOT EXISTS runs (
    owner TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE TABLE IF NOT EXISTS article_versions (
    key TEXT PRIMARY KEY,
    first_seen TEXT NOT NULL,
    record TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_versions_by_first_seen ON article_versions (first_seen);
CREATE TABLE IF NOT EXISTS staged_versions (
    owner TEXT NOT NULL,
    item_url TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (owner, item_url)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_history (
    id INTEGER PRIMARY KEY,
    record TEXT NOT NULL
);
"""

FETCH_ONCE_SCHEMA = """
CREATE TABLE IF NOT EXISTS live_runs (owner TEXT PRIMARY KEY, expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS fetch_leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS fetch_leases_by_owner ON fetch_leases (owner);
CREATE TABLE IF NOT EXISTS recoveries (publication INTEGER PRIMARY KEY, holder TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS non_articles (
    key TEXT PRIMARY KEY,
    until REAL NOT NULL,
    reason TEXT NOT NULL
) WITHOUT ROWID;
"""
"""Tables of the fetch-once protocol (`newscrawler.state.fetch_once`), added beside the others."""

INDEX_FILE = "syndication-index.sqlite"
"""The syndication index: one file beside the state files, shared by every spider whose state
lives in that folder (by default all of them, so copies are found across sites), each insert
one short transaction (SQLite's file lock serialises spiders running at once)."""

INDEX_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS copies (
    id INTEGER PRIMARY KEY,
    cluster INTEGER NOT NULL,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    seen TEXT NOT NULL,
    shingles INTEGER NOT NULL,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS bands (
    bucket INTEGER NOT NULL,
    id INTEGER NOT NULL,
    PRIMARY KEY (bucket, id)
) WITHOUT ROWID;
"""
_COPY_COLUMNS = "id, cluster, url, site, seen, shingles, signature"

_RECORD_COLUMNS = (
    "key, fingerprint, date_published, date_modified, first_emitted, last_emitted, last_checked"
)


_F = TypeVar("_F", bound=Callable[..., Any])


def _as_state_error(method: _F) -> _F:
    """SQLite failures (disk full, locked, corrupt) surface as `StateError`."""

    @wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as error:
            raise StateError(f"state database error: {error}") from error

    return wrapper  # type: ignore[return-value]


def sqlite_path(url: str) -> Path:
    """`sqlite:///abs/path.sqlite` to a file path. A relative path (`sqlite://x.sqlite`, two
    slashes) is refused: it would be a new state in whatever folder the run starts in."""
    if not url.startswith("sqlite://"):
        raise StateError(f"not a sqlite state URL: {url!r}")
    path = url[len("sqlite://") :]
    if not path or path.endswith("/"):
        raise StateError(f"state URL names no file: {url!r}")
    if not Path(path).is_absolute():
        raise StateError(
            "a SQLite state needs an absolute path after three slashes, as in"
            f" sqlite://{Path(path).absolute()}"
        )
    return Path(path)


class SqliteState(StateStore):
    """The state of one spider in one SQLite file."""

    def __init__(self, url: str):
        self.url = url
        self.path = sqlite_path(url)
        self._index: sqlite3.Connection | None = None
        self._host = socket.gethostname()
        self._heartbeat: _Heartbeat | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StateError(
                    f"{self.path} was written by a newer newscrawler (schema {version})"
                )
            with self._transaction() as db:
                for statement in (SCHEMA + FETCH_ONCE_SCHEMA).split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as error:
            raise StateError(f"cannot open the state {self.path}: {error}") from error

    @contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction; `durable` ones are synced to disk when they commit."""
        if durable:
            self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        finally:
            if durable:
                self._db.execute("PRAGMA synchronous=NORMAL")

    # --- Articles ---------------------------------------------------------------------------

    @_as_state_error
    def lookup(self, keys: Iterable[str]) -> dict[str, ArticleRecord]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT {_RECORD_COLUMNS} FROM articles WHERE key IN ({marks})", wanted
        )
        return {row[0]: ArticleRecord(*row) for row in rows}

    @_as_state_error
    def note_unchanged(self, keys: Iterable[str], record: ArticleRecord, checked_at: str) -> None:
        with self._transaction() as db:
            for key in dict.fromkeys(keys):
                db.execute(
                    f"INSERT INTO articles ({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET last_checked = excluded.last_checked",
                    (key, record.fingerprint, record.date_published, record.date_modified,
                     record.first_emitted, record.last_emitted, checked_at),
                )  # fmt: skip

    # --- Claims -----------------------------------------------------------------------------

    @_as_state_error
    def claim(self, owner: str, emission: Emission) -> bool:
        keys = list(dict.fromkeys(emission.keys))
        marks = ",".join("?" * len(keys))
        with self._transaction() as db:
            held = db.execute(
                f"SELECT key, owner, publication FROM claims WHERE key IN ({marks})", keys
            ).fetchall()
            # An unsealed claim of a run that died is free (as in the Redis state).
            if any(publication is not None or self._alive(holder) for _, holder, publication
                   in held):  # fmt: skip
                return False
            db.executemany("DELETE FROM claims WHERE key = ?", [(key,) for key, _, _ in held])
            db.executemany(
                "INSERT INTO claims (key, owner, item_url, kind, fingerprint, date_published,"
                " date_modified, crawled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (key, owner, emission.item_url, emission.kind, emission.fingerprint,
                     emission.date_published, emission.date_modified, emission.crawled_at)
                    for key in keys
                ],
            )  # fmt: skip
        return True

    @_as_state_error
    def _release(self, condition: str, owner: str) -> int:
        with self._transaction() as db:
            items = db.execute(
                f"SELECT COUNT(DISTINCT item_url) FROM claims WHERE publication IS NULL"
                f" AND {condition}",
                (owner,),
            ).fetchone()[0]
            db.execute(f"DELETE FROM claims WHERE publication IS NULL AND {condition}", (owner,))
        return int(items)

    def release_claims(self, owner: str) -> int:
        return self._release("owner = ?", owner)

    @_as_state_error
    def release_orphaned_claims(self, owner: str) -> int:
        claimants = self._db.execute(
            "SELECT DISTINCT owner FROM claims WHERE publication IS NULL AND owner != ?",
            (owner,),
        ).fetchall()
        return sum(self._release("owner = ?", o) for (o,) in claimants if not self._alive(o))

    # --- Publications -----------------------------------------------------------------------

    @_as_state_error
    def begin_publication(self, owner: str, temp_path: str, final_path: str) -> int:
        with self._transaction(durable=True) as db:
            cursor = db.execute(
                "INSERT INTO publications (owner, temp_path, final_path) VALUES (?, ?, ?)",
                (owner, temp_path, final_path),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    @_as_state_error
    def seal_publication(self, publication_id: int, item_urls: Collection[str]) -> int:
        with self._transaction(durable=True) as db:
            (owner,) = db.execute(
                "SELECT owner FROM publications WHERE id = ?", (publication_id,)
            ).fetchone()
            db.executemany(
                "UPDATE claims SET publication = ?"
                " WHERE owner = ? AND item_url = ? AND publication IS NULL",
                [(publication_id, owner, url) for url in set(item_urls)],
            )
            db.execute("UPDATE publications SET sealed = 1 WHERE id = ?", (publication_id,))
            attached = db.execute(
                "SELECT COUNT(DISTINCT item_url) FROM claims WHERE publication = ?",
                (publication_id,),
            ).fetchone()[0]
        return int(attached)

    @_as_state_error
    def finish_publication(self, publication_id: int, emitted_at: str) -> dict[str, int]:
        with self._transaction(durable=True) as db:
            claims = db.execute(
                "SELECT key, item_url, kind, fingerprint, date_published, date_modified,"
                " crawled_at FROM claims WHERE publication = ?",
                (publication_id,),
            ).fetchall()
            db.executemany(
                f"INSERT INTO articles ({_RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET fingerprint = excluded.fingerprint,"
                " date_published = excluded.date_published,"
                " date_modified = excluded.date_modified,"
                " last_emitted = excluded.last_emitted, last_checked = excluded.last_checked",
                [
                    (key, fingerprint, published, modified, emitted_at, emitted_at, crawled_at)
                    for key, _, _, fingerprint, published, modified, crawled_at in claims
                ],
            )
            db.execute("DELETE FROM claims WHERE publication = ?", (publication_id,))
            db.execute("UPDATE publications SET published = 1 WHERE id = ?", (publication_id,))
        kinds: dict[str, set[str]] = {}
        for _, item_url, kind, *_rest in claims:
            kinds.setdefault(kind, set()).add(item_url)
        return {kind: len(urls) for kind, urls in kinds.items()}

    @_as_state_error
    def abandon_publication(self, publication_id: int) -> None:
        with self._transaction(durable=True) as db:
            db.execute(
                "UPDATE claims SET publication = NULL WHERE publication = ?", (publication_id,)
            )
            db.execute("DELETE FROM publications WHERE id = ?", (publication_id,))

    @_as_state_error
    def orphaned_publications(self, owner: str) -> list[Publication]:
        rows = self._db.execute(
            "SELECT id, owner, temp_path, final_path, sealed FROM publications"
            " WHERE owner != ? AND published = 0 ORDER BY id",
            (owner,),
        ).fetchall()
        # Taken over atomically: two runs recovering at once never both complete one file.
        return [Publication(id, own, temp, final, bool(sealed))
                for id, own, temp, final, sealed in rows
                if not self._alive(own) and self._take_over(id, own, owner)]  # fmt: skip

    @_as_state_error
    def _take_over(self, publication_id: int, holder: str, owner: str) -> bool:
        """`owner` becomes the one recovering the publication unless a live run already is."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT holder FROM recoveries WHERE publication = ?", (publication_id,)
            ).fetchone()
            if row is not None and row[0] != owner and self._alive(row[0]):
                return False
            db.execute(
                "INSERT OR REPLACE INTO recoveries (publication, holder) VALUES (?, ?)",
                (publication_id, owner),
            )
        return True

    @_as_state_error
    def take_unreported_files(self, owner: str) -> list[str]:
        with self._transaction() as db:
            rows = [
                (id, path)
                for id, path, holder in db.execute(
                    "SELECT id, final_path, owner FROM publications"
                    " WHERE owner != ? AND published = 1 ORDER BY id",
                    (owner,),
                ).fetchall()
                if not self._alive(holder)  # a live run reports its files itself
            ]
            db.executemany(
                "UPDATE publications SET owner = ? WHERE id = ?", [(owner, id) for id, _ in rows]
            )
        return list(dict.fromkeys(path for _, path in rows))

    # --- Fetch once across runs -------------------------------------------------------------

    def _alive(self, owner: str) -> bool:
        """A run is alive while its row is renewed and, on this machine, its process exists."""
        if self._heartbeat is not None and owner == self._heartbeat.owner:
            return True
        row = self._db.execute("SELECT expires FROM live_runs WHERE owner = ?", (owner,))
        found = row.fetchone()
        return (
            found is not None
            and found[0] > time.time()
            and owner_process_may_live(owner, self._host)
        )

    @_as_state_error
    def lease_fetch(self, owner: str, key: str) -> str | None:
        with self._transaction() as db:
            row = db.execute("SELECT owner FROM fetch_leases WHERE key = ?", (key,)).fetchone()
            if row is not None and row[0] != owner and self._alive(row[0]):
                return LEASED
            claim = db.execute(
                "SELECT owner, publication FROM claims WHERE key = ?", (key,)
            ).fetchone()
            if claim is not None and (
                claim[1] is not None or (claim[0] != owner and self._alive(claim[0]))
            ):
                return CLAIMED
            db.execute(
                "INSERT OR REPLACE INTO fetch_leases (key, owner) VALUES (?, ?)", (key, owner)
            )
        return None

    @_as_state_error
    def release_fetch(self, owner: str, keys: Iterable[str]) -> None:
        with self._transaction() as db:
            db.executemany(
                "DELETE FROM fetch_leases WHERE key = ? AND owner = ?",
                [(key, owner) for key in dict.fromkeys(keys)],
            )

    @_as_state_error
    def release_fetch_leases(self, owner: str) -> int:
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM fetch_leases WHERE owner = ?", (owner,))
        return cursor.rowcount

    @_as_state_error
    def remember_non_article(self, key: str, until: float, reason: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO non_articles (key, until, reason) VALUES (?, ?, ?)",
                (key, until, reason),
            )

    @_as_state_error
    def non_articles(self, keys: Iterable[str], now: float) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT key, reason FROM non_articles WHERE key IN ({marks}) AND until > ?",
            [*wanted, now],
        )
        return dict(rows.fetchall())

    # --- Runs -------------------------------------------------------------------------------

    @_as_state_error
    def last_run_started(self) -> str | None:
        (started,) = self._db.execute("SELECT MAX(started_at) FROM runs").fetchone()
        return str(started) if started else None

    @_as_state_error
    def begin_run(self, owner: str, started_at: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO runs (owner, started_at) VALUES (?, ?)", (owner, started_at))
            # Housekeeping: rows of runs long expired (killed), their leases, forgotten pages.
            now = time.time()
            db.execute("DELETE FROM live_runs WHERE expires < ?", (now - RUN_LEASE_SECONDS,))
            db.execute(
                "INSERT OR REPLACE INTO live_runs (owner, expires) VALUES (?, ?)",
                (owner, now + RUN_LEASE_SECONDS),
            )
            db.execute("DELETE FROM fetch_leases WHERE owner NOT IN (SELECT owner FROM live_runs)")
            db.execute("DELETE FROM non_articles WHERE until < ?", (now,))
        if self._heartbeat is None:
            self._heartbeat = _Heartbeat(self.path, owner)
            self._heartbeat.start()

    @_as_state_error
    def end_run(self, owner: str) -> None:
        ended = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._transaction() as db:
            db.execute("UPDATE runs SET ended_at = ? WHERE owner = ?", (ended, owner))
            db.execute("DELETE FROM publications WHERE owner = ? AND published = 1", (owner,))
            db.execute("DELETE FROM fetch_leases WHERE owner = ?", (owner,))
            db.execute("DELETE FROM live_runs WHERE owner = ?", (owner,))
            # What no open publication needs, of this run or of a run no longer alive (runs into
            # other output folders may share this state and be staging versions right now).
            db.execute(
                "DELETE FROM staged_versions WHERE owner NOT IN"
                " (SELECT owner FROM publications WHERE published = 0) AND (owner = ? OR owner"
                " NOT IN (SELECT owner FROM live_runs WHERE expires > ?))",
                (owner, time.time()),
            )
        if self._heartbeat is not None and self._heartbeat.owner == owner:
            self._stop_heartbeat()

    def _stop_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()
            self._heartbeat = None

    # --- Versions and revisits ---------------------------------------------------------------

    @_as_state_error
    def version_records(self, keys: Iterable[str]) -> dict[str, VersionRecord]:
        wanted = list(dict.fromkeys(keys))
        marks = ",".join("?" * len(wanted))
        rows = self._db.execute(
            f"SELECT key, record FROM article_versions WHERE key IN ({marks})", wanted
        )
        return {key: version_from_json(record) for key, record in rows}

    @_as_state_error
    def stage_version(self, owner: str, item_url: str, record: VersionRecord) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO staged_versions (owner, item_url, record) VALUES (?, ?, ?)",
                (owner, item_url, version_json(record)),
            )

    @_as_state_error
    def commit_versions(self, publication_id: int) -> int:
        with self._transaction(durable=True) as db:
            rows = db.execute(
                "SELECT claims.key, staged.item_url, staged.record FROM claims"
                " JOIN publications ON publications.id = claims.publication"
                " JOIN staged_versions AS staged ON staged.owner = publications.owner"
                " AND staged.item_url = claims.item_url WHERE claims.publication = ?",
                (publication_id,),
            ).fetchall()
            records = {url: version_from_json(record) for _, url, record in rows}
            db.executemany(
                "INSERT OR REPLACE INTO article_versions (key, first_seen, record)"
                " VALUES (?, ?, ?)",
                [(key, records[url].first_seen, record) for key, url, record in rows],
            )
            (owner,) = db.execute(
                "SELECT owner FROM publications WHERE id = ?", (publication_id,)
            ).fetchone() or (None,)
            db.executemany(
                "DELETE FROM staged_versions WHERE owner = ? AND item_url = ?",
                [(owner, url) for url in records],
            )
        return sum(1 for record in records.values() if record.version > 1)

    @_as_state_error
    def update_validators(
        self, keys: Iterable[str], etag: str | None, modified: str | None
    ) -> None:
        known = self.version_records(keys)
        with self._transaction() as db:
            for key, record in known.items():
                updated = replace(record, etag=etag, last_modified=modified)
                db.execute(
                    "UPDATE article_versions SET record = ? WHERE key = ?",
                    (version_json(updated), key),
                )

    @_as_state_error
    def revisit_candidates(self, first_seen_since: str) -> list[RevisitCandidate]:
        rows = self._db.execute(
            "SELECT v.key, v.record, a.last_checked FROM article_versions AS v"
            " LEFT JOIN articles AS a ON a.key = v.key WHERE v.first_seen >= ?"
            " ORDER BY v.first_seen",
            (first_seen_since,),
        )
        return [RevisitCandidate(key, version_from_json(record), checked)
                for key, record, checked in rows]  # fmt: skip

    # --- Run history ----------------------------------------------------------------------------

    @_as_state_error
    def record_run(self, entry: dict[str, Any], keep: int) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO run_history (record) VALUES (?)", (json.dumps(entry),))
            db.execute(
                "DELETE FROM run_history WHERE id NOT IN"
                " (SELECT id FROM run_history ORDER BY id DESC LIMIT ?)",
                (keep,),
            )

    @_as_state_error
    def run_history(self, limit: int) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT record FROM run_history ORDER BY id DESC LIMIT ?", (limit,))
        return [json.loads(record) for (record,) in rows]

    # --- Copies across sites ------------------------------------------------------------------

    def _index_db(self) -> sqlite3.Connection:
        """The syndication index's connection, opened on first use (a new scheme of signatures
        starts the index afresh: old signatures cannot be compared with new ones)."""
        if self._index is None:
            # (used by the syndication middleware's thread, closed by the crawl's)
            index = sqlite3.connect(
                self.path.with_name(INDEX_FILE),
                timeout=30,
                isolation_level=None,
                check_same_thread=False,
            )
            index.execute("PRAGMA journal_mode=WAL")
            index.execute("PRAGMA synchronous=NORMAL")
            index.executescript(INDEX_SCHEMA)
            row = index.execute("SELECT value FROM meta WHERE key = 'scheme'").fetchone()
            if row is None or row[0] != syndication.SCHEME:
                index.execute("BEGIN IMMEDIATE")
                index.execute("DELETE FROM copies")
                index.execute("DELETE FROM bands")
                index.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('scheme', ?)", (syndication.SCHEME,)
                )
                index.execute("COMMIT")
            self._index = index
        return self._index

    @staticmethod
    def _copy(row: tuple[Any, ...]) -> Copy:
        id, cluster, url, site, seen, shingles, hashes = row
        return Copy(id, url, site, seen, Signature(hashes, shingles), cluster)

    @_as_state_error
    def record_copy(self, copy: Copy, threshold: float) -> CopyMatch | None:
        index = self._index_db()
        buckets = syndication.band_keys(copy.signature)
        index.execute("BEGIN IMMEDIATE")
        try:
            stored = self._place(index, copy, buckets, threshold)
            first = self._copy_by_id(index, stored.cluster) if stored.cluster != copy.id else None
            index.execute("COMMIT")
        except BaseException:
            index.execute("ROLLBACK")
            raise
        return syndication.compare(copy, first) if first is not None else None

    def _place(
        self, index: sqlite3.Connection, copy: Copy, buckets: list[int], threshold: float
    ) -> Copy:
        known = self._copy_by_id(index, copy.id)
        if known is not None:
            return known
        marks = ",".join("?" * len(buckets))
        rows = index.execute(
            f"SELECT {_COPY_COLUMNS} FROM copies WHERE id IN"
            f" (SELECT DISTINCT id FROM bands WHERE bucket IN ({marks}))",
            buckets,
        )
        stored = syndication.place(copy, None, map(self._copy, rows), threshold)
        index.execute(
            f"INSERT INTO copies ({_COPY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (stored.id, stored.cluster, stored.url, stored.site, stored.seen,
             stored.signature.shingles, stored.signature.hashes),
        )  # fmt: skip
        index.executemany(
            "INSERT OR IGNORE INTO bands (bucket, id) VALUES (?, ?)",
            [(bucket, stored.id) for bucket in buckets],
        )
        return stored

    def _copy_by_id(self, index: sqlite3.Connection, id: int) -> Copy | None:
        row = index.execute(f"SELECT {_COPY_COLUMNS} FROM copies WHERE id = ?", (id,)).fetchone()
        return self._copy(row) if row is not None else None

    def close(self) -> None:
        if self._heartbeat is not None:  # closed without end_run: the run is gone
            owner = self._heartbeat.owner
            self._stop_heartbeat()
            with self._transaction() as db:
                db.execute("DELETE FROM live_runs WHERE owner = ?", (owner,))
        if self._index is not None:
            self._index.close()
        self._db.close()


class _Heartbeat:
    """Renews a run's row in `live_runs` from a thread with a connection of its own, so a busy
    reactor never makes a live run look dead to the runs sharing the file."""

    def __init__(self, path: Path, owner: str, every: float = RUN_LEASE_SECONDS / 3):
        self.owner = owner
        self.every = every
        self._path = path
        self._stopped = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"newscrawler-run-{owner}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=self.every * 2)

    def _run(self) -> None:
        db = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        try:
            while not self._stopped.wait(self.every):
                try:
                    db.execute(
                        "UPDATE live_runs SET expires = ? WHERE owner = ?",
                        (time.time() + RUN_LEASE_SECONDS, self.owner),
                    )
                except sqlite3.Error:  # busy for long: the next beat tries again
                    continue
        finally:
            db.close()
