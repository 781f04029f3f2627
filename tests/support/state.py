"""What the state-store tests share: instants, a fresh store of either backend and the
emission of a test article."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from newscrawler.state import Emission, StateStore
from newscrawler.state.redis import RedisState
from newscrawler.state.sqlite import SqliteState

if TYPE_CHECKING:
    from tests.support.scale import RedisServer

T1, T2, T3 = "2022-01-21T10:00:00+00:00", "2022-01-21T11:00:00+00:00", "2022-01-21T12:00:00+00:00"


def emission(
    url: str,
    *,
    fingerprint: str = "f1",
    kind: str = "new",
    extra_keys: tuple[str, ...] = (),
    modified: str | None = None,
) -> Emission:
    """An article fetched at T1, about to be emitted under `url` (and `extra_keys`)."""
    return Emission(
        keys=(url, *extra_keys),
        item_url=url,
        kind=kind,
        fingerprint=fingerprint,
        date_published="2022-01-21T09:00:00+01:00",
        date_modified=modified,
        crawled_at=T1,
    )


def fresh_store(backend: str, folder: Path, redis_server: RedisServer | None = None) -> StateStore:
    """An empty state of the spider `shz`: a SQLite file in `folder` (backend "sqlite"), or the
    redis-server's, emptied first (backend "redis")."""
    if backend == "sqlite":
        return SqliteState(f"sqlite://{folder}/state/shz.sqlite")
    assert redis_server is not None, "the Redis backend needs a redis-server"
    redis_server.client().flushall()
    return RedisState(f"{redis_server.url()}?spider=shz")
