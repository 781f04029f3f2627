"""The two baselines of benchmarks/crawl_throughput.py, as plain Scrapy spiders.

    scrapy runspider benchmarks/baseline_spider.py -a sitemap=URL -a mode=fetch|trafilatura

Both read the sitemap with Scrapy's own `SitemapSpider`. `mode=fetch` yields a small item per
page and extracts nothing: what the framework alone manages here. `mode=trafilatura` is the
naive spider: `trafilatura.bare_extraction` called inline in the callback, blocking the event
loop for as long as each page takes.
"""

from __future__ import annotations

from typing import Any

import trafilatura
from scrapy.http import Response
from scrapy.spiders import SitemapSpider


class BaselineSpider(SitemapSpider):
    name = "baseline"

    def __init__(self, sitemap: str, mode: str = "fetch", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if mode not in ("fetch", "trafilatura"):
            raise ValueError(f"mode must be fetch or trafilatura, got {mode!r}")
        self.sitemap_urls = [sitemap]
        self.mode = mode

    def parse(self, response: Response) -> Any:
        if self.mode == "fetch":
            yield {"url": response.url, "bytes": len(response.body)}
            return
        document = trafilatura.bare_extraction(response.text, url=response.url, with_metadata=True)
        if document is not None:
            yield {
                "url": response.url,
                "title": document.title,
                "author": document.author,
                "date": document.date,
                "text": document.text,
            }
