"""Extraction in worker processes: the same items as inline, a crashed worker costs only the
page that crashes it, and no process outlives the crawl.

The crawls are real `scrapy crawl shz` runs against the shz.de replica. Each carries a marker in
its environment, which every process it starts (fork server, workers, resource tracker)
inherits: after the crawl no process may carry it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from newscrawler.extract import extract_page
from newscrawler.workers import (
    MAX_RESTARTS_WITHOUT_PROGRESS,
    ExtractionError,
    ExtractionWorkers,
    decode_body,
    extract,
    usable_cpus,
    worker_count,
)
from tests.support.crawl import CrawlResult, run_crawl
from tests.support.faults import WORKER_CRASH_ENV, WORKER_HANG_ENV, extract_with_faults

KIELER_WOCHE = "/lokales/kiel/artikel/kieler-woche-2022-programm-steht-fest-41251577"
ARTICLE_FILE = SITES_DIR / "shz" / "lokales" / "kiel" / "artikel"
RUN_MARKER = "NEWSCRAWLER_TEST_RUN"


def processes_with_marker(marker: str) -> list[int]:
    """Processes (of this user) whose environment carries `RUN_MARKER=marker`."""
    wanted = f"{RUN_MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = (entry / "environ").read_bytes()
        except OSError:  # gone, or not ours
            continue
        if wanted in environment.split(b"\0"):
            found.append(int(entry.name))
    return found


def crawl_shz(
    server: ReplicaServer,
    output: Path,
    *,
    settings: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """`scrapy crawl shz`; asserts that no process it started is left afterwards."""
    marker = uuid.uuid4().hex
    result = run_crawl(
        "shz",
        output=output,
        args={"base_url": server.url},
        settings=settings,
        env={RUN_MARKER: marker, **(env or {})},
    )
    deadline = time.monotonic() + 10  # the fork server notices its parent's exit by itself
    while processes_with_marker(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with_marker(marker) == [], "processes left behind by the crawl"
    return result


def comparable(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Items by URL without `crawled_at` (the only field that depends on when)."""
    return {item["url"]: {k: v for k, v in item.items() if k != "crawled_at"} for item in items}


@pytest.fixture(scope="module")
def served() -> Iterator[ReplicaServer]:
    with ReplicaServer(SITES_DIR / "shz") as server:
        yield server


