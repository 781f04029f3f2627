"""Spiders for the exit-status tests (loaded with `-s SPIDER_MODULES=...,tests.support.spiders`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from newscrawler.sites.shz import SHZ
from newscrawler.spiders.base import NewsSpider

if TYPE_CHECKING:
    from scrapy.http import Response

    from newscrawler.items import NewsArticle

BROKEN_PAGE = "handball"


class BrokenShzSpider(NewsSpider):
    """The shz spider with a bug: its article callback raises on one page."""

    name = "shz_broken"
    profile = SHZ

    async def parse_article(self, response: Response) -> AsyncIterator[NewsArticle]:
        if BROKEN_PAGE in response.url:
            raise RuntimeError(f"a bug in a callback, on {response.url}")
        async for article in super().parse_article(response):
            yield article
