"""Article extraction: one HTML page -> one `NewsArticle`.

`extract_page` returns the article and the evidence of what kind of page it is (the spiders
decide from it whether to emit an item); `extract_article` returns the article alone. Both are
pure: no network, no global state, safe to run in a process pool.

Modules, in the order a page goes through them: `html` (decode, parse once), `jsonld`, `meta`,
`title`, `byline`, `dateline` (metadata layers), `paywall`, `teaser`, `body` (trafilatura),
`cleanup` (what German news sites add to the text), `media`, `pagetype`; `page` assembles them.
Per-site selectors, where general signals fail, are data: `rules.ExtractionRules`.
"""

from newscrawler.extract.html import decode_html
from newscrawler.extract.page import (
    ExtractedPage,
    extract_article,
    extract_page,
    extract_page_with_rules,
)
from newscrawler.extract.rules import ExtractionRules

__all__ = [
    "ExtractedPage",
    "ExtractionRules",
    "decode_html",
    "extract_article",
    "extract_page",
    "extract_page_with_rules",
]
