"""newscrawler: a Scrapy crawler for German regional news.

`extract_article(html, url)` turns one article page into a `NewsArticle`; the spiders in
`newscrawler.spiders` discover article pages and call it for every page they fetch.

The package imports nothing heavy: `extract_article` (and with it the extractor, trafilatura
and the site profiles) is imported on first use, so `import newscrawler.text` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newscrawler.items import NewsArticle

if TYPE_CHECKING:
    from newscrawler.extract import extract_article

__version__ = "0.1.0"
__all__ = ["NewsArticle", "__version__", "extract_article"]


def __getattr__(name: str) -> Any:
    """The attributes imported on first use (PEP 562)."""
    if name == "extract_article":
        from newscrawler.extract import extract_article  # noqa: PLC0415 (heavy: on first use)

        return extract_article
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
