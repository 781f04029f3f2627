"""Scale-out without open doors, with real crawls and real redis-servers: the shared frontier
never unpickles what it finds in its queue and goes on crawling; a crawl as README's ACL user
keeps to its key prefix beside another deployment in the same Redis, and no password shows in
its log or summary; a user short of a permission is refused before anything is fetched, by
name (exit status 3)."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.frontier_queue import DROPPED_UNREADABLE, FORMAT
from newscrawler.redis_access import (
    REDIS_COMMANDS,
    BadPrefix,
    acl_rules,
    acl_setuser,
    check_prefix,
    redis_key,
)
from tests.support.cron import run_cron, summaries
from tests.support.paths import PROJECT_ROOT
from tests.support.replica import REPLICA_ARTICLES
from tests.support.scale import RedisServer, audit, start_worker

PASSWORD = "redis-test-secret"
TENANT = "tenant-a"


def pickled_payload(marker: Path) -> bytes:
    """A pickle that creates `marker` when it is unpickled."""

    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    return pickle.dumps(Payload())


def user(name: str, prefix: str, *, without: str = "", keys: str = "") -> str:
    """An ACL file line: README's crawler user for `prefix`, less the rule `without`, with
    the key pattern `keys` instead of the prefix's."""
    rules = [rule for rule in acl_rules(prefix) if rule != without]
    if keys:
        rules = [keys if rule.startswith("~") else rule for rule in rules]
    return " ".join(["user", name, "on", f">{PASSWORD}", *rules])


USERS = {
    "crawler": user("crawler", TENANT),
    "no-hset": user("no-hset", "newscrawler", without="+hset"),
    "no-zcard": user("no-zcard", "newscrawler", without="+zcard"),
    "no-keys": user("no-keys", "newscrawler", keys="~elsewhere:*"),
}


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    folder = tmp_path_factory.mktemp("redis")
    with RedisServer.running(folder, users=list(USERS.values())) as server:
        yield server


