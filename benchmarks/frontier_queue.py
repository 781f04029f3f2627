"""What JSON instead of pickles costs the shared frontier, and what the permission check at
start costs a run.

Side by side in one run: a typical article request (an ArticleLead with dates, headers,
priority, callbacks by name) written and read back by scrapy-redis's default serializer
(pickle) and by ours (`newscrawler.frontier_queue`, JSON), in microseconds per request and
bytes per queued value; then the ACL check (`require_permissions`) of the state and of the
frontier against a local redis-server started here on a free port.

    python benchmarks/frontier_queue.py [REQUESTS]
"""

from __future__ import annotations

import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import scrapy
from redis_server import redis_server
from scrapy.utils.request import request_from_dict

from newscrawler import frontier_queue
from newscrawler.discovery import ArticleLead
from newscrawler.redis_access import FRONTIER_COMMANDS, STATE_COMMANDS
from newscrawler.redis_client import connect, require_permissions

REQUESTS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


class Spider(scrapy.Spider):
    name = "bench"

    def parse_article(self, response: Any) -> None:
        """The article callback."""

    def on_article_error(self, failure: Any) -> None:
        """The errback."""


def article_request(spider: Spider, n: int) -> scrapy.Request:
    published = datetime(2022, 1, 21, 12, 31, tzinfo=timezone(timedelta(hours=1)))
    url = f"https://www.shz.de/lokales/kiel/artikel/meldung-{n}-{42000000 + n}"
    return scrapy.Request(
        url,
        callback=spider.parse_article,
        errback=spider.on_article_error,
        priority=10,
        meta={"newscrawler_lead": ArticleLead(url, "sitemap", published, published),
              "newscrawler_expect_html": True, "depth": 1},
    )  # fmt: skip


def per_request(serializer: Any, spider: Spider) -> tuple[float, float, int]:
    """µs to write, µs to read back, bytes: the median of five rounds."""
    dicts = [article_request(spider, n).to_dict(spider=spider) for n in range(REQUESTS)]
    writes, reads = [], []
    for _ in range(5):
        started = time.perf_counter()
        values = [serializer.dumps(d) for d in dicts]
        writes.append((time.perf_counter() - started) / REQUESTS * 1e6)
        started = time.perf_counter()
        for value in values:
            request_from_dict(serializer.loads(value), spider=spider)
        reads.append((time.perf_counter() - started) / REQUESTS * 1e6)
    size = sum(len(v if isinstance(v, bytes) else v.encode()) for v in values) // REQUESTS
    return sorted(writes)[2], sorted(reads)[2], size


class Pickles:
    """scrapy-redis's default (`scrapy_redis.picklecompat`)."""

    dumps: Callable[[Any], bytes] = staticmethod(lambda obj: pickle.dumps(obj, protocol=-1))
    loads: Callable[[bytes], Any] = staticmethod(pickle.loads)


def permission_checks() -> None:
    if shutil.which("redis-server") is None:
        print("(no redis-server: the permission check is not measured)")
        return
    with tempfile.TemporaryDirectory() as folder, redis_server(Path(folder)) as url:
        client = connect(url, client_name="bench")
        client.ping()
        print("\nPermission check at the start of a run (local redis-server, median of 20):")
        for name, commands in (("state", STATE_COMMANDS), ("frontier", FRONTIER_COMMANDS)):
            times = []
            for _ in range(20):
                started = time.perf_counter()
                require_permissions(client, "newscrawler", commands)
                times.append((time.perf_counter() - started) * 1000)
            print(f"  {name:<9} {len(commands):>3} commands  {sorted(times)[10]:6.2f} ms")
        client.close()


def main() -> None:
    spider = Spider()
    print(f"One article request, written and read back ({REQUESTS} requests, median of 5):")
    print(f"  {'serializer':<28} {'write µs':>9} {'read µs':>9} {'bytes':>7}")
    for name, serializer in (("pickle (scrapy-redis)", Pickles), ("JSON (ours)", frontier_queue)):
        write, read, size = per_request(serializer, spider)
        print(f"  {name:<28} {write:9.1f} {read:9.1f} {size:7d}")
    permission_checks()


if __name__ == "__main__":
    main()
