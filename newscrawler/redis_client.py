"""Redis as the state and the shared frontier use it: one way to connect, one kind of lease.

redis-py is an optional dependency (the `redis` extra): this module is imported only where a
Redis URL is configured.

- Connections (`client_options`, `connect`) have short socket timeouts and one immediate retry,
  for a pooled connection the server closed while idle: a server that is gone fails the call
  at once (redis-py's default retries for seconds, blocking the crawl's reactor).
- A URL without a password (`redis://newscrawler@host:6379/0`) gets the one in the environment
  variable `NEWSCRAWLER_REDIS_PASSWORD`: URLs can then go on command lines, into crontabs and
  Scrapyd's job settings, which `ps` and Scrapyd's log show, while the password does not.
- A `Lease` is a key that exists while its holder lives. The holder creates it (with the TTL,
  in the same atomic step that registers it: a state run's `begin_run`, a frontier worker's
  join); the lease renews it (every third of its TTL unless told otherwise) from a thread of
  its own, so a busy reactor never makes a live holder look dead. A holder that dies stops
  renewing, and the key expires. A lease found gone, or not renewed for `grace` seconds
  (default: its TTL; Redis unreachable), is lost: the holder learns it once, and must stop
  acting on what it held.
- `require_permissions` checks, before a run starts, that the Redis user may run the commands
  a component needs on the project's keys (`newscrawler.redis_access`): a user short of one
  fails at once, naming what its ACL lacks, not in the middle of a crawl.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Collection
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.connection import AbstractConnection
from redis.exceptions import NoPermissionError
from redis.retry import Retry

from newscrawler.redis_access import redis_key

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 3.0
"""Seconds a Redis call (or connecting) may take before it fails."""


# redis-py tells the server its name and version on connecting (CLIENT SETINFO, Redis 7.2+).
# The crawlers' ACL does not allow it (it cannot: Redis 7.0 rejects the rule), and each refusal
# would fill the server's ACL log; so it is switched off, as this redis-py spells it (older
# versions: lib_name/lib_version, newer ones: driver_info).
_NO_CLIENT_INFO: dict[str, Any] = (
    {"driver_info": None}
    if "driver_info" in inspect.signature(AbstractConnection.__init__).parameters
    else {"lib_name": None, "lib_version": None}
)


PASSWORD_VARIABLE = "NEWSCRAWLER_REDIS_PASSWORD"


def client_options(timeout: float = SOCKET_TIMEOUT) -> dict[str, Any]:
    """redis-py connection options: short timeouts, one immediate retry, no client info, and
    the password of `NEWSCRAWLER_REDIS_PASSWORD` (a password in the URL wins)."""
    options: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 1),
        **_NO_CLIENT_INFO,
    }
    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        options["password"] = password
    return options


def connect(url: str, *, client_name: str) -> redis.Redis:
    """A client (decoded responses) for `url`; its query parameters (`socket_timeout=`...)
    override the defaults. Does not connect yet; `ValueError` for a URL redis-py cannot read."""
    return redis.Redis.from_url(
        url, decode_responses=True, client_name=client_name, **client_options()
    )


# --- Permissions ------------------------------------------------------------------------------


def _transaction(client: redis.Redis, key: str) -> Any:
    pipe = client.pipeline(transaction=True)
    pipe.exists(key)
    return pipe.execute()


_PROBES: dict[str, Callable[[redis.Redis, str], Any]] = {
    "ping": lambda client, key: client.ping(),
    "client|setname": lambda client, key: client.client_setname("newscrawler-probe"),
    "get": lambda client, key: client.get(key),
    "set": lambda client, key: client.set(key, "1", px=60_000),
    "del": lambda client, key: client.delete(key, key + ":h", key + ":s", key + ":z", key + ":l"),
    "exists": lambda client, key: client.exists(key),
    "type": lambda client, key: client.type(key),
    "incr": lambda client, key: client.execute_command("INCR", key),
    "incrby": lambda client, key: client.incr(key),  # (redis-py's incr)
    "hset": lambda client, key: client.hset(key + ":h", "probe", "1"),
    "hget": lambda client, key: client.hget(key + ":h", "probe"),
    "hdel": lambda client, key: client.hdel(key + ":h", "probe"),
    "hmget": lambda client, key: client.hmget(key + ":h", ["probe"]),
    "hgetall": lambda client, key: client.hgetall(key + ":h"),
    "hexists": lambda client, key: client.hexists(key + ":h", "probe"),
    "hlen": lambda client, key: client.hlen(key + ":h"),
    "sadd": lambda client, key: client.sadd(key + ":s", "probe"),
    "srem": lambda client, key: client.srem(key + ":s", "probe"),
    "smembers": lambda client, key: client.smembers(key + ":s"),
    "zadd": lambda client, key: client.zadd(key + ":z", {"probe": 0}),
    "zcard": lambda client, key: client.zcard(key + ":z"),
    "zrange": lambda client, key: client.zrange(key + ":z", 0, 0),
    "zremrangebyrank": lambda client, key: client.zremrangebyrank(key + ":z", 0, 0),
    "llen": lambda client, key: client.llen(key + ":l"),
    # versions and run history (newscrawler.state.redis)
    "expire": lambda client, key: client.expire(key + ":h", 60),
    "zrangebylex": lambda client, key: client.zrangebylex(key + ":z", "-", "+"),
    "rpush": lambda client, key: client.rpush(key + ":l", "probe"),
    "ltrim": lambda client, key: client.ltrim(key + ":l", 0, -1),
    "lrange": lambda client, key: client.lrange(key + ":l", 0, 0),
    "multi": _transaction,
    "exec": _transaction,
    "script|load": lambda client, key: client.script_load("return 1"),
    "evalsha": lambda client, key: client.evalsha(client.script_load("return 1"), 1, key),
}
"""One harmless call of each command newscrawler runs (`newscrawler.redis_access`), on
scratch keys of its own. (Redis's `ACL DRYRUN` would answer without running anything, but
only to an administrator.)"""

_DENIED_COMMAND = re.compile(r"permissions to run the '([^']+)' command")


class MissingPermissions(Exception):
    """The Redis user lacks ACL permissions newscrawler needs (`missing`: ACL rules)."""

    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(
            f"its Redis user lacks the ACL permissions {' '.join(missing)} (see README,"
            " Security: the ACL of the crawlers' user)"
        )


def require_permissions(client: redis.Redis, prefix: str, commands: Collection[str]) -> None:
    """Run each of `commands` once on scratch keys under `prefix`; `MissingPermissions`
    naming every ACL rule (`+hset`, `~newscrawler:*`) the user lacks. Other Redis errors
    (a server gone) propagate."""
    key = redis_key(prefix, "probe", uuid.uuid4().hex)
    missing: set[str] = set()
    for command in sorted(commands):
        try:
            _PROBES[command](client, key)
        except NoPermissionError as error:  # a command denied, else the keys
            denied = _DENIED_COMMAND.search(str(error))
            missing.add(f"+{denied.group(1)}" if denied else f"~{prefix}:*")
    with contextlib.suppress(NoPermissionError):  # (a user without DEL leaves them)
        _PROBES["del"](client, key)
    if missing:
        raise MissingPermissions(sorted(missing))


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
