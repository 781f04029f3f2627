"""Versions, revisits and the run history with the Redis state, in real crawls: the same
behaviour as with SQLite (tests/test_versions_crawl.py), kept in one redis-server."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.cron import run_cron
from tests.support.replica import REPLICA_ARTICLES, list_in_sitemap, write_article
from tests.support.scale import RedisServer
from tests.support.versions import FAST_REVISITS, add_paragraph

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path / "redis") as server:
        yield server


def test_a_version_two_and_the_history_in_redis(redis_server: RedisServer, tmp_path: Path) -> None:
    site = Path(shutil.copytree(SITES_DIR / "shz", tmp_path / "site"))
    changed = write_article(site, 1)
    list_in_sitemap(site, changed)
    settings = {**FAST_REVISITS, "NEWSCRAWLER_STATE_URL": redis_server.url()}
    with ReplicaServer(site, conditional=True) as server:
        args = {"base_url": server.url}
        first = run_cron("shz", tmp_path / "out", args=args, settings=settings)
        add_paragraph(site, 1)
        time.sleep(1.2)
        second = run_cron("shz", tmp_path / "out", args=args, settings=settings)
    assert first.returncode == 0, first.log[-3000:]
    assert second.returncode == 0, second.log[-3000:]
    assert len(first.items) == len(REPLICA_ARTICLES) + 1
    (item,) = second.items
    assert urlsplit(item["url"]).path == changed
    assert (item["version"], item["changed_fields"]) == (2, ["body"])
    assert second.summary is not None
    assert second.summary["counts"]["not_modified"] == len(REPLICA_ARTICLES)
    history = redis_server.client().lrange("newscrawler:state:shz:run_history", 0, -1)
    runs = [json.loads(entry) for entry in history]
    assert [run["items"] for run in runs] == [len(REPLICA_ARTICLES) + 1, 1]
    assert runs[1]["new_versions"] == 1 and runs[1]["not_modified"] == len(REPLICA_ARTICLES)
