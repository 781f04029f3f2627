"""A shared frontier for one big site: several processes or machines split its URLs.

`-s NEWSCRAWLER_FRONTIER_URL=redis://host:6379/0` turns it on. The add-on then configures
scrapy-redis's scheduler and dupefilter, and nothing else of scrapy-redis: every worker's
requests go to one queue in Redis, each URL is fetched once by whichever worker pops it, and
the start requests every worker makes (feeds, sitemaps, sections) are fetched once, as the
shared dupefilter drops the copies. What the spiders need beyond that is ours
(`newscrawler.extensions.frontier.SharedFrontier`): workers stay alive while the frontier has
work or other workers are busy, and end together when it stays empty; the last one clears
the frontier so that the next crawl starts fresh.

The workers also share their state (what was emitted): with a frontier, the state defaults to
the same Redis (`newscrawler.state.state_url`).

Requests are queued as JSON, never pickled (`newscrawler.frontier_queue`), and the frontier's
keys are `<prefix>:frontier:<spider>:...` (`NEWSCRAWLER_REDIS_PREFIX`, see
`newscrawler.redis_access`).

scrapy-redis 0.9.1 (pinned) predates Scrapy 2.13's API: its scheduler passes the deprecated
`spider` argument to the stats collector. Those deprecation warnings are shown, once each, not
raised as errors: `show_scrapy_redis_deprecations` scopes that to scrapy-redis's own modules,
so our code and Scrapy's keep failing on deprecations (tests/test_frontier.py pins the list,
so an upgrade that changes it is noticed).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import SETTINGS_PRIORITIES

from newscrawler.redis_access import redis_key, redis_prefix

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings, Settings

SHARED_FRONTIER_EXTENSION = "newscrawler.extensions.frontier.SharedFrontier"
EXTENSION_ORDER = 15  # before RunOutcome (20): it shares the start-point verdict first


def frontier_key(prefix: str, spider: str, name: str) -> str:
    """`<prefix>:frontier:<spider>:<name>`: `requests`, `dupefilter`, `workers`, ..."""
    return redis_key(prefix, "frontier", spider, name)


def show_scrapy_redis_deprecations() -> None:
    """Scrapy deprecations raised inside scrapy-redis's modules: shown once, not errors."""
    warnings.filterwarnings(
        "default", category=ScrapyDeprecationWarning, module=r"scrapy_redis(\.|$)"
    )


def frontier_settings(url: str, prefix: str) -> dict[str, object]:
    """The Scrapy and scrapy-redis settings of a shared frontier in the Redis at `url`, its
    keys under `prefix`."""
    from newscrawler.redis_client import client_options  # noqa: PLC0415 (optional: redis-py)

    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": url,
        "REDIS_PARAMS": client_options(),  # the state's: fail at once when Redis is gone
        # JSON, not scrapy-redis's default pickles (the queue class insists on it)
        "SCHEDULER_QUEUE_CLASS": "newscrawler.frontier_queue.JsonPriorityQueue",
        "SCHEDULER_SERIALIZER": "newscrawler.frontier_queue",
        "SCHEDULER_QUEUE_KEY": frontier_key(prefix, "%(spider)s", "requests"),
        "SCHEDULER_DUPEFILTER_KEY": frontier_key(prefix, "%(spider)s", "dupefilter"),
        # Kept when a worker closes: the other workers still use it. SharedFrontier clears it
        # when the last worker finishes, and keeps it (to resume) after an interrupted crawl.
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_FLUSH_ON_START": False,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,  # a blocking pop would block the reactor
    }


def frontier_url(settings: BaseSettings) -> str:
    return str(settings.get("NEWSCRAWLER_FRONTIER_URL") or "")


def take_only_what_you_fetch(settings: Settings) -> None:
    """One site, so a worker fetches at most CONCURRENT_REQUESTS_PER_DOMAIN pages at once; its
    engine pops requests until CONCURRENT_REQUESTS are in its downloader, and the rest would
    wait there, out of the other workers' reach. CONCURRENT_REQUESTS therefore drops to the
    per-domain limit, unless the command line sets it."""
    per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    priority = settings.getpriority("CONCURRENT_REQUESTS") or 0
    if priority < SETTINGS_PRIORITIES["cmdline"] and (
        settings.getint("CONCURRENT_REQUESTS") > per_domain > 0
    ):
        settings.set("CONCURRENT_REQUESTS", per_domain, priority=priority)


class FrontierAddon:
    """Turns `NEWSCRAWLER_FRONTIER_URL` into the scheduler, dupefilter and extension settings
    (after the command line is applied, so `-s NEWSCRAWLER_FRONTIER_URL=...` works)."""

    def update_settings(self, settings: Settings) -> None:
        url = frontier_url(settings)
        if not url:
            return
        try:
            import redis  # noqa: F401, PLC0415 (optional dependencies: the `redis` extra)
            import scrapy_redis  # noqa: F401, PLC0415
        except ImportError as error:
            raise ValueError(
                f"NEWSCRAWLER_FRONTIER_URL needs {error.name}: pip install 'newscrawler[redis]'"
            ) from None
        for name, value in frontier_settings(url, redis_prefix(settings)).items():
            settings.set(name, value, priority="addon")
        take_only_what_you_fetch(settings)
        # By its path, as settings.py names components: the extension imports this module.
        extensions = settings.getdict("EXTENSIONS")
        extensions[SHARED_FRONTIER_EXTENSION] = EXTENSION_ORDER
        settings.set("EXTENSIONS", extensions, settings.getpriority("EXTENSIONS") or 0)
        show_scrapy_redis_deprecations()
