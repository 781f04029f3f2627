"""Copies across sites in real crawls: two sister sites of the shz family (svz, nnn) and one
RND site (kn) serve the same dpa story (svz the original, nnn with a local paragraph, kn
shortened), their own stories, and different stories on the same events. One crawl per site
over one shared state (a folder of SQLite files, or one redis-server); a second run of each
(`-a incremental=0`, everything emitted again) keeps the cluster ids."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.crawl import run_crawl
from tests.support.scale import RedisServer

pytestmark = pytest.mark.slow

SITES = ("svz", "nnn", "kn")
ORIGINAL = (
    "https://www.svz.de/deutschland-welt/mecklenburg-vorpommern/artikel/"
    "eu-senkt-heringsquote-fuer-die-westliche-ostsee-42996101"
)
LOCAL_COPY = "/lokales/rostock/artikel/ostseefischer-duerfen-noch-weniger-hering-fangen-42886101"
SHORT_COPY = (
    "/schleswig-holstein/heringsquote-sinkt-erneut-fischer-sprechen-von-schwarzem-tag-"
    "K4RQ7XW2NB9ZT5MDS3HJ6VYC1P.html"
)
SAME_EVENT = {  # own stories on the events the agency stories are about
    "/lokales/rostock/artikel/fischer-in-freest-das-reicht-nicht-mal-fuer-den-diesel-42886102",
    "/lokales/kiel/bahnstreik-gestrandet-am-kieler-hauptbahnhof-R2D8F5KQ9WXZ3MTB7NJ4HC6LVP.html",
    "/deutschland-welt/politik/artikel/gdl-ruft-erneut-zum-bahnstreik-auf-42996102",
}


def crawl_all(output: Path, settings: dict[str, str], run: int) -> dict[str, dict[str, Any]]:
    """One crawl per site, in order, sharing the state; the items by path."""
    days = (datetime.now(timezone.utc) - datetime(2020, 1, 1, tzinfo=timezone.utc)).days
    items: dict[str, dict[str, Any]] = {}
    for site in SITES:
        with ReplicaServer(SITES_DIR / site) as server:
            args = {"base_url": server.url, "days": str(days)}
            if run > 1:
                args["incremental"] = "0"
            result = run_crawl(
                site, output=output / f"{site}-{run}.jsonl", args=args, settings=settings
            )
        assert result.returncode == 0, result.log[-3000:]
        assert result.stat("syndication/failed") is None
        items.update(result.by_path())
    return items


@pytest.fixture(params=["sqlite", "redis"])
def shared_state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    if request.param == "sqlite":
        yield {}  # every spider's state in <output>/.state/, the index beside them
        return
    with RedisServer.running(tmp_path / "redis") as server:
        yield {"NEWSCRAWLER_STATE_URL": server.url()}


def test_copies_cluster_across_sites_and_runs(
    shared_state: dict[str, str], tmp_path: Path, article_schema: dict[str, Any]
) -> None:
    first = crawl_all(tmp_path, shared_state, run=1)
    original = first["/deutschland-welt/mecklenburg-vorpommern/artikel/"
                     "eu-senkt-heringsquote-fuer-die-westliche-ostsee-42996101"]  # fmt: skip
    assert original["syndication"] is None  # the first copy
    assert original["agencies"] == ["dpa"] and original["dateline"] == ["Brüssel"]
    local, short = first[LOCAL_COPY], first[SHORT_COPY]
    assert local["syndication"] is not None and short["syndication"] is not None
    cluster = local["syndication"]["cluster"]
    assert short["syndication"]["cluster"] == cluster
    for copy in (local, short):
        assert copy["syndication"]["first_url"] == ORIGINAL
        assert copy["syndication"]["first_site"] == "svz"
        assert copy["syndication"]["first_seen"] == original["crawled_at"]
        assert copy["syndication"]["similarity"] >= 0.5
    # the local paragraph is the copy's own; the shortened copy has little of its own
    assert 0.15 <= local["syndication"]["own_share"] <= 0.5
    assert short["syndication"]["own_share"] <= 0.25  # its own teaser and a rephrased line
    assert local["dateline"] == ["Rostock", "Brüssel"] and local["local_edition"] == "Rostock"
    assert short["dateline"] == ["Brüssel"] and short["agencies"] == ["dpa"]
    others = {path: item for path, item in first.items() if path not in (LOCAL_COPY, SHORT_COPY)}
    assert set(others) >= SAME_EVENT
    assert all(item["syndication"] is None for item in others.values())
    for item in first.values():
        jsonschema.validate(item, article_schema)

    second = crawl_all(tmp_path, shared_state, run=2)
    assert set(second) == set(first)
    for path, item in first.items():
        again = second[path]["syndication"]
        if item["syndication"] is None:
            assert again is None, path
        else:
            assert again["cluster"] == item["syndication"]["cluster"]
            assert again["first_url"] == item["syndication"]["first_url"]


def test_syndication_off_and_a_bad_threshold(tmp_path: Path) -> None:
    with ReplicaServer(SITES_DIR / "svz") as server:
        args = {"base_url": server.url, "days": "3650"}
        off = run_crawl("svz", output=tmp_path / "off.jsonl", args=args,
                        settings={"NEWSCRAWLER_SYNDICATION": "0"})  # fmt: skip
        bad = run_crawl("svz", output=tmp_path / "bad.jsonl", args=args,
                        settings={"NEWSCRAWLER_SYNDICATION_THRESHOLD": "0.1"})  # fmt: skip
    assert off.returncode == 0 and off.items
    assert all(item["syndication"] is None for item in off.items)
    assert off.stat("syndication/first") is None
    assert bad.returncode == 3
    assert "NEWSCRAWLER_SYNDICATION_THRESHOLD must be between" in bad.log
