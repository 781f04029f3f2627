"""Article extraction for the spiders, kept off the crawl's event loop where it is costly.

The spiders await `ExtractionWorkers.extract(...)`; how the work is run (inline, or in a
process pool) is decided here, not in the spiders.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from newscrawler.extract import ExtractedPage, extract_page

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self


def decode_body(body: bytes, declared_encoding: str | None) -> str | bytes:
    """The page as text if the HTTP-declared charset decodes it cleanly; otherwise the bytes,
    for the extractor's own charset detection (pages declared UTF-8 that are really Latin-1)."""
    if declared_encoding:
        try:
            return body.decode(declared_encoding)
        except (LookupError, UnicodeDecodeError):
            pass
    return body


def extract(
    body: bytes, url: str, declared_encoding: str | None, crawled_at: datetime
) -> ExtractedPage:
    """One page to one extracted page: the unit of work, runnable in any process."""
    return extract_page(decode_body(body, declared_encoding), url, crawled_at=crawled_at)


class ExtractionWorkers:
    """Runs `extract` for a crawl. This version runs it inline."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()

    async def extract(
        self, body: bytes, url: str, *, declared_encoding: str | None, crawled_at: datetime
    ) -> ExtractedPage:
        return extract(body, url, declared_encoding, crawled_at)
