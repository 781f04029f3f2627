"""The state store several machines share: Redis (`redis://host:port/db`), via redis-py.

Same operations and guarantees as the SQLite store (`newscrawler.state.base`), for runs that
overlap: runs on several machines, or several runs on one machine with their own output
folders, crawl the same spider against one Redis and never emit an article twice.

- Every operation that decides something (claim, seal, finish, ...) is one Lua script: atomic
  in Redis, one round trip, no read-then-write race between machines.
- A run is alive while its lease key (`alive:<run>`) exists. `begin_run` sets it with a TTL
  (`?lease=30` seconds) and a `newscrawler.redis_client.Lease` renews it; a run that dies stops
  renewing, so
  its unsealed claims free themselves when the lease expires (another run's claim takes them
  over). On its own machine a run is known dead at once when its process is gone: the next
  run there recovers its files without waiting for the lease. A run whose lease expired while
  it lived (cut off from Redis longer than the TTL) can claim nothing more, and a file holding
  articles another run has meanwhile claimed is not published.
- Claims attached to a sealed publication never expire: the file that holds them exists on
  the machine that wrote it, and only that machine's next run completes the publication.
- Every call is one short round trip on the reactor thread (tens of microseconds against a
  local server, see benchmarks/state_latency.py) with a socket timeout (`?socket_timeout=3`)
  and one immediate retry (for a connection the server closed while idle). When the server
  is gone, the store is *lost*: every later call fails at once with `StateLost`, and the
  `on_lost` callback (the state extension) stops the run.

Durability is Redis's: run it with `appendonly yes` (and `appendfsync always` to make each
seal durable before the file is renamed). A Redis that loses writes makes the next runs emit
some articles again (the state forgot them), never lose one.

Keys, for spider `shz`: `<prefix>:state:shz:<name>`, the prefix being the deployment's
(`NEWSCRAWLER_REDIS_PREFIX`, default `newscrawler`; the crawl puts it in the URL as
`?prefix=`). The store checks when it opens that its Redis user may run every command it needs
on those keys (`newscrawler.redis_access`). Values are JSON and plain strings; nothing read from
Redis is unpickled or evaluated (the Lua scripts are ours, sent by the crawler, and decode
JSON with cjson). Standalone Redis or a Sentinel-managed primary; not Redis Cluster (the
scripts compute some key names).
"""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from pathlib import PurePath
from typing import Any
from urllib.parse import parse_qsl, urlencode

import redis

from newscrawler import syndication
from newscrawler.redis_access import (
    DEFAULT_PREFIX,
    PREFIX_SETTING,
    STATE_COMMANDS,
    BadPrefix,
    check_prefix,
    redis_key,
)
from newscrawler.redis_client import Lease, MissingPermissions, connect, require_permissions
from newscrawler.state import public_url
from newscrawler.state.base import (
    ArticleRecord,
    Emission,
    Publication,
    RevisitCandidate,
    StateError,
    StateLost,
    StateStore,
    VersionRecord,
    version_from_json,
    version_json,
)
from newscrawler.state.fetch_once import owner_process_may_live, run_host
from newscrawler.syndication import Copy, CopyMatch, Signature

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
DEFAULT_LEASE_SECONDS = 30.0
OUR_PARAMETERS = ("spider", "prefix", "key_prefix", "lease")
"""Query parameters of the state URL that are ours, not redis-py's."""


# --- Lua scripts ------------------------------------------------------------------------------
# Values: `claims` maps an article key to its holder, "r:<run>" (an unsealed claim of a run)
# or "p:<publication id>" (sealed in that publication). A run's unsealed claims are the hash
# `run:<run>` (item URL -> emission as JSON); a publication's are `pub:<id>:claims`.

CLAIM = """
-- KEYS: claims, run:<owner>, claimants, alive:<owner>
-- ARGV: owner, alive key prefix, item_url, emission json, key...
if redis.call('EXISTS', KEYS[4]) == 0 then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[3]) == 1 then return 0 end
local me = 'r:' .. ARGV[1]
for i = 5, #ARGV do
  local holder = redis.call('HGET', KEYS[1], ARGV[i])
  if holder then
    if holder == me or string.sub(holder, 1, 2) ~= 'r:' then return 0 end
    if redis.call('EXISTS', ARGV[2] .. string.sub(holder, 3)) == 1 then return 0 end
    -- the holder's lease expired: its claim is free
  end
end
for i = 5, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], me) end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""

RELEASE = """
-- KEYS: claims, run:<owner>, claimants   ARGV: owner
local me = 'r:' .. ARGV[1]
local entries = redis.call('HGETALL', KEYS[2])
for i = 2, #entries, 2 do
  for _, key in ipairs(cjson.decode(entries[i])['keys']) do
    if redis.call('HGET', KEYS[1], key) == me then redis.call('HDEL', KEYS[1], key) end
  end
