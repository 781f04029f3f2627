"""Article extraction: one HTML page -> one `NewsArticle`.

`extract_page` returns the article and the evidence of what kind of page it is (the spiders
decide from it whether to emit an item); `extract_article` returns the article alone. Both are
pure: no network, no global state, safe to run in a process pool.

The principle, held by the tests on both dev sets (German pages, and 159 pages in 25 other
languages): trafilatura's text is the baseline, and a step that removes text trafilatura kept
needs evidence that holds in any language, or acts only on pages in its language.

- Evidence in any language: markup (paywall prompts, `hasPart`, figures, class vocabularies of
  accessibility CSS), links (link lists, link-only lines), the page's own headlines, authors
  and captions, symbols (©), position (a heading with nothing under it), repetition, and
  letter statistics measured against the page's own text (scrambled paywall text).
- Words of one language (German furniture phrases, month names, "Von" before a name) live in
  `german` and act only where the text reads as German (`language.is_german`); each such rule
  is tested to do nothing on a page in another language.
- Where our passes drop most of trafilatura's words on a page without paywall evidence, the
  page carries the warning "body-mostly-dropped" (a debug line; the crawl counts it as a stat),
  and the dev-set tests fail on it.

The pipeline (`page.extract_page_with_rules`, top to bottom): `html` (decode, parse once) and
`document` (meta tags, JSON-LD, the article node, the headline element); `paywall` (what no
reader can read leaves the page); `body` (trafilatura on the page as the publisher wrote it,
into blocks); `metadata` with `title`, `byline`, `dateline` (the fields, each with the layer it
came from); `cleanup` (named passes over the blocks, `german` for German pages only); `teaser`,
`newsroom` (agencies, the dateline taken off the text, local edition), `media`, `pagetype`.
Per-site selectors and choices, where general signals fail, are data: `rules.ExtractionRules`.
"""

from newscrawler.extract.html import decode_html
from newscrawler.extract.page import (
    ExtractedPage,
    extract_article,
    extract_page,
    extract_page_with_rules,
)
from newscrawler.sites.rules import ExtractionRules

__all__ = [
    "ExtractedPage",
    "ExtractionRules",
    "decode_html",
    "extract_article",
    "extract_page",
    "extract_page_with_rules",
]
