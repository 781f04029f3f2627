"""Sitemaps off the reactor and streamed: the crawl's longest stall, peak memory and URLs/s
while `scrapy crawl news` reads a gzipped sitemap of 50,000 and of 200,000 URLs, today's
callback against the new one, side by side in one run.

- today: the callback as it was before issue 15 (`TODAY_PARSE_SITEMAP` below, verbatim):
  the whole document gunzipped, parsed into a tuple of every entry on the reactor thread,
  then a request per entry;
- after: `NewsSpider.parse_sitemap`, the sitemap gunzipped and parsed as a stream
  (`iter_sitemap`) in the listing thread, a batch of entries at a time.

Each variant runs in a process of its own (peak RSS is per process) on an asyncio loop, as
Scrapy's reactor is; a ticker on the loop measures how long the loop was kept from running
(the stall: no download, no other callback, no heartbeat meanwhile). The requests are dropped
once made, as the incremental middleware drops the leads of known articles in a cron run.

    python benchmarks/sitemap_stream.py [URLS ...]
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import lxml.etree
from scrapy.http import XmlResponse
from scrapy.utils.test import get_crawler

from newscrawler.discovery import ArticleLead, Sitemap, _local_name, _sitemap_entry, maybe_gunzip
from newscrawler.spiders.news import GenericNewsSpider

SIZES = [int(n) for n in sys.argv[1:] if n.isdigit()] or [50_000, 200_000]
TICK = 0.002


def today_parse_sitemap(data: bytes) -> Sitemap:
    """`newscrawler.discovery.parse_sitemap` before issue 15 (entity check left out: the same
    in both)."""
    parser_events = lxml.etree.iterparse(
        io.BytesIO(data), events=("end",), recover=True, resolve_entities=False,
        no_network=True, huge_tree=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    is_index = False
    entries: list[ArticleLead] = []
    for _, element in parser_events:
        name = _local_name(element.tag)
        is_index = is_index or name == "sitemapindex"
        if name in ("url", "sitemap"):
            entry = _sitemap_entry(element)
            element.clear()
            if entry is not None:
                entries.append(entry)
    return Sitemap(is_index=is_index, entries=tuple(entries))


def sitemap(urls: int) -> bytes:
    """A gzipped news sitemap of `urls` article URLs with dates."""
    entries = "".join(
        f"<url><loc>https://www.example.de/lokales/kiel/artikel/meldung-nummer-{n}-{40000000 + n}"
        f"</loc><lastmod>2024-04-28T08:{n % 60:02d}:00+02:00</lastmod></url>\n"
        for n in range(urls)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n'
    )
    return gzip.compress(xml.encode(), compresslevel=6)


def memory_kb(field: str) -> int:
    """A memory figure of this process from /proc (Linux): `VmHWM` is the peak RSS. (Not
    getrusage's ru_maxrss: it keeps the parent's peak across fork and exec.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


async def ticker(gaps: list[float], stop: asyncio.Event) -> None:
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(TICK)
        now = time.perf_counter()
        gaps.append(now - last - TICK)
        last = now


def spider() -> GenericNewsSpider:
    crawler = get_crawler(GenericNewsSpider, {"DOWNLOAD_MAXSIZE": 1 << 30, "LOG_LEVEL": "INFO"})
    return GenericNewsSpider.from_crawler(crawler, sitemap="https://www.example.de/sitemap.xml")


async def today(news: GenericNewsSpider, response: XmlResponse) -> int:
    # (the old callback was a plain generator: Scrapy drains it without yielding the loop)
    parsed = today_parse_sitemap(maybe_gunzip(response.body, 1 << 30))
    return sum(1 for _ in news.lead_requests(parsed.entries))


async def after(news: GenericNewsSpider, response: XmlResponse) -> int:
    made = 0
    async for _ in news.parse_sitemap(response):
        made += 1
    return made


async def measure(variant: str, path: str) -> dict[str, Any]:
    body = Path(path).read_bytes()  # (written by the parent: its making is not measured)
    news = spider()
    response = XmlResponse("https://www.example.de/sitemap.xml.gz", body=body)
    baseline = memory_kb("VmHWM")
    gaps: list[float] = []
    stop = asyncio.Event()
    ticking = asyncio.ensure_future(ticker(gaps, stop))
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    made = await (today if variant == "today" else after)(news, response)
    elapsed = time.perf_counter() - started
    stop.set()
    await ticking
    peak = memory_kb("VmHWM")
    return {
        "requests": made,
        "seconds": elapsed,
        "stall_ms": max(gaps) * 1000,
        "peak_mb": peak / 1024,
        "growth_mb": (peak - baseline) / 1024,
    }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(measure(sys.argv[2], sys.argv[3]))))
        return
    folder = Path(tempfile.mkdtemp(prefix="sitemap-bench-"))
    # growth: peak RSS over the process's RSS with the gzipped sitemap read and the spider made
    print(f"{'URLs':>8} {'variant':<7} {'longest stall':>14} {'peak RSS':>9} {'growth':>8}"
          f" {'URLs/s':>9}")  # fmt: skip
    for urls in SIZES:
        path = folder / f"sitemap-{urls}.xml.gz"
        path.write_bytes(sitemap(urls))
        for variant in ("today", "after"):
            child = subprocess.run(
                [sys.executable, __file__, "--child", variant, str(path)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            result = json.loads(child.stdout.strip().splitlines()[-1])
            assert result["requests"] == urls, result
            print(
                f"{urls:>8} {variant:<7} {result['stall_ms']:>11.0f} ms"
                f" {result['peak_mb']:>6.0f} MB {result['growth_mb']:>5.0f} MB"
                f" {urls / result['seconds']:>9,.0f}"
            )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