end
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return #entries / 2
"""

BEGIN_PUBLICATION = """
-- KEYS: pub_seq, pubs   ARGV: owner, temp_path, final_path, publication key prefix
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', ARGV[4] .. id, 'owner', ARGV[1], 'holder', ARGV[1], 'temp_path', ARGV[2],
           'final_path', ARGV[3], 'sealed', '0', 'published', '0')
redis.call('SADD', KEYS[2], id)
return id
"""

SEAL = """
-- KEYS: claims, run:<owner>, pub:<id>, pub:<id>:claims   ARGV: owner, id, item_url...
-- All or nothing: a claim another run has taken over (this run's lease expired) fails the
-- seal, so the file is not published.
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('no such publication') end
local me = 'r:' .. ARGV[1]
local tag = 'p:' .. ARGV[2]
local found = {}
for i = 3, #ARGV do
  local emission = redis.call('HGET', KEYS[2], ARGV[i])
  if emission then
    local keys = cjson.decode(emission)['keys']
    for _, key in ipairs(keys) do
      if redis.call('HGET', KEYS[1], key) ~= me then return {-1, ARGV[i]} end
    end
    table.insert(found, {ARGV[i], emission, keys})
  end
end
for _, entry in ipairs(found) do
  for _, key in ipairs(entry[3]) do redis.call('HSET', KEYS[1], key, tag) end
  redis.call('HSET', KEYS[4], entry[1], entry[2])
  redis.call('HDEL', KEYS[2], entry[1])
end
redis.call('HSET', KEYS[3], 'sealed', '1')
return {redis.call('HLEN', KEYS[4]), ''}
"""

FINISH = """
-- KEYS: articles, claims, pub:<id>, pub:<id>:claims   ARGV: id, emitted_at
if redis.call('EXISTS', KEYS[3]) == 0 then return redis.error_reply('no such publication') end
if redis.call('HGET', KEYS[3], 'published') == '1' then return '{}' end
local tag = 'p:' .. ARGV[1]
local counts = {}
local entries = redis.call('HGETALL', KEYS[4])
for i = 2, #entries, 2 do
  local e = cjson.decode(entries[i])
  counts[e['kind']] = (counts[e['kind']] or 0) + 1
  for _, key in ipairs(e['keys']) do
    local first = ARGV[2]
    local old = redis.call('HGET', KEYS[1], key)
    if old then first = cjson.decode(old)[4] end
    redis.call('HSET', KEYS[1], key, cjson.encode({e['fingerprint'], e['date_published'],
               e['date_modified'], first, ARGV[2], e['crawled_at']}))
    if redis.call('HGET', KEYS[2], key) == tag then redis.call('HDEL', KEYS[2], key) end
  end
end
redis.call('DEL', KEYS[4])
redis.call('HSET', KEYS[3], 'published', '1')
return cjson.encode(counts)
"""

ABANDON = """
-- KEYS: claims, pub:<id>, pub:<id>:claims, pubs   ARGV: id
local tag = 'p:' .. ARGV[1]
local entries = redis.call('HGETALL', KEYS[3])
for i = 2, #entries, 2 do
  for _, key in ipairs(cjson.decode(entries[i])['keys']) do
    if redis.call('HGET', KEYS[1], key) == tag then redis.call('HDEL', KEYS[1], key) end
  end
end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('SREM', KEYS[4], ARGV[1])
return 1
"""

NOTE_UNCHANGED = """
-- KEYS: articles   ARGV: record json, checked_at, key...
for i = 3, #ARGV do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  local record = cjson.decode(old or ARGV[1])
  record[6] = ARGV[2]
  redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(record))
end
return 1
"""

TAKE_OVER = """
-- KEYS: pub:<id>   ARGV: expected holder, new holder, '1' to become its owner too
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'holder', ARGV[2])
if ARGV[3] == '1' then redis.call('HSET', KEYS[1], 'owner', ARGV[2]) end
return 1
"""

BEGIN_RUN = """
-- KEYS: alive:<owner>, last_run_started   ARGV: started_at, lease milliseconds
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local last = redis.call('GET', KEYS[2])
if not last or last < ARGV[1] then redis.call('SET', KEYS[2], ARGV[1]) end
return 1
"""

COMMIT_VERSIONS = """
-- KEYS: pub:<id>:claims, versions_staged:<owner>, versions, versions_first_seen
-- Each staged version of an article the publication holds goes under every key of its claim;
-- `versions_first_seen` orders keys by first sighting (members `<first_seen>|<key>`).
local entries = redis.call('HGETALL', KEYS[1])
local later = 0
for i = 1, #entries, 2 do
  local record = redis.call('HGET', KEYS[2], entries[i])
  if record then
    local version = cjson.decode(record)
    for _, key in ipairs(cjson.decode(entries[i + 1])['keys']) do
      redis.call('HSET', KEYS[3], key, record)
      redis.call('ZADD', KEYS[4], 0, version['first_seen'] .. '|' .. key)
    end
    redis.call('HDEL', KEYS[2], entries[i])
    if tonumber(version['version']) > 1 then later = later + 1 end
  end
