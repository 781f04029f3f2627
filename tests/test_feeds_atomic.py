"""Atomic publication of feed files: the storage on its own, then `-o` appends in real crawls."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newscrawler.demo.server import ReplicaServer
from newscrawler.publish.files import write_atomically
from newscrawler.publish.layout import run_stamp, uri_params, warn_about_unrecorded_feeds
from newscrawler.publish.readback import read_item_urls
from newscrawler.publish.storage import AtomicFileFeedStorage
from tests.support.crawl import run_crawl
from tests.support.cron import temp_files
from tests.support.replica import list_in_sitemap, write_article


def jsonl(*urls: str) -> bytes:
    return b"".join(json.dumps({"url": url, "title": "t"}).encode() + b"\n" for url in urls)


def test_a_feed_appears_only_complete(tmp_path: Path) -> None:
    final = tmp_path / "shz" / "20220121T113100Z-0001.jsonl"
    storage = AtomicFileFeedStorage(str(final), feed_options={"format": "jsonlines"})
    file = storage.open(spider=None)  # type: ignore[arg-type]
    file.write(jsonl("https://x/1"))
    file.write(b'{"url": "https://x/2", "tit')  # a consumer looking now ...
    assert not final.exists()
    assert list((tmp_path / "shz").glob("*.jsonl")) == []  # ... sees no file at all
    (temp,) = temp_files(tmp_path)
    assert temp.parent == final.parent and temp.name.startswith(".")
    file.write(b'le": "t"}\n')
    storage.store(file)
    assert final.read_bytes() == jsonl("https://x/1", "https://x/2")
    assert temp_files(tmp_path) == []


@pytest.mark.parametrize(("overwrite", "expected"), [(False, ["old", "new"]), (True, ["new"])])
def test_append_and_overwrite(tmp_path: Path, overwrite: bool, expected: list[str]) -> None:
    final = tmp_path / "out.jsonl"
    final.write_bytes(jsonl("old"))
    uri = final.as_uri()  # file:// URIs too
    storage = AtomicFileFeedStorage(uri, feed_options={"format": "jsonl", "overwrite": overwrite})
    file = storage.open(spider=None)  # type: ignore[arg-type]
    file.write(jsonl("new"))
    assert final.read_bytes() == jsonl("old")  # untouched until the feed closes
    storage.store(file)
    assert final.read_bytes() == jsonl(*expected)


def test_item_urls_are_read_back(tmp_path: Path) -> None:
    lines = tmp_path / "a.jsonl"
    lines.write_bytes(jsonl("https://x/1", "https://x/2") + b"\n")
    assert read_item_urls(lines, "jsonlines") == {"https://x/1", "https://x/2"}
    appended_from = len(jsonl("https://x/1"))  # -o: only what this run appended
    assert read_item_urls(lines, "jsonlines", appended_from) == {"https://x/2"}
    packed = tmp_path / "a.jsonl.gz"
    packed.write_bytes(gzip.compress(jsonl("https://x/3")))
    assert read_item_urls(packed, "jsonl") == {"https://x/3"}
    array = tmp_path / "a.json"
    array.write_text(json.dumps([{"url": "https://x/4"}, {"title": "no url"}]))
    assert read_item_urls(array, "json") == {"https://x/4"}
    assert read_item_urls(array, "csv") is None
    # `-o x.json` a second time appends another array (not valid JSON as a whole): this run's
    # array is read from where it starts.
    first_run = array.stat().st_size
    with array.open("a") as file:
        file.write(json.dumps([{"url": "https://x/5"}]))
    assert read_item_urls(array, "json", first_run) == {"https://x/5"}


def test_unreadable_json_is_a_warning_not_a_silence(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    torn = tmp_path / "a.json"
    torn.write_text('[{"url": "https://x/1"}')
    assert read_item_urls(torn, "json") == set()
    assert "Could not read back" in caplog.text and "come again in the next run" in caplog.text


def test_feeds_the_state_cannot_record_are_named_at_the_start(
    caplog: pytest.LogCaptureFixture,
) -> None:
    feeds = {"stdout:": {}, "s3://bucket/%(name)s.jsonl": {}, "out/%(name)s.jsonl": {}}
    warn_about_unrecorded_feeds(feeds)
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 2
    assert warned[0].startswith("Feed stdout: is not a local file")
    assert warned[1].startswith("Feed s3://bucket/%(name)s.jsonl is not a local file")


def test_small_files_are_replaced_atomically(tmp_path: Path) -> None:
    summary = tmp_path / "runs" / "20220121T113100Z.summary.json"
    write_atomically(summary, b'{"exit_status": 4}\n')
    write_atomically(summary, b'{"exit_status": 0}\n')
    assert json.loads(summary.read_text()) == {"exit_status": 0}
    assert temp_files(tmp_path) == []


def test_time_param_is_a_compact_utc_stamp() -> None:
    class NoCrawler:
        crawler = None

    stamp = uri_params({}, NoCrawler())["time"]  # type: ignore[arg-type]
    assert len(stamp) == 16 and stamp[8] == "T" and stamp.endswith("Z")
    assert run_stamp(None)[:8] == stamp[:8]


@pytest.mark.slow
def test_appending_runs_keep_every_article_once(
    shz_site: Path, shz_server: ReplicaServer, tmp_path: Path
) -> None:
    output = tmp_path / "all.jsonl"
    args = {"base_url": shz_server.url}
    first = run_crawl("shz", output=output, args=args, overwrite=False)
    second = run_crawl("shz", output=output, args=args, overwrite=False)
    path = write_article(shz_site, 7)
    list_in_sitemap(shz_site, path)
    third = run_crawl("shz", output=output, args=args, overwrite=False)
    assert [run.returncode for run in (first, second, third)] == [0, 0, 0], third.log[-2000:]
    urls = [item["url"] for item in third.items]
    assert len(urls) == len(set(urls)) == 6
    assert urls[-1].endswith(path)  # appended after the earlier runs' lines
    assert temp_files(tmp_path) == []