@pytest.fixture(scope="module")
def inline(served: ReplicaServer, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    output = tmp_path_factory.mktemp("inline") / "items.jsonl"
    return crawl_shz(served, output, settings={"NEWSCRAWLER_EXTRACT_WORKERS": "0"})


def test_the_marker_finds_processes() -> None:
    """The check for processes left behind is no empty check."""
    marker = uuid.uuid4().hex
    with subprocess.Popen(["sleep", "30"], env={**os.environ, RUN_MARKER: marker}) as sleeper:
        try:
            deadline = time.monotonic() + 5  # until the child has exec'd with its environment
            while not processes_with_marker(marker) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert processes_with_marker(marker) == [sleeper.pid]
        finally:
            sleeper.kill()


# --- The setting ------------------------------------------------------------------------------


def test_worker_count_setting() -> None:
    assert worker_count(None) == worker_count("") == usable_cpus() >= 1
    assert worker_count("0") == 0
    assert worker_count(3) == 3
    with pytest.raises(ValueError, match="NEWSCRAWLER_EXTRACT_WORKERS"):
        worker_count("-1")


# --- A pool without Scrapy ----------------------------------------------------------------------


def test_pool_extracts_like_inline_and_reports_errors(caplog: pytest.LogCaptureFixture) -> None:
    """A real pool of one worker: the page as `extract` gives it inline; an exception in the
    worker comes back as ExtractionError with the original's repr, its traceback logged."""
    body = (ARTICLE_FILE / "kieler-woche-2022-programm-steht-fest-41251577.html").read_bytes()
    url = f"https://www.shz.de{KIELER_WOCHE}"
    when = datetime(2022, 6, 1, 12, tzinfo=timezone.utc)
    workers = ExtractionWorkers(1)

    # An empty page and one of 4 MB besides: frames of every size cross the connection.
    bodies = [body, b"", body.replace(b"</body>", b"<!--" + b"x" * 4_000_000 + b"--></body>")]

    async def run() -> tuple[list[Any], ExtractionError]:
        await workers.open()
        assert len(workers.worker_pids) == 1
        try:
            pages = await asyncio.gather(
                *(
                    workers.extract(b, url, declared_encoding="utf-8", crawled_at=when)
                    for b in bodies
                )
            )
            with pytest.raises(ExtractionError) as raised:
                not_a_time: Any = "yesterday"
                await workers.extract(body, url, declared_encoding=None, crawled_at=not_a_time)
        finally:
            await workers.close()
        return pages, raised.value

    with caplog.at_level(logging.DEBUG):
        pages, error = asyncio.run(run())
    assert pages == [extract(b, url, "utf-8", when) for b in bodies]
    assert pages[0].article.title
    assert repr(error).startswith("AttributeError(")
    tracebacks = [r for r in caplog.records if r.getMessage().startswith("Extraction traceback")]
    assert tracebacks and "AttributeError" in (tracebacks[0].exc_text or "")
    assert workers.worker_pids == []


# --- Real crawls -----------------------------------------------------------------------------


@pytest.mark.slow
def test_workers_give_the_items_of_inline_extraction(
    served: ReplicaServer, inline: CrawlResult, tmp_path: Path
) -> None:
    pooled = crawl_shz(
        served, tmp_path / "items.jsonl", settings={"NEWSCRAWLER_EXTRACT_WORKERS": "2"}
    )
    assert inline.returncode == pooled.returncode == 0, pooled.log[-3000:]
    assert "Extraction runs in 2 worker processes" in pooled.log
    assert pooled.stat("newscrawler/extraction/workers") == 2
    assert inline.stat("newscrawler/extraction/workers") == 0
    assert len(inline.items) == 5
    assert comparable(pooled.items) == comparable(inline.items)
    # The workers' log records reach the crawl's log.
    assert "[newscrawler.extract.page] DEBUG: extracted https://www.shz.de/" in pooled.log
    assert "Extraction workers stopped" in pooled.log


@pytest.mark.slow
def test_a_page_that_kills_its_worker_costs_that_page_only(
    served: ReplicaServer, inline: CrawlResult, tmp_path: Path
) -> None:
    crashed = crawl_shz(
        served, tmp_path / "items.jsonl", env={WORKER_CRASH_ENV: "kieler-woche-2022-programm"}
    )
    assert crashed.returncode == 0, crashed.log[-3000:]
    expected = comparable(inline.items)
    lost = [url for url in expected if KIELER_WOCHE in url]
    assert len(lost) == 1
    del expected[lost[0]]
    assert comparable(crashed.items) == expected
    # Killed once in the pool, once more when retried alone: given up.
    assert crashed.stat("newscrawler/extraction/worker_crashes") == 2
    assert crashed.stat("newscrawler/articles_failed/extraction_crashed") == 1
    # Only the page being extracted was tried again; the other ones the worker had were not
    # begun and went to a worker again as they were.
    assert crashed.stat("newscrawler/extraction/retried") == 1
    warnings = crashed.log_lines("WARNING")
    deaths = [line for line in warnings if "Extraction worker died (pid" in line]
    assert len(deaths) == 2 and all("SIGKILL" in line for line in deaths)
    assert any(
        "Extraction worker lost this page" in line and KIELER_WOCHE in line for line in warnings
    )


@pytest.mark.slow
def test_a_worker_killed_mid_crawl_costs_no_page(
    served: ReplicaServer, inline: CrawlResult, tmp_path: Path
) -> None:
    killed = crawl_shz(
        served,
        tmp_path / "items.jsonl",
        settings={
            "EXTENSIONS": '{"tests.support.faults.KillOneWorker": 0}',
            # One article at a time: the kill falls between pages, mid-crawl.
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
        },
    )
    assert killed.returncode == 0, killed.log[-3000:]
    assert killed.stat("newscrawler/extraction/worker_crashes") == 1
    assert any("Extraction worker died (pid" in line for line in killed.log_lines("WARNING"))
    assert killed.stat("newscrawler/articles_failed/extraction_crashed") is None
    assert comparable(killed.items) == comparable(inline.items)


@pytest.mark.slow
@pytest.mark.alone  # the other pages must each be extracted within the timeout
def test_a_page_that_never_finishes_is_given_up_after_the_timeout(
    served: ReplicaServer, inline: CrawlResult, tmp_path: Path
) -> None:
    hung = crawl_shz(
        served,
        tmp_path / "items.jsonl",
        # (2 s: a page takes 0.1 to 0.5 s, more when other programs share the CPUs)
        settings={"NEWSCRAWLER_EXTRACT_TIMEOUT": "2"},
        env={WORKER_HANG_ENV: "kieler-woche-2022-programm"},
    )
    assert hung.returncode == 0, hung.log[-3000:]
    expected = comparable(inline.items)
    del expected[next(url for url in expected if KIELER_WOCHE in url)]
    assert comparable(hung.items) == expected
    assert hung.stat("newscrawler/articles_failed/extraction_timeout") == 1
    assert hung.stat("newscrawler/extraction/worker_crashes") is None
    assert any(
        "took longer than 2 s" in line and KIELER_WOCHE in line
        for line in hung.log_lines("WARNING")
    )


@pytest.mark.alone  # 1 s of margin for the CPU work of a page
def test_the_timeout_counts_from_when_the_worker_begins_a_page() -> None:
    # One worker, two pages of 1.5 s each sent at once, a timeout of 2.5 s: the second is
    # done 3 s after it was sent, but only 1.5 s after the worker began it.
    slow = functools.partial(extract_with_faults, hang_on="slow-page", hang_seconds=1.5)
    body = (ARTICLE_FILE / "kieler-woche-2022-programm-steht-fest-41251577.html").read_bytes()
    when = datetime(2022, 6, 1, 12, tzinfo=timezone.utc)
    workers = ExtractionWorkers(1, timeout=2.5, extractor=slow)

    async def run() -> list[Any]:
        await workers.open()
        try:
            return await asyncio.gather(
                *(
                    workers.extract(
                        body,
                        f"https://www.shz.de/slow-page-{n}",
                        declared_encoding="utf-8",
                        crawled_at=when,
                    )
                    for n in (1, 2)
                )
            )
        finally:
            await workers.close()

    pages = asyncio.run(run())
    assert [page.article.title for page in pages] == [pages[0].article.title] * 2
    assert pages[0].article.title


@pytest.mark.slow
def test_workers_that_die_on_every_page_close_the_spider(
    served: ReplicaServer, tmp_path: Path
) -> None:
    doomed = crawl_shz(served, tmp_path / "items.jsonl", env={WORKER_CRASH_ENV: "shz.de"})
    assert doomed.items == []
    assert doomed.stat("finish_reason") == "extraction_workers_failing"
    assert any("without extracting a page" in line for line in doomed.log_lines("ERROR"))
    assert doomed.stat("newscrawler/extraction/worker_crashes") >= MAX_RESTARTS_WITHOUT_PROGRESS


def _utf8_page(meta_charset: str) -> bytes:
    text = "Grünkohl für Bärbel: die Straße am Förde-Ufer wird bis zum Herbst gesperrt. " * 8
    return (
        f'<html><head><meta charset="{meta_charset}"><title>Straße gesperrt</title></head>'
        f"<body><article><h1>Straße gesperrt</h1><p>{text}</p><p>{text}</p></article></body></html>"
    ).encode()


@pytest.mark.parametrize("meta_charset", ["utf-8", "iso-8859-1", "windows-1251"])
def test_pages_declared_utf8_by_http_extract_as_their_decoded_text(meta_charset: str) -> None:
    # UTF-8 the extractor reads as UTF-8 by itself is handed over as bytes; a page whose own
    # declaration says otherwise is decoded as HTTP says (the header wins)
    body, url = _utf8_page(meta_charset), "https://www.shz.de/lokales/artikel/a-1"
    when = datetime(2026, 12, 6, tzinfo=timezone.utc)
    expected = extract_page(body.decode("utf-8"), url, crawled_at=when).article
    article = extract(body, url, "utf-8", when).article
    assert article == expected and "Grünkohl" in article.body
    assert isinstance(decode_body(body, "utf-8"), bytes) is (meta_charset != "windows-1251")
