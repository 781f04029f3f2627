"""Real crawls sharing a Redis state: two runs at once against one site, Redis unavailable at
the start, Redis lost in the middle of a run, runs killed at the worst moments. The figures
are printed (`pytest -s`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from tests.support.cron import published_files, run_cron, temp_files
from tests.support.faults import CRASH_AT_ENV
from tests.support.scale import (
    JitteryReplica,
    RedisServer,
    audit,
    folder_items,
    free_port,
    grow_site,
    start_worker,
    wait_for_log,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def big_site(shz_site: Path) -> tuple[Path, set[str]]:
    return shz_site, grow_site(shz_site, 30)


def recorded_paths(server: RedisServer, spider: str = "shz") -> set[str]:
    """The paths of the articles the Redis state records as emitted."""
    keys = server.client().hkeys(f"newscrawler:state:{spider}:articles")
    return {urlsplit(key).path for key in keys}


def test_two_runs_at_once_emit_every_article_once(
    big_site: tuple[Path, set[str]], redis_server: RedisServer, tmp_path: Path
) -> None:
    """Two crawls of one site at the same time, each into its own folder (as two machines),
    one Redis state: each article is in exactly one of the two outputs."""
    site, expected = big_site
    # Slow enough that the runs overlap: the second starts up to a second later (a run starts
    # in a later second than the last one in the state), and with answers of up to 0.4 s a
    # busy machine let the first finish before the second reached an article.
    with JitteryReplica(site, jitter=1.0) as server:
        workers = [
            start_worker(
                "shz",
                tmp_path / f"machine-{n}",
                args={"base_url": server.url},
                settings={"NEWSCRAWLER_STATE_URL": redis_server.url()},
            )
            for n in (1, 2)
        ]
        codes = [worker.wait() for worker in workers]
    result = audit([worker.folder for worker in workers], expected)
    # (a lead another run leased, claimed or fetched meanwhile is not fetched: issue 15)
    contended = [
        sum(worker.stat(f"fetch_once/skipped_{why}") for why in ("leased", "claimed", "fetched"))
        + worker.stat("incremental/items_duplicate")
        for worker in workers
    ]
    print(result.table(f"Shared Redis state, two runs at once, {len(expected)} articles"))
    print(f"  articles each run left to the other (leased, claimed or emitted): {contended}")
    assert codes == [ExitStatus.OK, ExitStatus.OK], [w.log[-3000:] for w in workers]
    assert (result.duplicates, result.missing, result.unexpected) == (0, set(), set())
    # Both really crawled the site at once: runs met articles the other had taken.
    assert sum(contended) > 0
    assert sum(result.per_folder) == len(expected)
    assert recorded_paths(redis_server) >= expected


def test_redis_unavailable_at_start(shz_server: ReplicaServer, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    run = run_cron(
        "shz",
        tmp_path,
        args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_STATE_URL": f"redis://:hunter2@127.0.0.1:{port}/0"},
    )
    assert run.returncode == ExitStatus.NOT_STARTED
    reason = f"cannot use the Redis state redis://:***@127.0.0.1:{port}/0: "  # as given
    assert any("Crawl not started" in line and reason in line for line in run.log.splitlines())
    assert "hunter2" not in run.log
    assert "Traceback" not in run.log  # a bad configuration, not a bug
    assert time.monotonic() - started < 30
    assert shz_server.requests == []
    assert published_files(tmp_path) == []


def test_redis_lost_mid_run(
    big_site: tuple[Path, set[str]], redis_server: RedisServer, tmp_path: Path
) -> None:
    """Redis killed while a run publishes batches of 3 (one published, the next being
    written): the run stops with an error, the state records only published articles; with
    Redis back, the next run completes the site and every article is in exactly one published
    line."""
    site, expected = big_site
    settings = {
        "NEWSCRAWLER_STATE_URL": redis_server.url(),
        "CONCURRENT_REQUESTS": "2",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "2",
    }
    with ReplicaServer(site, delay=0.2) as server:
        args = {"base_url": server.url}
        lost = start_worker("shz", tmp_path / "out", args=args, settings=settings, batch=3)
        wait_for_log(lost, "Scraped from", 5)
        redis_server.kill()
        assert lost.wait() == ExitStatus.UNFINISHED
        log = lost.log
        published_before = folder_items(lost.folder)
        redis_server.start()  # from its append-only file: every acknowledged write
        recorded = recorded_paths(redis_server)
        # Nothing the state calls emitted is missing from the published files.
        assert recorded <= {urlsplit(item["url"]).path for item in published_before}
        again = start_worker("shz", tmp_path / "out", args=args, settings=settings, batch=3)
        assert again.wait() == ExitStatus.OK, again.log[-3000:]
    result = audit([tmp_path / "out"], expected)
    print(result.table(f"Redis killed mid-run, then a rerun; {len(expected)} articles"))
    print(
        f"  before the kill: {len(published_before)} articles published,"
        f" {len(recorded)} recorded; the rerun recovered"
        f" {again.log.count('interrupted in an earlier run')} files,"
        f" deleted {again.log.count('left unfinished by an earlier run')}"
    )
    assert "State lost, stopping the run" in log
    assert "Closing spider (state_lost)" in log
    # The one traceback: Scrapy's report of the batch it could not store (its seal failed).
    assert log.count("Traceback") == log.count("ERROR: Error storing jsonlines feed") <= 1
    assert 0 < len(published_before) < len(expected)
    assert (result.duplicates, result.missing, result.unexpected) == (0, set(), set())
    assert temp_files(tmp_path / "out") == []
    assert recorded_paths(redis_server) >= expected


@pytest.mark.parametrize("crash_at", ["sealed", "renamed"])
def test_killed_at_the_worst_moment_with_redis_state(
    crash_at: str, shz_server: ReplicaServer, redis_server: RedisServer, tmp_path: Path
) -> None:
    """A run killed after sealing (or renaming) its file: the next run on the machine
    publishes and commits it at once (the dead run's lease has not expired yet)."""
    settings = {"NEWSCRAWLER_STATE_URL": redis_server.url()}
    args = {"base_url": shz_server.url}
    killed = run_cron("shz", tmp_path, args=args, settings=settings, env={CRASH_AT_ENV: crash_at})
    assert killed.returncode < 0
    rerun = run_cron("shz", tmp_path, args=args, settings=settings)
    assert rerun.returncode == ExitStatus.OK, rerun.log[-3000:]
    assert "interrupted in an earlier run (5 articles committed)" in rerun.log
    assert rerun.items == []  # nothing left to emit
    assert rerun.summary is not None and len(rerun.summary["recovered_files"]) == 1
    result = audit([tmp_path], set(recorded_paths(redis_server)))
    assert (result.per_folder, result.duplicates, result.missing) == ([5], 0, set())
