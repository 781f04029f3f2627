"""What newscrawler may touch in a Redis: its keys, all under one prefix, and the commands it
runs there (the ACL a crawler's Redis user needs).

- Every key is `redis_key(prefix, area, ...)`: `<prefix>:<area>:...`, e.g.
  `newscrawler:state:shz:articles`, `newscrawler:frontier:noz:requests`. The prefix is the
  setting `NEWSCRAWLER_REDIS_PREFIX` (default `newscrawler`), so deployments sharing one Redis
  keep apart, and an ACL user limited to `~<prefix>:*` can do everything the crawlers do. A
  feature that stores something new in Redis takes an area of its own and builds its keys
  with `redis_key`.
- `REDIS_COMMANDS` are the commands the state and the shared frontier run, directly and
  inside their Lua scripts (Redis checks both against the user's ACL). `acl_rules(prefix)` is
  the ACL of a crawler user (`python -m newscrawler redis-acl` prints it; README "Security").

No redis-py here: settings and the command line use this module without the `redis` extra.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

PREFIX_SETTING = "NEWSCRAWLER_REDIS_PREFIX"
DEFAULT_PREFIX = "newscrawler"

_PREFIX = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
"""Letters, digits and `_.-`. No `:`, so that no deployment's keys fall under another's ACL
(`~news:*` would cover a prefix `news:b`), no glob characters (`*?[]`: they would widen an ACL's
`~<prefix>:*`), no `%` (scrapy-redis fills `%(spider)s` into its keys), no spaces."""

AREAS = ("state", "frontier", "syndication", "probe")
"""The areas under the prefix: the state's (one per spider), the shared frontier's, the
syndication index (shared by every spider: copies across sites) and the scratch keys of the
permission check at start (README "Security" lists the first three). A new feature adds its
own here."""

STATE_COMMANDS = frozenset({
    "ping", "get", "set", "del", "exists", "incr",
    "hget", "hset", "hdel", "hmget", "hgetall", "hexists", "hlen",
    "sadd", "srem", "smembers",
    "multi", "exec", "evalsha", "script|load", "client|setname",
    # versions and run history (newscrawler.versions, newscrawler.monitoring)
    "expire", "zadd", "zrangebylex", "rpush", "ltrim", "lrange",
})  # fmt: skip
"""Commands of the Redis state (`newscrawler.state.redis`, its scripts and its leases)."""

FRONTIER_COMMANDS = frozenset({
    # scrapy-redis's scheduler (its priority queue) and dupefilter
    "ping", "zadd", "zcard", "zrange", "zremrangebyrank", "multi", "exec", "sadd", "del",
    # our worker registry (`newscrawler.extensions.frontier`): scripts, leases, a counter
    "evalsha", "script|load", "client|setname", "get", "set", "incrby", "exists", "type",
    "smembers", "srem", "llen",
})  # fmt: skip
"""Commands of the shared frontier (`newscrawler.frontier`)."""

REDIS_COMMANDS = STATE_COMMANDS | FRONTIER_COMMANDS


class BadPrefix(ValueError):
    """A `NEWSCRAWLER_REDIS_PREFIX` that cannot name keys safely."""


def check_prefix(prefix: str) -> str:
    """`prefix` if it is a valid key prefix, else `BadPrefix` saying why."""
    if not _PREFIX.fullmatch(prefix):
        raise BadPrefix(
            f"{PREFIX_SETTING} {prefix!r} is not a key prefix: use up to 64 letters, digits,"
            " _ . and - (no :, spaces, %, * or ?)"
        )
    return prefix


def redis_prefix(settings: BaseSettings) -> str:
    """The deployment's key prefix (`NEWSCRAWLER_REDIS_PREFIX`), checked."""
    return check_prefix(str(settings.get(PREFIX_SETTING) or DEFAULT_PREFIX))


def redis_key(prefix: str, area: str, *parts: str) -> str:
    """The key `<prefix>:<area>:<part>:...`: the one way newscrawler names a Redis key."""
    if area not in AREAS:
        raise ValueError(f"unknown Redis key area {area!r}: add it to redis_access.AREAS")
    return ":".join((prefix, area, *parts))


def acl_rules(prefix: str) -> list[str]:
    """The ACL rules of a crawler's Redis user: the project's keys, its commands, nothing
    else (no other keys, no channels, no FLUSHALL, CONFIG, KEYS or ACL)."""
    commands = (f"+{command}" for command in sorted(REDIS_COMMANDS))
    return ["resetkeys", f"~{check_prefix(prefix)}:*", "resetchannels", "-@all", *commands]


def acl_setuser(user: str, prefix: str, password: str = "CHOOSE-A-LONG-RANDOM-PASSWORD") -> str:
    """The `ACL SETUSER` line creating the crawlers' user (for redis-cli or an ACL file's
    `user ...` line without the `ACL SETUSER`)."""
    return " ".join(["ACL", "SETUSER", user, "on", f">{password}", *acl_rules(prefix)])