@pytest.mark.slow
def test_a_pickle_in_the_frontier_queue_is_never_run(
    shz_server: ReplicaServer, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Values an attacker with write access to the Redis planted in the queue, first in
    line: a pickle that would create a file, JSON naming `os.system` as the request class or
    a private method as the callback, bytes that are nothing. Each is dropped with a warning;
    the crawl goes on and emits every article."""
    client = redis_server.client()
    client.flushall()
    marker = tmp_path / "pwned"
    planted = {
        pickled_payload(marker): -100,
        json.dumps({"format": FORMAT, "request": {"url": shz_server.url, "_class": "os.system"}}):
        -100,
        json.dumps({"format": FORMAT, "request": {"url": shz_server.url, "callback": "_close"}}):
        -100,
        b"\xff\xfe nothing at all": -100,
    }  # fmt: skip
    client.zadd(redis_key("newscrawler", "frontier", "shz", "requests"), planted)
    worker = start_worker(
        "shz", tmp_path / "out", args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_FRONTIER_URL": redis_server.url(),
                  "NEWSCRAWLER_FRONTIER_IDLE_CLOSE": "0"},
    )  # fmt: skip
    assert worker.wait() == ExitStatus.OK, worker.log[-3000:]
    assert not marker.exists()
    assert worker.stat(DROPPED_UNREADABLE) == len(planted)
    assert worker.log.count("dropped a queued value that is not a newscrawler request") == 4
    assert "resuming the queue" in worker.log  # it found the planted values waiting
    assert audit([worker.folder], REPLICA_ARTICLES).missing == set()


@pytest.mark.slow
def test_a_crawl_as_the_acl_user_keeps_to_its_prefix(
    shz_server: ReplicaServer, redis_server: RedisServer, tmp_path: Path
) -> None:
    """README's ACL user of a deployment with the prefix `tenant-a`, its password in the
    environment (as README advises: not in the URL on the command line), crawls with a shared
    frontier and state beside another deployment's keys, which it neither sees nor touches;
    Redis refused none of its commands."""
    admin = redis_server.client()
    admin.flushall()
    admin.acl_log_reset()
    neighbour = {redis_key("newscrawler", "state", "shz", "articles"): "taken"}
    admin.hset(*next(iter(neighbour.items())), "[]")  # another deployment emitted it
    worker = start_worker(
        "shz", tmp_path / "out", args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_FRONTIER_URL": redis_server.url(user="crawler"),
                  "NEWSCRAWLER_REDIS_PREFIX": TENANT, "NEWSCRAWLER_FRONTIER_IDLE_CLOSE": "0"},
        env={"NEWSCRAWLER_REDIS_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert worker.wait() == ExitStatus.OK, worker.log[-3000:]
    assert admin.acl_log() == []  # nothing refused: the ACL has every command needed
    ours = set(admin.keys("*")) - set(neighbour)
    assert ours and all(key.startswith(f"{TENANT}:") for key in ours), ours
    assert admin.hgetall(redis_key("newscrawler", "state", "shz", "articles")) == {"taken": "[]"}
    recorded = admin.hkeys(redis_key(TENANT, "state", "shz", "articles"))
    assert len(recorded) >= len(REPLICA_ARTICLES)
    assert audit([worker.folder], REPLICA_ARTICLES).missing == set()
    # The password shows nowhere; the URL, which has none, does.
    [summary] = summaries(worker.folder)
    public = f"redis://crawler@127.0.0.1:{redis_server.port}/0?spider=shz&prefix={TENANT}"
    assert json.loads(summary.read_text())["state"] == public
    assert f"State {public}" in worker.log
    assert PASSWORD not in worker.log and PASSWORD not in summary.read_text()


@pytest.mark.slow
@pytest.mark.parametrize(
    "case",
    [
        ("no-hset", "+hset", "Redis state"),
        ("no-zcard", "+zcard", "shared frontier"),
        ("no-keys", "~newscrawler:*", "Redis state"),
    ],
    ids=lambda case: case[0],
)
def test_a_user_short_of_a_permission_is_refused_by_name(
    case: tuple[str, str, str], shz_server: ReplicaServer, redis_server: RedisServer,
    tmp_path: Path,
) -> None:  # fmt: skip
    """User, the rule it lacks, and what it fails to open (the state opens first)."""
    name, missing, component = case
    url = redis_server.url(user=name, password=PASSWORD)  # (in the URL: masked in the log)
    run = run_cron(
        "shz", tmp_path, args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_FRONTIER_URL": url},
    )  # fmt: skip
    assert run.returncode == ExitStatus.NOT_STARTED, run.log[-3000:]
    [line] = [line for line in run.log.splitlines() if "Crawl not started" in line]
    assert f"cannot use the {component} redis://{name}:***@" in line
    assert f"its Redis user lacks the ACL permissions {missing} " in line
    assert "Traceback" not in run.log and PASSWORD not in run.log
    assert shz_server.requests == []


@pytest.mark.slow
def test_a_bad_prefix_is_refused_before_the_crawl(
    shz_server: ReplicaServer, tmp_path: Path
) -> None:
    run = run_cron(
        "shz", tmp_path, args={"base_url": shz_server.url},
        settings={"NEWSCRAWLER_REDIS_PREFIX": "news*"},
    )  # fmt: skip
    assert run.returncode == ExitStatus.NOT_STARTED
    assert "NEWSCRAWLER_REDIS_PREFIX 'news*' is not a key prefix" in run.log
    assert shz_server.requests == []


def test_key_prefixes_and_keys() -> None:
    assert redis_key("newscrawler", "state", "shz", "articles") == "newscrawler:state:shz:articles"
    with pytest.raises(ValueError, match="unknown Redis key area"):
        redis_key("newscrawler", "archive", "bands")  # not registered in AREAS
    for good in ("newscrawler", "tenant-a", "nc_2.prod"):
        assert check_prefix(good) == good
    # no glob characters (they widen an ACL), no `:` (one prefix under another), no `%`
    for bad in ("", "news*", "news:b", "a b", "%(spider)s", "x" * 65, "-x"):
        with pytest.raises(BadPrefix):
            check_prefix(bad)


def test_readme_shows_the_acl_the_crawlers_need() -> None:
    """README's ACL line is the one `python -m newscrawler redis-acl` prints."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert acl_setuser("newscrawler", "newscrawler") in readme
    assert "python -m newscrawler redis-acl" in readme
    assert {"+hset", "+zadd", "+evalsha"} <= set(acl_rules("x"))
    assert not {"flushall", "flushdb", "keys", "config", "acl"} & REDIS_COMMANDS
