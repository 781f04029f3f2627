"""Persistent crawl state: which articles a spider has emitted, and the journal of its output.

`open_state(url)` opens a store by URL, so a backend is chosen by configuration alone:

- `sqlite:///abs/path.sqlite` (the default, see `state_url`): one file per spider;
- `redis://host:port/db` (also `rediss://`, `unix://`): one Redis shared by machines and runs
  (`newscrawler.state.redis`); `state_url` adds the spider's name (`?spider=shz`).

`state_url(settings, spider)` and `run_lock_path(...)` tell where a spider's state and run lock
live; the `crawl` command and the state extension both use them.
"""

from __future__ import annotations

from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from scrapy.utils.misc import load_object
from w3lib.url import file_uri_to_path

from newscrawler.state.base import (
    ArticleRecord,
    Emission,
    Publication,
    RunLocked,
    StateError,
    StateLost,
    StateStore,
)
from newscrawler.state.lock import RunLock, acquire_run_lock
from newscrawler.state.sqlite import sqlite_path

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

__all__ = [
    "ArticleRecord",
    "Emission",
    "Publication",
    "RunLock",
    "RunLocked",
    "StateError",
    "StateLost",
    "StateStore",
    "acquire_run_lock",
    "open_state",
    "output_root",
    "public_url",
    "run_lock_path",
    "state_url",
]

BACKENDS = {
    "sqlite": "newscrawler.state.sqlite.SqliteState",
    "redis": "newscrawler.state.redis.RedisState",
    "rediss": "newscrawler.state.redis.RedisState",
    "unix": "newscrawler.state.redis.RedisState",
}
"""State backends by URL scheme: classes taking the URL as their only argument."""

STATE_DIR = ".state"


def open_state(url: str) -> StateStore:
    """The state store a URL names; `StateError` when it cannot be opened."""
    scheme = urlsplit(url).scheme
    if scheme not in BACKENDS:
        known = ", ".join(f"{name}://" for name in BACKENDS)
        raise StateError(f"unknown state backend in {public_url(url)!r} (known: {known})")
    try:
        backend = load_object(BACKENDS[scheme])
    except ImportError as error:  # an optional dependency (redis-py: the `redis` extra)
        raise StateError(
            f"the {scheme}:// state needs {error.name}: pip install 'newscrawler[redis]'"
        ) from error
    store: StateStore = backend(url)
    return store


def public_url(url: str) -> str:
    """A state URL fit for logs and summaries: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{parts.netloc.rsplit('@', 1)[1]}"))


def spider_scoped(url: str, spider_name: str) -> str:
    """A URL of a server shared by spiders (not a sqlite file) with the spider's name as its
    `spider` parameter, unless it names one: the backend keeps each spider's state apart."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite" or "spider" in dict(parse_qsl(parts.query)):
        return url
    # (text, not urlunsplit: that turns unix:///path into unix:/path)
    base = url.split("#", 1)[0]
    return f"{base}{'&' if parts.query else '?'}spider={spider_name}"


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
    feeds `NEWSCRAWLER_OUTPUT_DIR`), else `NEWSCRAWLER_OUTPUT_DIR`.

    The state lives in its `.state/`: output and the memory of what it holds stay together,
    so a quick `-O /tmp/x.jsonl` does not mark articles as emitted for the real archive."""
    for uri in settings.getdict("FEEDS"):
        path = local_feed_path(uri)
        if path is not None:
            return fixed_folder(path)
    return Path(settings.get("NEWSCRAWLER_OUTPUT_DIR") or "output").absolute()


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