end
return later
"""

STAGED_VERSIONS_TTL = 7 * 24 * 3600
"""Seconds a run's staged versions outlive it (a dead run's sealed file is completed by the next
run on its machine, which needs them; an unsealed one never is)."""


# Fetch once across runs (`newscrawler.state.fetch_once`): `fetching` maps a URL key to the run
# downloading it; a run's leased keys are also the set `leases:<run>` (released together at its
# end, or by the run that finds it dead); `fetchers` lists the runs that may hold leases. A
# lease is alive while its run's lease key `alive:<run>` is.

LEASE_FETCH = """
-- KEYS: fetching, claims, alive:<owner>, leases:<owner>, fetchers
-- ARGV: owner, alive key prefix, key
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local holder = redis.call('HGET', KEYS[1], ARGV[3])
if holder and holder ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. holder) == 1 then
  return 'leased:' .. holder
end
local claim = redis.call('HGET', KEYS[2], ARGV[3])
if claim then
  if string.sub(claim, 1, 2) ~= 'r:' then return 'claimed' end
  local run = string.sub(claim, 3)
  if run ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. run) == 1 then
    return 'claimed:' .. run
  end
end
redis.call('HSET', KEYS[1], ARGV[3], ARGV[1])
redis.call('SADD', KEYS[4], ARGV[3])
redis.call('SADD', KEYS[5], ARGV[1])
return ''
"""

RELEASE_FETCH = """
-- KEYS: fetching, leases:<owner>, fetchers   ARGV: owner, '1' for all its leases, key...
local keys = {}
if ARGV[2] == '1' then keys = redis.call('SMEMBERS', KEYS[2]) else
  for i = 3, #ARGV do keys[#keys + 1] = ARGV[i] end
end
local released = 0
for _, key in ipairs(keys) do
  if redis.call('HGET', KEYS[1], key) == ARGV[1] then
    redis.call('HDEL', KEYS[1], key)
    released = released + 1
  end
  redis.call('SREM', KEYS[2], key)
