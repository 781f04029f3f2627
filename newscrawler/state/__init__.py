"""Persistent crawl state: which articles a spider has emitted, and the journal of its output.

`open_state(url)` opens a store by URL, so a backend is chosen by configuration alone:

- `sqlite:///abs/path.sqlite` (the default, see `state_url`): one file per spider;
- `redis://host:port/db` (also `rediss://`, `unix://`): one Redis shared by machines and runs
  (`newscrawler.state.redis`); `state_url` adds the spider's name (`?spider=shz`).

Where a spider's state and run lock live by default (next to its output) is the output
layout's business: `newscrawler.publish.layout.state_url` and `run_lock_path`.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from scrapy.utils.misc import load_object

from newscrawler.redis_access import DEFAULT_PREFIX
from newscrawler.state.base import (
    ArticleRecord,
    Emission,
    Publication,
    RevisitCandidate,
    RunLocked,
    StateError,
    StateLost,
    StateStore,
    VersionRecord,
    new_owner_id,
)
from newscrawler.state.lock import RunLock, acquire_run_lock

__all__ = [
    "ArticleRecord",
    "Emission",
    "Publication",
    "RevisitCandidate",
    "RunLock",
    "RunLocked",
    "StateError",
    "StateLost",
    "StateStore",
    "VersionRecord",
    "acquire_run_lock",
    "new_owner_id",
    "open_state",
    "public_url",
    "spider_scoped",
    "with_key_prefix",
]

BACKENDS = {
    "sqlite": "newscrawler.state.sqlite.SqliteState",
    "redis": "newscrawler.state.redis.RedisState",
    "rediss": "newscrawler.state.redis.RedisState",
    "unix": "newscrawler.state.redis.RedisState",
}
"""State backends by URL scheme: classes taking the URL as their only argument."""


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


def with_key_prefix(url: str, prefix: str) -> str:
    """A URL of a server shared by deployments (not a sqlite file) with the deployment's key
    prefix (`NEWSCRAWLER_REDIS_PREFIX`) as its `prefix` parameter, unless the prefix is the
    default or the URL names one."""
    parts = urlsplit(url)
    named = "prefix" in dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite" or prefix == DEFAULT_PREFIX or named:
        return url
    base = url.split("#", 1)[0]
    return f"{base}{'&' if parts.query else '?'}prefix={prefix}"
