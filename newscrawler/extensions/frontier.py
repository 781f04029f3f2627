"""Workers of a shared frontier (`newscrawler.frontier`): when to wait, when to end, and the
start-point verdict they share.

Each worker registers in Redis with a lease (`newscrawler.redis_client.Lease`, renewed every
few seconds) whose value is its state: busy (it fetched something since it was last idle) or
idle. When its engine runs out of work:

- requests left in the shared queue: it stays (Scrapy's engine pops them on its next
  heartbeat, within 5 seconds);
- the queue is empty but another worker is busy: it stays, as that worker may add requests;
- the queue is empty and every worker idle: after `NEWSCRAWLER_FRONTIER_IDLE_CLOSE` seconds of
  that, it ends its run.

The first worker of a crawl finds no live worker and an empty queue: it clears the dupefilter
left by an earlier crawl (else that crawl's URLs, the feeds and sitemaps too, would count as
fetched). The last worker to finish normally clears queue and dupefilter; a crawl stopped
early (budget, SIGTERM, all workers killed) keeps them, and the next one resumes its queue.
A worker killed mid-crawl loses the requests it had popped: the next fresh crawl finds those
articles again in the listings.

"Site unreachable" (`newscrawler.extensions.outcome`) needs care: a worker may have fetched
none of the start points, the others having fetched them. The workers count the start points
answered in Redis, and each run's verdict uses that count.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from newscrawler.frontier import frontier_key, frontier_url
from newscrawler.publish.layout import state_url
from newscrawler.redis_access import FRONTIER_COMMANDS, redis_prefix
from newscrawler.redis_client import Lease, MissingPermissions, connect, require_permissions
from newscrawler.request_meta import START_POINT_META_KEY
from newscrawler.state import StateError, new_owner_id, public_url

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings
    from typing_extensions import Self

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
RENEW_EVERY = LEASE_SECONDS / 6
"""Also how soon a worker notices that Redis is gone (its scheduler lives there too)."""
DEFAULT_IDLE_CLOSE = 5.0

# KEYS: workers, queue, dupefilter, answered   ARGV: worker key prefix, worker, lease ms
JOIN = """
local live = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 1 then live = live + 1
  else redis.call('SREM', KEYS[1], worker) end
end
local fresh = 0
if live == 0 then
  if redis.call('EXISTS', KEYS[2]) == 0 then
    redis.call('DEL', KEYS[3], KEYS[4])
    fresh = 1
  else
    fresh = -1
  end
end
redis.call('SADD', KEYS[1], ARGV[2])
redis.call('SET', ARGV[1] .. ARGV[2], 'busy', 'PX', ARGV[3])
return {fresh, live}
"""

# KEYS: workers, queue   ARGV: worker key prefix, worker   -> {queued requests, busy others}
LOOK = """
local queued = 0
local kind = redis.call('TYPE', KEYS[2])['ok']
if kind == 'zset' then queued = redis.call('ZCARD', KEYS[2])
elseif kind == 'list' then queued = redis.call('LLEN', KEYS[2]) end
local busy = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if worker ~= ARGV[2] then
    local state = redis.call('GET', ARGV[1] .. worker)
    if state == 'busy' then busy = busy + 1
    elseif not state then redis.call('SREM', KEYS[1], worker) end
  end
end
return {queued, busy}
"""

# KEYS: workers, queue, dupefilter, answered   ARGV: worker key prefix, worker, finished
LEAVE = """
redis.call('SREM', KEYS[1], ARGV[2])
redis.call('DEL', ARGV[1] .. ARGV[2])
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 1 then return 0 end
end
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[3], KEYS[4])
  return 1