end
if ARGV[2] == '1' then redis.call('DEL', KEYS[2]); redis.call('SREM', KEYS[3], ARGV[1]) end
return released
"""


# The syndication index, shared by every spider of the Redis (keys `<prefix>:syndication:...`):
# `copies` maps a copy's id (16 hex digits) to its record as JSON; band buckets live in hashes
# sharded by the bucket's top bits (`b:<shard>`, field: the other bits in hex, value: the ids,
# comma separated). Reading and writing are two scripts; the write inserts only if the buckets it
# read are unchanged (compare and set), else the caller reads again.

COPY_READ = """
-- KEYS: copies   ARGV: own id, max candidates, band key prefix, [[shard, field], ...] as JSON
local own = redis.call('HGET', KEYS[1], ARGV[1])
if own then return {own, {}, {}} end
local values, seen, ids = {}, {}, {}
local limit = tonumber(ARGV[2])
for _, band in ipairs(cjson.decode(ARGV[4])) do
  local v = redis.call('HGET', ARGV[3] .. band[1], band[2]) or ''
  values[#values + 1] = v
  for id in string.gmatch(v, '[^,]+') do
    if not seen[id] and #ids < limit then seen[id] = true; ids[#ids + 1] = id end
  end
end
local records = {}
if #ids > 0 then
  local got = redis.call('HMGET', KEYS[1], unpack(ids))
  for i = 1, #ids do
    if got[i] then records[#records + 1] = ids[i]; records[#records + 1] = got[i] end
  end
end
return {'', values, records}
"""

COPY_WRITE = """
-- KEYS: copies   ARGV: id, record json, band key prefix, [[shard, field, value read], ...]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
local bands = cjson.decode(ARGV[4])
for _, band in ipairs(bands) do
  if (redis.call('HGET', ARGV[3] .. band[1], band[2]) or '') ~= band[3] then return 0 end
end
for _, band in ipairs(bands) do
  local v = band[3]
  if v == '' then v = ARGV[1] else v = v .. ',' .. ARGV[1] end
  redis.call('HSET', ARGV[3] .. band[1], band[2], v)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

BAND_SHARD_BITS = 19
"""Band buckets are grouped in 2^19 hashes: about 100 entries each at a million copies, small
enough for Redis's compact hash encoding."""
MAX_CANDIDATES = 1000
"""Candidates compared per copy at most (a bucket shared by very many texts holds boilerplate)."""
COPY_ATTEMPTS = 5


def _hex_id(copy_id: int) -> str:
    return f"{copy_id & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def copy_json(copy: Copy) -> str:
    hashes = base64.b64encode(copy.signature.hashes).decode()
    record = [_hex_id(copy.cluster), copy.url, copy.site, copy.seen, copy.signature.shingles]
    return json.dumps([*record, hashes], separators=(",", ":"), ensure_ascii=False)


def copy_from_json(hex_id: str, value: str) -> Copy:
    cluster, url, site, seen, shingles, hashes = json.loads(value)
    signed = int.from_bytes(bytes.fromhex(hex_id), "big", signed=True)
    cluster_id = int.from_bytes(bytes.fromhex(cluster), "big", signed=True)
    signature = Signature(base64.b64decode(hashes), int(shingles))
    return Copy(signed, url, site, seen, signature, cluster_id)


# --- URLs -------------------------------------------------------------------------------------


def split_state_url(url: str) -> tuple[str, dict[str, str]]:
    """The URL for redis-py (our query parameters removed) and our parameters."""
    base, _, query = url.split("#", 1)[0].partition("?")
    ours: dict[str, str] = {}
    theirs: list[tuple[str, str]] = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in OUR_PARAMETERS:
            ours[name] = value
        else:
            theirs.append((name, value))
    # (text, not urlunsplit: that turns unix:///path into unix:/path)
    return (f"{base}?{urlencode(theirs)}" if theirs else base), ours


_RECORD_FIELDS = ("owner", "holder", "temp_path", "final_path")


def journal_record(row: dict[str, str]) -> bool:
    """Whether a publication read from Redis is one the journal writes: its fields, an
    absolute final path and, next to it, the hidden temporary name the journal gives it
    (`.<name>.<8 hex digits>.part`, `newscrawler.publish.files.temp_path_for`). Recovery
    deletes or renames a publication's temporary file: a record planted in a shared Redis must
    not make it delete or rename any other file."""
    if not all(isinstance(row.get(name), str) for name in _RECORD_FIELDS):
        return False
    temp, final = PurePath(row["temp_path"]), PurePath(row["final_path"])
    return (
        final.is_absolute()
        and ".." not in final.parts
        and temp.parent == final.parent
        and re.fullmatch(rf"\.{re.escape(final.name)}\.[0-9a-f]{{8}}\.part", temp.name) is not None
    )


def record_from_json(key: str, value: str) -> ArticleRecord:
    fingerprint, published, modified, first, last, checked = json.loads(value)
    return ArticleRecord(key, fingerprint, published, modified, first, last, checked)


def emission_json(emission: Emission) -> str:
    return json.dumps(
        {
            "keys": list(dict.fromkeys(emission.keys)),
            "kind": emission.kind,
            "fingerprint": emission.fingerprint,
            "date_published": emission.date_published,
            "date_modified": emission.date_modified,
            "crawled_at": emission.crawled_at,
        },
        separators=(",", ":"),
    )


# --- The store --------------------------------------------------------------------------------


class RedisState(StateStore):
    """One spider's state in a Redis database shared by machines and runs.

    URL: `redis://[[user]:password@]host:port/db?spider=<name>` (`rediss://` for TLS,
    `unix://` for a socket); `state_url` adds `spider=`, the crawl `prefix=`. Optional:
    `lease=` (seconds), and any redis-py connection parameter (`socket_timeout=`, ...).

    A new kind of data takes keys from `_k` (this spider's) or `redis_key(self.redis_prefix,
    area, ...)` (shared by spiders), and adds its commands to `redis_access`."""

    def __init__(self, url: str):
        self.url = url
        self.public_url = public_url(url)
        client_url, ours = split_state_url(url)
        spider = ours.get("spider")
        if not spider:
            raise StateError(f"the Redis state URL names no spider (?spider=): {self.public_url}")
        self.lease = self._lease_seconds(ours.get("lease"))
        self.spider = spider
        self.redis_prefix = self._prefix(ours)
        self.host = socket.gethostname()
        self._lost: StateLost | None = None
        self._lost_reported = False
        self._on_lost: Callable[[StateError], None] | None = None
        self._lease: Lease | None = None
        self._started_owners: set[str] = set()
        self._client = self._open(client_url)
        register = self._client.register_script
        self._lua_claim = register(CLAIM)
        self._lua_release = register(RELEASE)
        self._lua_begin_publication = register(BEGIN_PUBLICATION)
        self._lua_seal = register(SEAL)
        self._lua_finish = register(FINISH)
        self._lua_abandon = register(ABANDON)
        self._lua_note_unchanged = register(NOTE_UNCHANGED)
        self._lua_take_over = register(TAKE_OVER)
        self._lua_begin_run = register(BEGIN_RUN)
        self._lua_copy_read = register(COPY_READ)
        self._lua_copy_write = register(COPY_WRITE)
        self._lua_lease_fetch = register(LEASE_FETCH)
        self._lua_release_fetch = register(RELEASE_FETCH)
        self._lua_commit_versions = register(COMMIT_VERSIONS)

    def _lease_seconds(self, value: str | None) -> float:
        try:
            lease = float(value) if value is not None else DEFAULT_LEASE_SECONDS
        except ValueError:
            raise StateError(f"lease must be a number of seconds in {self.public_url}") from None
        if lease < 1:
            raise StateError(f"lease must be at least 1 second in {self.public_url}")
        return lease

    def _prefix(self, ours: dict[str, str]) -> str:
        if "key_prefix" in ours:  # (it was the state's own prefix: say so, not ignore it)
            raise StateError(
                f"key_prefix= is gone from the state URL: set {PREFIX_SETTING} instead (keys"
                f" <prefix>:state:<spider>:...) in {self.public_url}"
            )
        try:
            return check_prefix(ours.get("prefix") or DEFAULT_PREFIX)
        except BadPrefix as error:
            raise StateError(str(error)) from None

    def _open(self, client_url: str) -> redis.Redis:
        """A client of a server that answers, lets this store's user do what it needs, and
        holds a state of a schema we know."""
        try:
            client = connect(client_url, client_name="newscrawler-state")
        except ValueError as error:
            raise StateError(f"bad Redis state URL: {error}") from error
        try:
            require_permissions(client, self.redis_prefix, STATE_COMMANDS)
            client.set(self._k("schema"), SCHEMA_VERSION, nx=True)
            version = int(client.get(self._k("schema")) or SCHEMA_VERSION)
        except (redis.RedisError, ValueError, MissingPermissions) as error:
            raise StateError(f"cannot use the Redis state {self.public_url}: {error}") from error
        if version > SCHEMA_VERSION:
            raise StateError(
                f"the Redis state {self.public_url} was written by a newer newscrawler"
                f" (schema {version})"
            )
        return client

    def _k(self, *names: str) -> str:
        """The key `<prefix>:state:<spider>:<name>:...` (a trailing "" for a key prefix)."""
        return redis_key(self.redis_prefix, "state", self.spider, *names)

    # --- Failures -----------------------------------------------------------------------------

    def on_lost(self, callback: Callable[[StateError], None]) -> None:
        self._on_lost = callback

    def _call(self, what: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one Redis call; a connection failure loses the store for the rest of the run."""
        if self._lost is not None:
            raise self._report_lost()
        try:
            return function(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self._lose(f"Redis state {self.public_url} unreachable ({what}): {error}")
            # (from None: the message names redis-py's error; its chain of retries would make
            # every report of this one failure three tracebacks long)
            raise self._report_lost() from None
        except redis.RedisError as error:
            raise StateError(f"Redis state error ({what}): {error}") from error

    def _lose(self, message: str) -> None:
        """The store is lost (also called from the lease's thread: the next call on the
        reactor thread reports it)."""
        if self._lost is None:
            self._lost = StateLost(message)

    def _lease_lost(self, message: str) -> None:
        logger.error("State: %s; this run can record nothing more", message)
        self._lose(message)

    def _report_lost(self) -> StateLost:
        """Tell `on_lost` once; a fresh exception to raise (raising the stored one again and
        again would grow its traceback)."""
        assert self._lost is not None
        if not self._lost_reported:
            self._lost_reported = True
            if self._on_lost is not None:
                self._on_lost(self._lost)
        return StateLost(str(self._lost))

    # --- Liveness of runs ---------------------------------------------------------------------

    def _alive(self, owners: Iterable[str]) -> dict[str, bool]:
        """Whether each run is alive: its lease exists and, on this machine, its process."""
        owners = list(dict.fromkeys(owners))
        if not owners:
            return {}
        pipe = self._client.pipeline(transaction=False)
        for owner in owners:
            pipe.exists(self._k("alive", owner))
        leases = self._call("liveness", pipe.execute)
        alive = {}
        for owner, lease in zip(owners, leases, strict=True):
            alive[owner] = bool(lease) and self._process_may_live(owner)
        return alive

    def _process_may_live(self, owner: str) -> bool:
        return owner in self._started_owners or owner_process_may_live(owner, self.host)

    def _forget_dead(self, owners: Iterable[str]) -> None:
        """Drop the leases of runs of this machine known dead, so claims see them dead too."""
        keys = [self._k("alive", owner) for owner in owners]
        if keys:
            self._call("forget dead runs", self._client.delete, *keys)

    # --- Articles -----------------------------------------------------------------------------

    def lookup(self, keys: Iterable[str]) -> dict[str, ArticleRecord]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        values = self._call("lookup", self._client.hmget, self._k("articles"), wanted)
        return {
            key: record_from_json(key, value)
            for key, value in zip(wanted, values, strict=True)
            if value is not None
        }

    def note_unchanged(self, keys: Iterable[str], record: ArticleRecord, checked_at: str) -> None:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return
        template = json.dumps(
            [record.fingerprint, record.date_published, record.date_modified,
             record.first_emitted, record.last_emitted, record.last_checked],
            separators=(",", ":"),
        )  # fmt: skip
        self._call(
            "note unchanged",
            self._lua_note_unchanged,
            keys=[self._k("articles")],
            args=[template, checked_at, *wanted],
        )

    # --- Claims -------------------------------------------------------------------------------

    def claim(self, owner: str, emission: Emission) -> bool:
        keys = list(dict.fromkeys(emission.keys))
        result = self._call(
            "claim",
            self._lua_claim,
            keys=[self._k("claims"), self._k("run", owner), self._k("claimants"),
                  self._k("alive", owner)],
            args=[owner, self._k("alive", ""), emission.item_url, emission_json(emission), *keys],
        )  # fmt: skip
        if result == -1:
            if owner not in self._started_owners:
                raise StateError(f"run {owner} claims before begin_run")
            self._lose(f"the lease of run {owner} expired: it may claim nothing more")
            raise self._report_lost()
        return bool(result)

    def _release_run(self, owner: str) -> int:
        released = self._call(
            "release claims",
            self._lua_release,
            keys=[self._k("claims"), self._k("run", owner), self._k("claimants")],
            args=[owner],
        )
        return int(released)

    def release_claims(self, owner: str) -> int:
        return self._release_run(owner)

    def release_orphaned_claims(self, owner: str) -> int:
        claimants = self._call("claimants", self._client.smembers, self._k("claimants"))
        alive = self._alive(o for o in claimants if o != owner)
        dead = [o for o, live in alive.items() if not live]
        self._forget_dead(o for o in dead if run_host(o) == self.host)
        return sum(self._release_run(o) for o in dead)

    # --- Publications -------------------------------------------------------------------------

    def begin_publication(self, owner: str, temp_path: str, final_path: str) -> int:
        publication = self._call(
            "begin publication",
            self._lua_begin_publication,
            keys=[self._k("pub_seq"), self._k("pubs")],
            args=[owner, temp_path, final_path, self._k("pub", "")],
        )
        return int(publication)

    def seal_publication(self, publication_id: int, item_urls: Collection[str]) -> int:
        pub = self._k("pub", str(publication_id))
        owner = self._call("seal", self._client.hget, pub, "owner")
        if owner is None:
            raise StateError(f"no publication {publication_id} in {self.public_url}")
        attached, lost_url = self._call(
            "seal",
            self._lua_seal,
            keys=[self._k("claims"), self._k("run", owner), pub, pub + ":claims"],
            args=[owner, publication_id, *set(item_urls)],
        )
        if int(attached) < 0:
            raise StateError(
                f"run {owner} lost its claim on {lost_url} to another run (its lease expired):"
                " the file is not published, its articles come again in a later run"
            )
        return int(attached)

    def finish_publication(self, publication_id: int, emitted_at: str) -> dict[str, int]:
        pub = self._k("pub", str(publication_id))
        counts = self._call(
            "finish",
            self._lua_finish,
            keys=[self._k("articles"), self._k("claims"), pub, pub + ":claims"],
            args=[publication_id, emitted_at],
        )
        return {str(kind): int(n) for kind, n in json.loads(counts).items()}

    def abandon_publication(self, publication_id: int) -> None:
        pub = self._k("pub", str(publication_id))
        self._call(
            "abandon",
            self._lua_abandon,
            keys=[self._k("claims"), pub, pub + ":claims", self._k("pubs")],
            args=[publication_id],
        )

    def _publications(self) -> list[tuple[int, dict[str, str]]]:
        ids = sorted(int(i) for i in self._call("publications", self._client.smembers,
                                                  self._k("pubs")))  # fmt: skip
        pipe = self._client.pipeline(transaction=False)
        for publication in ids:
            pipe.hgetall(self._k("pub", str(publication)))
        rows = self._call("publications", pipe.execute)
        found = []
        for publication, row in zip(ids, rows, strict=True):
            if not row:
                continue
            if not journal_record(row):
                logger.warning(
                    "State: publication %s in %s names files the journal never writes (%r,"
                    " %r): not recovered, deleted",
                    publication, self.public_url, row.get("temp_path"), row.get("final_path"),
                )  # fmt: skip
                self.abandon_publication(publication)
                continue
            found.append((publication, row))
        return found

    def _take_over(self, publication_id: int, holder: str, owner: str, *, own: bool) -> bool:
        taken = self._call(
            "take over",
            self._lua_take_over,
            keys=[self._k("pub", str(publication_id))],
            args=[holder, owner, "1" if own else "0"],
        )
        return bool(taken)

    def orphaned_publications(self, owner: str) -> list[Publication]:
        rows = [
            (i, row)
            for i, row in self._publications()
            if row.get("published") != "1"
            and row["holder"] != owner
            and run_host(row["holder"]) == self.host
        ]
        alive = self._alive(row["holder"] for _, row in rows)
        orphans = []
        for publication, row in rows:
            # Taken over atomically: two runs of this machine recovering at once (with their
            # own output folders) never both complete one publication.
            if not alive[row["holder"]] and self._take_over(
                publication, row["holder"], owner, own=False
            ):
                orphans.append(
                    Publication(publication, row["owner"], row["temp_path"],
                                row["final_path"], row.get("sealed") == "1")
                )  # fmt: skip
        return orphans

    def take_unreported_files(self, owner: str) -> list[str]:
        rows = [
            (i, row)
            for i, row in self._publications()
            if row.get("published") == "1"
            and row["owner"] != owner
            and run_host(row["owner"]) == self.host
        ]
        alive = self._alive([row["owner"] for _, row in rows] + [row["holder"] for _, row in rows])
        files = []
        for publication, row in rows:
            holder = row["holder"]
            if alive[row["owner"]] or (holder != owner and alive[holder]):
                continue
            if self._take_over(publication, holder, owner, own=True):
                files.append(row["final_path"])
        return list(dict.fromkeys(files))

    # --- Versions and revisits ---------------------------------------------------------------

    def version_records(self, keys: Iterable[str]) -> dict[str, VersionRecord]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        values = self._call("versions", self._client.hmget, self._k("versions"), wanted)
        return {
            key: version_from_json(value)
            for key, value in zip(wanted, values, strict=True)
            if value is not None
        }

    def stage_version(self, owner: str, item_url: str, record: VersionRecord) -> None:
        staged = self._k("versions_staged", owner)
        pipe = self._client.pipeline(transaction=True)
        pipe.hset(staged, item_url, version_json(record))
        pipe.expire(staged, STAGED_VERSIONS_TTL)
        self._call("stage version", pipe.execute)

    def commit_versions(self, publication_id: int) -> int:
        pub = self._k("pub", str(publication_id))
        owner = self._call("commit versions", self._client.hget, pub, "owner")
        if owner is None:
            return 0
        later = self._call(
            "commit versions",
            self._lua_commit_versions,
            keys=[pub + ":claims", self._k("versions_staged", owner), self._k("versions"),
                  self._k("versions_first_seen")],
        )  # fmt: skip
        return int(later)

    def update_validators(
        self, keys: Iterable[str], etag: str | None, modified: str | None
    ) -> None:
        known = self.version_records(keys)
        if known:
            updated = {
                key: version_json(replace(record, etag=etag, last_modified=modified))
                for key, record in known.items()
            }
            self._call("validators", self._client.hset, self._k("versions"), mapping=updated)

    def revisit_candidates(self, first_seen_since: str) -> list[RevisitCandidate]:
        members = self._call(
            "revisits", self._client.zrangebylex, self._k("versions_first_seen"),
            f"[{first_seen_since}", "+",
        )  # fmt: skip
        keys = list(dict.fromkeys(member.split("|", 1)[1] for member in members))
        if not keys:
            return []
        versions = self._call("revisits", self._client.hmget, self._k("versions"), keys)
        articles = self._call("revisits", self._client.hmget, self._k("articles"), keys)
        return [
            RevisitCandidate(key, version_from_json(version),
                             json.loads(article)[5] if article else None)
            for key, version, article in zip(keys, versions, articles, strict=True)
            if version is not None
        ]  # fmt: skip

    # --- Run history ----------------------------------------------------------------------------

    def record_run(self, entry: dict[str, Any], keep: int) -> None:
        pipe = self._client.pipeline(transaction=True)
        pipe.rpush(self._k("run_history"), json.dumps(entry, separators=(",", ":")))
        pipe.ltrim(self._k("run_history"), -keep, -1)
        self._call("record run", pipe.execute)

    def run_history(self, limit: int) -> list[dict[str, Any]]:
        rows = self._call("run history", self._client.lrange, self._k("run_history"), -limit, -1)
        return [json.loads(row) for row in reversed(rows)]

    # --- Copies across sites ------------------------------------------------------------------

    def _index_k(self, *names: str) -> str:
        """A key of the syndication index of the current signature scheme (a new scheme starts
        a new index beside the old one)."""
        return redis_key(self.redis_prefix, "syndication", syndication.SCHEME_ID, *names)

    def band_fields(self, sig: Signature) -> list[tuple[str, str]]:
        """(shard, field) of the signature's bucket in each band: the hash
        `_index_k("b", shard)` holds the bucket's ids under `field`."""
        fields = []
        for bucket in syndication.band_keys(sig):
            unsigned = bucket & 0xFFFF_FFFF_FFFF_FFFF
            shard = unsigned >> (64 - BAND_SHARD_BITS)
            rest = unsigned & ((1 << (64 - BAND_SHARD_BITS)) - 1)
            fields.append((str(shard), f"{rest:x}"))
        return list(dict.fromkeys(fields))

    def record_copy(self, copy: Copy, threshold: float) -> CopyMatch | None:
        own, copies, bands_at = _hex_id(copy.id), self._index_k("copies"), self._index_k("b", "")
        bands = self.band_fields(copy.signature)
        packed = json.dumps(bands, separators=(",", ":"))
        for _ in range(COPY_ATTEMPTS):
            known, values, records = self._call(
                "syndication lookup", self._lua_copy_read, keys=[copies],
                args=[own, MAX_CANDIDATES, bands_at, packed],
            )  # fmt: skip
            if known:
                stored, candidates = copy_from_json(own, known), []
                break
            candidates = [
                copy_from_json(i, r) for i, r in zip(records[::2], records[1::2], strict=True)
            ]
            stored = syndication.place(copy, None, candidates, threshold)
            expected = [[*band, value] for band, value in zip(bands, values, strict=True)]
            checked = json.dumps(expected, separators=(",", ":"))
            written = self._call(
                "syndication insert", self._lua_copy_write, keys=[copies],
                args=[own, copy_json(stored), bands_at, checked],
            )  # fmt: skip
            if written:
                break
        else:
            raise StateError(f"syndication index busy: {copy.url} not recorded")
        if stored.cluster == copy.id:
            return None
        return syndication.compare(copy, self._first_copy(stored.cluster, candidates))

    def _first_copy(self, cluster: int, candidates: list[Copy]) -> Copy:
        first = next((c for c in candidates if c.id == cluster), None)
        if first is not None:
            return first
        value = self._call("syndication first copy", self._client.hget,
                           self._index_k("copies"), _hex_id(cluster))  # fmt: skip
        if not value:
            raise StateError(f"syndication index: cluster {_hex_id(cluster)} has no first copy")
        return copy_from_json(_hex_id(cluster), value)

    # --- Fetch once across runs ---------------------------------------------------------------

    def lease_fetch(self, owner: str, key: str) -> str | None:
        refused = self._lease_fetch(owner, key)
        holder = refused.split(":", 1)[1] if refused and ":" in refused else None
        if holder is not None and not self._alive([holder])[holder]:
            # A run of this machine whose process is gone: dead now, not when its lease expires.
            self._forget_dead([holder])
            refused = self._lease_fetch(owner, key)
        return refused.split(":", 1)[0] if refused else None

    def _lease_fetch(self, owner: str, key: str) -> str | None:
        result = self._call(
            "lease fetch",
            self._lua_lease_fetch,
            keys=[self._k("fetching"), self._k("claims"), self._k("alive", owner),
                  self._k("leases", owner), self._k("fetchers")],
            args=[owner, self._k("alive", ""), key],
        )  # fmt: skip
        if result == -1:
            self._lose(f"the lease of run {owner} expired: it may lease nothing more")
            raise self._report_lost()
        return str(result) or None

    def _release_fetch(self, owner: str, keys: list[str], *, every: bool) -> int:
        released = self._call(
            "release fetch",
            self._lua_release_fetch,
            keys=[self._k("fetching"), self._k("leases", owner), self._k("fetchers")],
            args=[owner, "1" if every else "0", *keys],
        )
        return int(released)

    def release_fetch(self, owner: str, keys: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(keys))
        if wanted:
            self._release_fetch(owner, wanted, every=False)

    def release_fetch_leases(self, owner: str) -> int:
        """Also the leases of runs found dead (they would otherwise stay in `fetching`)."""
        fetchers = self._call("fetchers", self._client.smembers, self._k("fetchers"))
        alive = self._alive(o for o in fetchers if o != owner)
        for dead in (o for o, live in alive.items() if not live):
            self._release_fetch(dead, [], every=True)
        return self._release_fetch(owner, [], every=True)

    def remember_non_article(self, key: str, until: float, reason: str) -> None:
        value = json.dumps([until, reason], separators=(",", ":"))
        self._call("remember non-article", self._client.hset, self._k("non_articles"), key, value)

    def non_articles(self, keys: Iterable[str], now: float) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        values = self._call("non-articles", self._client.hmget, self._k("non_articles"), wanted)
        found = {}
        for key, value in zip(wanted, values, strict=True):
            if value is None:
                continue
            until, reason = json.loads(value)
            if float(until) > now:
                found[key] = str(reason)
        return found

    # --- Runs ---------------------------------------------------------------------------------

    def last_run_started(self) -> str | None:
        started = self._call("last run", self._client.get, self._k("last_run_started"))
        return str(started) if started else None

    def begin_run(self, owner: str, started_at: str) -> None:
        self._call(
            "begin run",
            self._lua_begin_run,
            keys=[self._k("alive", owner), self._k("last_run_started")],
            args=[started_at, int(self.lease * 1000)],
        )
        self._started_owners.add(owner)
        if self._lease is None:
            self._lease = Lease(
                self._client,
                self._k("alive", owner),
                self.lease,
                describe=f"the lease of run {owner}",
                on_lost=self._lease_lost,
            )
            self._lease.start()

    def end_run(self, owner: str) -> None:
        self._stop_lease()
        done = [
            i for i, row in self._publications()
            if row["owner"] == owner and row.get("published") == "1"
        ]  # fmt: skip
        pipe = self._client.pipeline(transaction=True)
        for publication in done:
            pipe.delete(self._k("pub", str(publication)))
            pipe.srem(self._k("pubs"), publication)
        pipe.delete(self._k("alive", owner))
        pipe.delete(self._k("versions_staged", owner))
        self._call("end run", pipe.execute)
        self._started_owners.discard(owner)

    def _stop_lease(self) -> None:
        if self._lease is not None:
            self._lease.stop()
            self._lease = None

    def close(self) -> None:
        self._stop_lease()
        self._client.close()
