"""Redis as the state and the shared frontier use it: one way to connect, one kind of lease.

redis-py is an optional dependency (the `redis` extra): this module is imported only where a
Redis URL is configured.

- Connections (`client_options`, `connect`) have short socket timeouts and one immediate retry,
  for a pooled connection the server closed while idle: a server that is gone fails the call
  at once (redis-py's default retries for seconds, blocking the crawl's reactor).
- A `Lease` is a key that exists while its holder lives. The holder creates it (with the TTL,
  in the same atomic step that registers it: a state run's `begin_run`, a frontier worker's
  join); the lease renews it (every third of its TTL unless told otherwise) from a thread of
  its own, so a busy reactor never makes a live holder look dead. A holder that dies stops
  renewing, and the key expires. A lease found gone, or not renewed for `grace` seconds
  (default: its TTL; Redis unreachable), is lost: the holder learns it once, and must stop
  acting on what it held.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 3.0
"""Seconds a Redis call (or connecting) may take before it fails."""


def client_options(timeout: float = SOCKET_TIMEOUT) -> dict[str, Any]:
    """redis-py connection options: short timeouts, one immediate retry."""
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 1),
    }


def connect(url: str, *, client_name: str) -> redis.Redis:
    """A client (decoded responses) for `url`; its query parameters (`socket_timeout=`...)
    override the defaults. Does not connect yet; `ValueError` for a URL redis-py cannot read."""
    return redis.Redis.from_url(
        url, decode_responses=True, client_name=client_name, **client_options()
    )


class Lease:
    """Keeps the key `key` alive (TTL `ttl` seconds) while its holder lives; see the module.

    `describe` names the lease in messages ("the lease of run h:1:a"); `on_lost(message)` is
    called once when the lease is lost, from the lease's thread (or from `hold`'s caller).
    `renew_every` and `grace` default to a third of the TTL and the TTL."""

    def __init__(
        self,
        client: redis.Redis,
        key: str,
        ttl: float,
        *,
        describe: str,
        on_lost: Callable[[str], None],
        value: str = "1",
        renew_every: float | None = None,
        grace: float | None = None,
    ):
        self.key = key
        self.ttl_ms = int(ttl * 1000)
        self.ttl = ttl
        self.interval = renew_every if renew_every is not None else ttl / 3
        self.grace = grace if grace is not None else ttl
        self.describe = describe
        self.value = value
        self.renewals = 0
        """Renewals so far (tests wait on it)."""
        self._on_lost = on_lost
        self._lost = False
        self._write_lock = threading.Lock()
        self._stopped = threading.Event()
        # A connection of its own: redis-py clients are thread-safe, but the holder's calls
        # should not wait behind a renewal.
        pool = client.connection_pool
        self._client = redis.Redis(connection_pool=redis.ConnectionPool(
            connection_class=pool.connection_class, **pool.connection_kwargs))  # fmt: skip
        self._thread = threading.Thread(
            target=self._run, name=f"newscrawler-lease-{key}", daemon=True
        )

    def start(self) -> None:
        """Begin renewing (the holder has created the key)."""
        self._thread.start()

    def hold(self, value: str) -> bool:
        """Give the key a new value now (a frontier worker's busy/idle); False, and the lease
        lost, if the key is gone. Redis errors propagate to the caller."""
        self.value = value
        if not self._write():
            self._lose(f"{self.describe} expired")
            return False
        return True

    def stop(self) -> None:
        """Stop renewing; the holder deletes the key itself (or lets it expire)."""
        self._stopped.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout=self.ttl)
        self._client.close()

    def _write(self) -> bool:
        with self._write_lock:
            return bool(self._client.set(self.key, self.value, xx=True, px=self.ttl_ms))

    def _lose(self, message: str) -> None:
        if not self._lost:
            self._lost = True
            self._on_lost(message)

    def _run(self) -> None:
        try:
            self._renew_until_stopped()
        except Exception as error:  # a bug: without renewals the holder must not go on
            logger.exception("The renewal of %s failed", self.describe)
            self._lose(f"the renewal of {self.describe} failed: {error!r}")

    def _renew_until_stopped(self) -> None:
        renewed = time.monotonic()
        while not self._stopped.wait(self.interval):
            try:
                if not self._write():
                    self._lose(f"{self.describe} expired")
                    return
            except redis.RedisError as error:
                if time.monotonic() - renewed > self.grace:
                    self._lose(f"{self.describe} lapsed ({error})")
                    return
                continue
            renewed = time.monotonic()
            self.renewals += 1
