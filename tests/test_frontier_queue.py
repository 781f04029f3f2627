"""The shared frontier's queue keeps requests as JSON: what the spiders queue comes back the
same, and what is not our JSON (a pickle above all) is refused unread, never unpickled. The
queue against a real redis-server; the crawl with planted values is in test_redis_security.py."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import redis
import scrapy
from hypothesis import given
from hypothesis import strategies as st
from scrapy.http import FormRequest
from scrapy.utils.request import request_from_dict

from newscrawler.discovery import ArticleLead
from newscrawler.frontier_queue import (
    FORMAT,
    JsonPriorityQueue,
    UnreadableRequest,
    dumps,
    loads,
)
from newscrawler.request_meta import LEAD_META_KEY
from tests.support.scale import RedisServer

BERLIN_WINTER = timezone(timedelta(hours=1))


class ListingSpider(scrapy.Spider):
    name = "listing"

    def parse_article(self, response: Any) -> None:
        """An article callback."""

    def on_error(self, failure: Any) -> None:
        """An errback."""


def article_request(spider: ListingSpider) -> scrapy.Request:
    """An article request as the spiders make it: a lead with aware dates, headers, cookies."""
    published = datetime(2022, 1, 21, 12, 31, tzinfo=BERLIN_WINTER)
    lead = ArticleLead("https://www.shz.de/a-41250311", "sitemap", published, None)
    return scrapy.Request(
        "https://www.shz.de/a-41250311",
        callback=spider.parse_article,
        errback=spider.on_error,
        priority=10,
        headers={"Accept-Language": "de", "X-Raw": b"\xff\x00"},
        cookies={"consent": "no"},
        meta={LEAD_META_KEY: lead, "redirect_urls": ["https://shz.de/x"], "depth": 2},
        cb_kwargs={"pair": ("a", b"b")},
        flags=["retried"],
    )


def round_trip(request: scrapy.Request, spider: scrapy.Spider) -> scrapy.Request:
    return request_from_dict(loads(dumps(request.to_dict(spider=spider))), spider=spider)


def test_a_spiders_request_comes_back_the_same() -> None:
    spider = ListingSpider()
    request = article_request(spider)
    again = round_trip(request, spider)
    assert again.to_dict(spider=spider) == request.to_dict(spider=spider)
    assert again.callback == spider.parse_article and again.errback == spider.on_error
    assert again.meta[LEAD_META_KEY] == request.meta[LEAD_META_KEY]
    assert again.cb_kwargs == {"pair": ("a", b"b")}
    form = FormRequest("https://x.de/s", formdata={"q": "Kiel"}, callback=spider.parse_article)
    assert type(round_trip(form, spider)) is FormRequest
    assert round_trip(form, spider).body == b"q=Kiel"


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    | st.binary() | st.datetimes(timezones=st.just(timezone.utc)),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner)
    | st.dictionaries(st.text() | st.binary(max_size=3), inner, max_size=3),
    max_leaves=12,
)  # fmt: skip


@given(meta=st.dictionaries(st.text(), values, max_size=4))
def test_any_meta_of_plain_values_comes_back_the_same(meta: dict[str, Any]) -> None:
    """Bytes, tuples, datetimes, dicts with bytes keys or keys like "$bytes" included."""
    spider = ListingSpider()
    request = scrapy.Request("https://x.de/", meta=meta, callback=spider.parse_article)
    assert round_trip(request, spider).meta == meta


def pickled_payload(marker: Path) -> bytes:
    """A pickle that creates `marker` when it is unpickled."""

    class Payload:
        def __reduce__(self) -> tuple[Any, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    return pickle.dumps(Payload())


def our_json(request: dict[str, Any]) -> str:
    return json.dumps({"format": FORMAT, "request": request})


def test_a_pickle_is_refused_unread(tmp_path: Path) -> None:
    control = tmp_path / "control"
    pickle.loads(pickled_payload(control))  # the payload is real: it runs
    assert control.exists()
    marker = tmp_path / "pwned"
    with pytest.raises(UnreadableRequest, match="not JSON"):
        loads(pickled_payload(marker))
    assert not marker.exists()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"\x80\x05garbage", "not JSON"),
        ("[" * 100_000, "not JSON"),
        (json.dumps({"url": "https://x.de/"}), "not a newscrawler request"),
        (our_json({"url": "https://x.de/", "_class": "os.system"}), "unknown request class"),
        (our_json({"url": "https://x.de/", "callback": "__init__"}), "not a public method"),
        (our_json({"url": "https://x.de/", "errback": ["parse"]}), "not a public method"),
        (our_json({"url": "https://x.de/", "body": {"$bytes": "%%%"}}), "malformed"),
        (our_json({"url": "https://x.de/", "meta": {"$lead": {"evil": 1}}}), r"bad \$lead"),
        (our_json({"url": "https://x.de/", "meta": {"$eval": "1+1"}}), r"bad \$eval"),
        (our_json({"url": 7}), "not a request"),
    ],
)
def test_values_that_are_not_our_requests_are_refused(value: str | bytes, reason: str) -> None:
    with pytest.raises(UnreadableRequest, match=reason):
        loads(value)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with RedisServer.running(tmp_path_factory.mktemp("redis")) as server:
        yield server


def test_the_queue_in_redis_holds_json_and_skips_what_is_not(
    redis_server: RedisServer, tmp_path: Path
) -> None:
    spider = ListingSpider()
    client = redis_server.client()
    client.flushall()
    # (scrapy-redis's client, like this one, reads bytes)
    raw = redis.Redis.from_url(redis_server.url())
    queue = JsonPriorityQueue(raw, spider, "f:%(spider)s:requests")
    assert queue.key == "f:listing:requests"
    queue.push(article_request(spider))
    [stored] = client.zrange(queue.key, 0, -1)
    assert json.loads(stored)["format"] == FORMAT
    marker = tmp_path / "pwned"
    client.zadd(queue.key, {pickled_payload(marker): -100})  # first in line
    popped = queue.pop()
    assert popped is not None
    assert popped.to_dict(spider=spider) == article_request(spider).to_dict(spider=spider)
    assert not marker.exists()
    assert queue.pop() is None and len(queue) == 0
    # What cannot be written as JSON is not queued (an error, not a crash of the crawl).
    queue.push(scrapy.Request("https://x.de/", meta={"an object": object()}))
    assert len(queue) == 0
