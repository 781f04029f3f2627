"""The shared frontier: two crawl processes split one site through scrapy-redis's scheduler and
dupefilter in a real redis-server, and the warnings scrapy-redis emits today are pinned.
The figures are printed (`pytest -s`)."""

from __future__ import annotations

import re
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import scrapy_redis
from scrapy.exceptions import ScrapyDeprecationWarning
from scrapy.settings import Settings

from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.frontier import JOIN, LEAVE, LOOK
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.frontier import FrontierAddon, show_scrapy_redis_deprecations
from newscrawler.publish.layout import state_url
from tests.support.replica import REPLICA_ARTICLES
from tests.support.scale import RedisServer, Worker, audit, free_port, grow_site, start_worker

# Scrapy deprecations scrapy-redis 0.9.1 triggers under Scrapy 2.19 (file:line, message).
# An upgrade of either that changes this list fails the test: then review the frontier.
EXPECTED_SCRAPY_REDIS_WARNINGS = {
    (
        "scrapy_redis/scheduler.py:170",
        "Passing a 'spider' argument to StatsCollector.inc_value() is deprecated and the"
        " argument will be removed in a future Scrapy version.",
    ),
    (
        "scrapy_redis/scheduler.py:178",
        "Passing a 'spider' argument to StatsCollector.inc_value() is deprecated and the"
        " argument will be removed in a future Scrapy version.",
    ),
}
WARNING_LINE = re.compile(r"\[py\.warnings\] WARNING: \S*?(scrapy_redis/\S+?:\d+): (\w+): (.*)")


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path / "redis") as server:
        yield server


def frontier_workers(
    site_url: str, redis_url: str, folder: Path, round_: int, count: int = 2
) -> list[Worker]:
    settings = {
        "NEWSCRAWLER_FRONTIER_URL": redis_url,
        "NEWSCRAWLER_FRONTIER_IDLE_CLOSE": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    }
    return [
        start_worker("shz", folder / f"worker-{n}" / str(round_), args={"base_url": site_url},
                     settings=settings)
        for n in range(1, count + 1)
    ]  # fmt: skip


@pytest.mark.slow
def test_two_workers_split_one_site(
    shz_site: Path, redis_server: RedisServer, tmp_path: Path
) -> None:
    expected = grow_site(shz_site, 55)
    with ReplicaServer(shz_site, delay=0.25) as server:
        started = time.monotonic()
        workers = frontier_workers(server.url, redis_server.url(), tmp_path, 1)
        codes = [worker.wait() for worker in workers]
        seconds = time.monotonic() - started
        fetched = Counter(path.split("?")[0] for path in server.requests)
        del server.requests[:]
        # The next crawl starts afresh (the last worker cleared the frontier): it fetches the
        # listings again, and every article is known.
        again = frontier_workers(server.url, redis_server.url(), tmp_path, 2, count=1)
        again_codes = [worker.wait() for worker in again]
        listings_again = [path for path in server.requests if "sitemap" in path]
    result = audit([worker.folder for worker in workers], expected)
    pages = [worker.stat("response_received_count") for worker in workers]
    print(result.table(f"Shared frontier, two workers, {len(expected)} articles, {seconds:.1f}s"))
    print(f"  pages fetched per worker: {pages}; article pages fetched twice:"
          f" {sum(1 for path in expected if fetched[path] > 1)}")  # fmt: skip
    assert codes == [ExitStatus.OK, ExitStatus.OK], [w.log[-3000:] for w in workers]
    assert all(count > 0 for count in result.per_folder), "the work was not split"
    assert (result.duplicates, result.missing, result.unexpected) == (0, set(), set())
    # Each page fetched once, by one of the two (robots.txt: each worker reads it).
    assert {path: n for path, n in fetched.items() if n > 1 and path != "/robots.txt"} == {}
    assert all(fetched[path] == 1 for path in expected)
    assert "Shared frontier: last worker out, frontier cleared" in "".join(w.log for w in workers)
    assert again_codes == [ExitStatus.OK]
    assert audit([worker.folder for worker in again], set()).per_folder == [0]
    assert listings_again and "a fresh crawl" in "".join(w.log for w in again)
    assert redis_server.client().keys("newscrawler:frontier:*") == []


@pytest.mark.slow
def test_scrapy_redis_warnings_are_visible_and_pinned(
    shz_server: ReplicaServer, redis_server: RedisServer, tmp_path: Path
) -> None:
    """scrapy-redis's Scrapy deprecations are shown, not errors (our tests turn Scrapy's
    deprecations into errors), and they are exactly the known ones."""
    [worker] = [
        start_worker("shz", tmp_path, args={"base_url": shz_server.url},
                     settings={"NEWSCRAWLER_FRONTIER_URL": redis_server.url(),
                               "NEWSCRAWLER_FRONTIER_IDLE_CLOSE": "0"})
    ]  # fmt: skip
    assert worker.wait() == ExitStatus.OK, worker.log[-3000:]
    assert scrapy_redis.__version__ == "0.9.1"  # pinned in pyproject.toml
    seen = {match.groups() for match in WARNING_LINE.finditer(worker.log)}
    print("\nscrapy-redis warnings:", *sorted(seen), sep="\n  ")
    assert {(where, text) for where, kind, text in seen} == EXPECTED_SCRAPY_REDIS_WARNINGS
    assert {kind for _, kind, _ in seen} == {"ScrapyDeprecationWarning"}
    assert audit([tmp_path], REPLICA_ARTICLES).missing == set()


