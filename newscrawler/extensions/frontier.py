"""Workers of a shared frontier (`newscrawler.frontier`): when to wait, when to end, and the
start-point verdict they share.

Each worker registers in Redis with a lease (renewed every few seconds) and a state: busy
(it fetched something since it was last idle) or idle. When its engine runs out of work:

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
from redis.backoff import NoBackoff
from redis.retry import Retry
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro

from newscrawler.frontier import SOCKET_TIMEOUT, frontier_key, frontier_url
from newscrawler.publish.layout import state_url
from newscrawler.request_meta import START_POINT_META_KEY
from newscrawler.state import StateError, new_owner_id, public_url

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

logger = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
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


class SharedFrontier:
    """Extension: one worker of a shared frontier (enabled by `NEWSCRAWLER_FRONTIER_URL`)."""

    def __init__(self, crawler: Crawler):
        settings = crawler.settings
        url = frontier_url(settings)
        if not url:
            raise NotConfigured("no shared frontier")
        self.crawler = crawler
        self.stats = crawler.stats
        assert crawler.spider is not None, "the spider is created before the extensions"
        spider = crawler.spider.name  # (the news spider's is its site's)
        self.worker = new_owner_id()
        self.idle_close = settings.getfloat("NEWSCRAWLER_FRONTIER_IDLE_CLOSE", DEFAULT_IDLE_CLOSE)
        self.lease_ms = int(LEASE_SECONDS * 1000)
        self.keys = {
            "workers": frontier_key(spider, "workers"),
            "queue": settings.get("SCHEDULER_QUEUE_KEY") % {"spider": spider},
            "dupefilter": settings.get("SCHEDULER_DUPEFILTER_KEY") % {"spider": spider},
            "answered": frontier_key(spider, "start_points_answered"),
        }
        self.worker_prefix = frontier_key(spider, "worker:")
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 1),
            decode_responses=True,
        )
        try:
            self.client.ping()
        except redis.RedisError as error:
            # (a StateError: the run does not start, exit status 3, no traceback)
            raise StateError(f"cannot use the shared frontier {public_url(url)}: {error}") from None
        self._join = self.client.register_script(JOIN)
        self._look = self.client.register_script(LOOK)
        self._leave = self.client.register_script(LEAVE)
        self.state = "busy"
        self.empty_since: float | None = None
        self.failed = False
        self.spider_open = False
        self.stopping: Any = None
        self.renewal: Any = None
        if urlsplit(state_url(settings, spider)).scheme == "sqlite":
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
            self.failed = True
            logger.error("Shared frontier lost (%s), stopping the run: %s", what, error)
            engine = self.crawler.engine
            if self.spider_open and engine is not None:
                self.stopping = deferred_from_coro(
                    engine.close_spider_async(reason="frontier_lost")
                )
            return None

    def _keys(self, *names: str) -> list[str]:
        return [self.keys[name] for name in names]

    # --- Joining, staying, leaving --------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.spider_open = True
        joined = self._redis(
            "join",
            self._join,
            keys=self._keys("workers", "queue", "dupefilter", "answered"),
            args=[self.worker_prefix, self.worker, self.lease_ms],
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
        self.renewal = create_looping_call(self._renew)
        self.renewal.start(LEASE_SECONDS / 6, now=False)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self._redis("state", self.client.set, self.worker_prefix + self.worker, state,
                        px=self.lease_ms)  # fmt: skip

    def _renew(self) -> None:
        pipe = self.client.pipeline(transaction=True)
        pipe.sadd(self.keys["workers"], self.worker)
        pipe.set(self.worker_prefix + self.worker, self.state, px=self.lease_ms)
        self._redis("lease", pipe.execute)

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
        if self.renewal is not None and self.renewal.running:
            self.renewal.stop()
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