end
return 2
"""


def frontier_keys(settings: BaseSettings, spider: str) -> dict[str, str]:
    """The Redis keys of `spider`'s frontier: its workers, queue, dupefilter and the count of
    start points answered."""
    prefix = redis_prefix(settings)
    return {
        "workers": frontier_key(prefix, spider, "workers"),
        "queue": settings.get("SCHEDULER_QUEUE_KEY") % {"spider": spider},
        "dupefilter": settings.get("SCHEDULER_DUPEFILTER_KEY") % {"spider": spider},
        "answered": frontier_key(prefix, spider, "start_points_answered"),
    }


def open_frontier(url: str, prefix: str) -> redis.Redis:
    """A client of the frontier's Redis that has answered and may run what the frontier
    runs on the keys under `prefix`; a `StateError` (the run does not start, exit status 3,
    no traceback) when it does not."""
    try:
        client = connect(url, client_name="newscrawler-frontier")
        require_permissions(client, prefix, FRONTIER_COMMANDS)
    except (redis.RedisError, ValueError, MissingPermissions) as error:
        raise StateError(f"cannot use the shared frontier {public_url(url)}: {error}") from None
    return client


class SharedFrontier:
    """Extension: one worker of a shared frontier (enabled by `NEWSCRAWLER_FRONTIER_URL`)."""

    def __init__(self, crawler: Crawler):
        url = frontier_url(crawler.settings)
        if not url:
            raise NotConfigured("no shared frontier")
        assert crawler.spider is not None, "the spider is created before the extensions"
        spider = crawler.spider.name  # (the news spider's is its site's)
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = new_owner_id()
        self.idle_close = crawler.settings.getfloat(
            "NEWSCRAWLER_FRONTIER_IDLE_CLOSE", DEFAULT_IDLE_CLOSE
        )
        self.keys = frontier_keys(crawler.settings, spider)
        prefix = redis_prefix(crawler.settings)
        self.worker_prefix = frontier_key(prefix, spider, "worker:")
        self.client = open_frontier(url, prefix)
        self._join = self.client.register_script(JOIN)
        self._look = self.client.register_script(LOOK)
        self._leave = self.client.register_script(LEAVE)
        self.lease: Lease | None = None
        self.empty_since: float | None = None
        self.failed = False
        self.spider_open = False
        self.stopping: Any = None
        if urlsplit(state_url(crawler.settings, spider)).scheme == "sqlite":
            logger.warning(
                "Shared frontier with a local state (NEWSCRAWLER_STATE_URL): the workers do not"
                " share what they emitted, so later crawls may emit articles again"
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        connect = crawler.signals.connect
        connect(extension.spider_opened, signal=signals.spider_opened)
        connect(extension.spider_idle, signal=signals.spider_idle)
        connect(extension.spider_closed, signal=signals.spider_closed)
        connect(extension.request_reached_downloader, signal=signals.request_reached_downloader)
        connect(extension.response_received, signal=signals.response_received)
        return extension

    def _redis(self, what: str, call: Any, *args: Any, **kwargs: Any) -> Any:
        """A Redis call; None when Redis fails: then one error is logged and the run stops
        (its scheduler lives in that Redis too), within the lease renewal interval at most."""
        if self.failed:
            return None
        try:
            return call(*args, **kwargs)
        except redis.RedisError as error:
            self._lost(what, str(error))
            return None

    def _lost(self, what: str, error: str) -> None:
        if self.failed:
            return
        self.failed = True
        logger.error("Shared frontier lost (%s), stopping the run: %s", what, error)
        engine = self.crawler.engine
        if self.spider_open and engine is not None:
            self.stopping = deferred_from_coro(engine.close_spider_async(reason="frontier_lost"))

    def _lease_lost(self, message: str) -> None:
        """From the lease's thread: stop the run from the reactor's."""
        from twisted.internet import reactor  # noqa: PLC0415 (the one Scrapy installed)

        reactor.callFromThread(self._lost, "lease", message)

    def _keys(self, *names: str) -> list[str]:
        return [self.keys[name] for name in names]

    # --- Joining, staying, leaving --------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.spider_open = True
        joined = self._redis(
            "join",
            self._join,
            keys=self._keys("workers", "queue", "dupefilter", "answered"),
            args=[self.worker_prefix, self.worker, int(LEASE_SECONDS * 1000)],
        )
        if joined is None:
            return
        fresh, others = (int(n) for n in joined)
        if fresh == 1:
            logger.info("Shared frontier: a fresh crawl (worker %s)", self.worker)
        elif fresh == -1:
            logger.info("Shared frontier: resuming the queue an earlier crawl left")
        else:
            logger.info("Shared frontier: joined %d other worker(s) as %s", others, self.worker)
        self.lease = Lease(
            self.client,
            self.worker_prefix + self.worker,
            LEASE_SECONDS,
            describe=f"the lease of worker {self.worker}",
            on_lost=self._lease_lost,
            value="busy",
            renew_every=RENEW_EVERY,
            grace=0,  # a renewal that fails: Redis is gone, and the scheduler with it
        )
        self.lease.start()

    def _set_state(self, state: str) -> None:
        if self.lease is not None and state != self.lease.value:
            self._redis("state", self.lease.hold, state)

    def request_reached_downloader(self, request: Request) -> None:
        self._set_state("busy")
        self.empty_since = None

    def spider_idle(self) -> None:
        """Keep the spider open while the frontier has work or other workers may add some."""
        self._set_state("idle")
        looked = self._redis(
            "look", self._look, keys=self._keys("workers", "queue"),
            args=[self.worker_prefix, self.worker],
        )  # fmt: skip
        if looked is None:
            return  # the frontier is gone: nothing to wait for
        queued, busy = (int(n) for n in looked)
        if queued or busy:
            if self.empty_since is None or queued:
                logger.debug("Frontier: %d requests queued, %d workers busy", queued, busy)
            self.empty_since = None
            self.stats.inc_value("frontier/idle_waits")
            raise DontCloseSpider
        now = time.monotonic()
        if self.empty_since is None:
            self.empty_since = now
        if now - self.empty_since < self.idle_close:
            raise DontCloseSpider
        logger.info("Shared frontier empty and every worker idle: this worker ends")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.spider_open = False
        if self.lease is not None:
            self.lease.stop()
            self.lease = None
        if reason == "finished":
            self._share_start_point_verdict()
        left = self._redis(
            "leave", self._leave, keys=self._keys("workers", "queue", "dupefilter", "answered"),
            args=[self.worker_prefix, self.worker, "1" if reason == "finished" else "0"],
        )  # fmt: skip
        if left == 1:
            logger.info("Shared frontier: last worker out, frontier cleared for the next crawl")
        elif left == 2:
            logger.info("Shared frontier: last worker out, the queue is kept to resume")
        self.client.close()

    # --- The start-point verdict --------------------------------------------------------

    def response_received(self, response: Response, request: Request) -> None:
        if request.meta.get(START_POINT_META_KEY) and 200 <= response.status < 300:
            self._redis("start points", self.client.incr, self.keys["answered"])

    def _share_start_point_verdict(self) -> None:
        """Start points other workers fetched count for this run too (before RunOutcome
        judges the site unreachable: this extension's handlers run first)."""
        answered = self._redis("start points", self.client.get, self.keys["answered"])
        shared = int(answered or 0)
        local = int(self.stats.get_value("newscrawler/start_points_answered", 0))
        if shared > local:
            self.stats.set_value("newscrawler/start_points_answered", shared)