def test_only_scrapy_redis_deprecations_are_relaxed() -> None:
    """The filter covers scrapy-redis's modules only: ours and Scrapy's still raise."""
    show_scrapy_redis_deprecations()
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit(
            "old API", ScrapyDeprecationWarning, "scheduler.py", 1, module="scrapy_redis.scheduler"
        )
    assert [str(w.message) for w in caught] == ["old API"]
    for module in ("newscrawler.frontier", "scrapy.core.engine", "scrapy_redisx"):
        with pytest.raises(ScrapyDeprecationWarning):
            warnings.warn_explicit("old API", ScrapyDeprecationWarning, "x.py", 1, module=module)


def test_the_addon_configures_only_scheduler_dupefilter_and_our_extension() -> None:
    settings = Settings()
    settings.setmodule("newscrawler.settings", priority="project")
    settings.set("NEWSCRAWLER_FRONTIER_URL", "redis://db:6379/1", priority="cmdline")
    FrontierAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "scrapy_redis.scheduler.Scheduler"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://db:6379/1"
    assert settings["SCHEDULER_QUEUE_KEY"] == "newscrawler:frontier:%(spider)s:requests"
    # JSON, never scrapy-redis's default pickles
    assert settings["SCHEDULER_QUEUE_CLASS"] == "newscrawler.frontier_queue.JsonPriorityQueue"
    assert settings["SCHEDULER_SERIALIZER"] == "newscrawler.frontier_queue"
    assert settings.getbool("SCHEDULER_PERSIST")
    assert settings.getint("SCHEDULER_IDLE_BEFORE_CLOSE") == 0
    assert "SharedFrontier" in str(settings.getdict("EXTENSIONS"))
    assert not any("scrapy_redis" in str(name) for name in settings.getdict("ITEM_PIPELINES"))
    # A worker takes from the shared queue only what it fetches at once.
    per_domain = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    assert settings.getint("CONCURRENT_REQUESTS") == per_domain
    # The workers share their state in the same Redis.
    assert state_url(settings, "shz") == "redis://db:6379/1?spider=shz"
    chosen = Settings({"CONCURRENT_REQUESTS": 6, "NEWSCRAWLER_FRONTIER_URL": "redis://db/1"})
    chosen.set("CONCURRENT_REQUESTS", 6, priority="cmdline")
    FrontierAddon().update_settings(chosen)
    assert chosen.getint("CONCURRENT_REQUESTS") == 6
    tenant = Settings({"NEWSCRAWLER_FRONTIER_URL": "redis://db/1"})
    tenant.set("NEWSCRAWLER_REDIS_PREFIX", "tenant-a", priority="cmdline")
    FrontierAddon().update_settings(tenant)
    assert tenant["SCHEDULER_DUPEFILTER_KEY"] == "tenant-a:frontier:%(spider)s:dupefilter"
    off = Settings({"SCHEDULER": "scrapy.core.scheduler.Scheduler"})
    FrontierAddon().update_settings(off)
    assert off["SCHEDULER"] == "scrapy.core.scheduler.Scheduler"


def test_workers_join_wait_and_leave(redis_server: RedisServer) -> None:
    """The worker registry: the first worker of a crawl clears a stale dupefilter, a worker
    waits while another is busy, the last one out clears the frontier or keeps it to resume."""
    client = redis_server.client()
    join, look, leave = (client.register_script(s) for s in (JOIN, LOOK, LEAVE))
    keys = ["f:workers", "f:requests", "f:dupefilter", "f:answered"]
    prefix = "f:worker:"
    client.sadd("f:dupefilter", "stale fingerprint")
    assert join(keys=keys, args=[prefix, "w1", 30000]) == [1, 0]  # fresh: stale dupefilter gone
    assert client.exists("f:dupefilter") == 0
    client.sadd("f:dupefilter", "fingerprint of a start point")
    assert join(keys=keys, args=[prefix, "w2", 30000]) == [0, 1]  # joins w1, keeps the filter
    client.zadd("f:requests", {"pickled request": 0})
    assert look(keys=keys[:2], args=[prefix, "w2"]) == [1, 1]  # work queued, w1 busy
    client.delete("f:requests")
    client.set(prefix + "w1", "idle")
    assert look(keys=keys[:2], args=[prefix, "w2"]) == [0, 0]  # nothing left anywhere
    assert leave(keys=keys, args=[prefix, "w1", "1"]) == 0  # w2 is still there
    assert leave(keys=keys, args=[prefix, "w2", "1"]) == 1  # last out: cleared
    assert client.keys("f:*") == []
    # A crawl stopped early keeps its queue; the next first worker resumes it.
    join(keys=keys, args=[prefix, "w3", 30000])
    client.zadd("f:requests", {"pickled request": 0})
    client.sadd("f:dupefilter", "seen")
    assert leave(keys=keys, args=[prefix, "w3", "0"]) == 2
    assert join(keys=keys, args=[prefix, "w4", 30000]) == [-1, 0]
    assert client.exists("f:dupefilter", "f:requests") == 2
    # A worker whose lease expired (killed) does not count.
    client.delete(prefix + "w4")
    assert look(keys=keys[:2], args=[prefix, "w5"]) == [1, 0]


@pytest.mark.slow
def test_frontier_unavailable_at_start(
    shz_server: ReplicaServer, redis_server: RedisServer, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    worker = start_worker(
        "shz",
        tmp_path,
        args={"base_url": shz_server.url},
        settings={
            "NEWSCRAWLER_FRONTIER_URL": f"redis://:hunter2@127.0.0.1:{port}/0",
            "NEWSCRAWLER_STATE_URL": redis_server.url(),
        },
    )
    assert worker.wait() == ExitStatus.NOT_STARTED
    reason = (
        "Crawl not started: StateError: cannot use the shared frontier"
        f" redis://:***@127.0.0.1:{port}/0"
    )
    assert reason in worker.log
    assert "hunter2" not in worker.log
    assert "Traceback" not in worker.log
    assert shz_server.requests == []
