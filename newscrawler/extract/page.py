"""One page -> one `ExtractedPage`: the metadata layers (`metadata`), the body (trafilatura
and our cleanup), the teaser, the lead image and what kind of page it is.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from newscrawler.extract import jsonld, pagetype, teaser
from newscrawler.extract.body import (
    PARAGRAPH,
    SCREEN_READER_WORDS,
    Block,
    is_glued,
    main_text_blocks,
    paragraph_blocks,
    prune_non_text,
)
from newscrawler.extract.cleanup import CleanupContext, clean_blocks, is_furniture
from newscrawler.extract.html import decode_html, select
from newscrawler.extract.media import lead_image
from newscrawler.extract.metadata import ParsedPage
from newscrawler.extract.paywall import MARKUP_WORDS, find_paywall, looks_scrambled
from newscrawler.extract.rules import ExtractionRules
from newscrawler.items import NewsArticle
from newscrawler.text import count_words, fingerprint
from newscrawler.urls import strip_tracking

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractedPage:
    """An extracted page and the evidence of what kind of page it is."""

    article: NewsArticle
    page_type: str = pagetype.UNKNOWN
    """"article", "liveblog", "video", "index" or "unknown"."""
    article_signals: tuple[str, ...] = ()
    """Why the page is (or is not) taken for an article: "jsonld:NewsArticle",
    "og:type=article", "body>=150 words", "url:index-path", ..."""
    field_sources: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """(field, layer) for each metadata field that was found, e.g. ("title", "jsonld")."""
    dropped_blocks: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    """(reason, text) of each block of the main text the cleanup removed ("furniture",
    "link list", "pointer", "headline", "scrambled", ...)."""

    @property
    def is_article(self) -> bool:
        """True for an article or a live blog; False for index, video and unknown pages."""
        return self.page_type in pagetype.ARTICLE_PAGE_TYPES


_GERMAN = frozenset(
    {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "zu", "sich", "auf", "für",
     "dem", "ein", "eine"}
)  # fmt: skip
_ENGLISH = frozenset(
    {"the", "and", "of", "to", "is", "in", "that", "for", "it", "with", "was", "on", "are", "as",
     "be", "by", "this"}
)  # fmt: skip


def _guess_language(body: str) -> str | None:
    words = re.findall(r"[^\W\d_]+", body.casefold())[:400]
    if len(words) < 50:
        return None
    german = sum(w in _GERMAN for w in words)
    english = sum(w in _ENGLISH for w in words)
    if max(german, english) < 0.1 * len(words):
        return None
    return "de" if german > english else "en"


def _remove(elements: Iterable[HtmlElement]) -> None:
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail text, which belongs to the parent


def _squash(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _contains(haystack: str, needle: str) -> bool:
    return _squash(needle) in _squash(haystack)


def _site_patterns(rules: ExtractionRules) -> list[re.Pattern[str]]:
    # ExtractionRules has checked them; `re` caches the compiled patterns.
    return [re.compile(pattern, re.IGNORECASE) for pattern in rules.boilerplate]


def extract_page(
    html: str | bytes, url: str, *, crawled_at: datetime | None = None
) -> ExtractedPage:
    """Extract a page: the `NewsArticle` and whether the page is an article at all. The site's
    extraction rules are looked up by the URL's host (`newscrawler.sites.rules_for_url`)."""
    from newscrawler.sites import rules_for_url  # noqa: PLC0415 (cycle: sites use extract.rules)

    return extract_page_with_rules(html, url, rules_for_url(url), crawled_at=crawled_at)


def extract_page_with_rules(
    html: str | bytes,
    url: str,
    rules: ExtractionRules,
    *,
    crawled_at: datetime | None = None,
) -> ExtractedPage:
    """`extract_page` with the given rules instead of the registered site's (for trying out
    the rules of a new site profile)."""
    crawled = (crawled_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    page = ParsedPage(decode_html(html), url, crawled, rules)

    title = page.title()
    authors = page.authors()
    published, published_raw = page.date_published()
    modified = page.date_modified()
    descriptions = page.descriptions()
    image = lead_image(page.tree, page.article, page.meta, url)

    paywall = find_paywall(
        page.tree,
        page.article,
        page.nodes,
        rules.paywall,
        page.heading,
        may_have_markup=any(word in page.html for word in MARKUP_WORDS),
    )
    _remove(paywall.hidden)
    prune_non_text(
        page.tree, may_have_screen_reader_text=any(w in page.html for w in SCREEN_READER_WORDS)
    )
    for selector in rules.remove:
        _remove(select(page.tree, selector))
    blocks = _body_blocks(page.tree, rules)
    titles = page.title_variants(title)
    if page.heading is not None and is_glued(blocks, titles):
        blocks = paragraph_blocks(page.heading) or blocks
    context = CleanupContext(
        titles=titles,
        authors=authors,
        site_patterns=_site_patterns(rules),
    )
    cleaned = clean_blocks(blocks, context)
    blocks = cleaned.blocks
    if cleaned.scrambled:
        paywall.paywalled = True
        paywall.signals.append("body:scrambled-text")
    lead = _shown_teaser(page, blocks, descriptions, titles, context)
    if lead:
        # A teaser shown above the text is the body's first paragraph, wherever the main-text
        # heuristics put it.
        at = next((i for i, b in enumerate(blocks) if _squash(b.text) == _squash(lead)), None)
        if at is not None:
            blocks.insert(0, blocks.pop(at))
        elif not any(_contains(block.text, lead) for block in blocks[:4]):
            blocks.insert(0, Block(PARAGRAPH, lead))
    teaser_text = lead or (descriptions[0] if descriptions else None)
    body = "\n\n".join(block.text for block in blocks)
    words = count_words(body)

    page_type, signals = pagetype.classify(
        url,
        page.article,
        page.nodes,
        page.meta,
        words,
        foreign_articles=page.foreign_articles,
        # trafilatura's date is a guess from anywhere on the page (a section page has dates
        # too): only a date the page states as the publication date is evidence.
        dated=published is not None and page.sources.layer_of("date_published") != "trafilatura",
    )
    from newscrawler.sites import profile_for_url  # noqa: PLC0415 (cycle: see extract_page)

    profile = profile_for_url(url)
    article = NewsArticle(
        url=strip_tracking(url),
        canonical_url=page.canonical or _absolute(url, jsonld.clean_text(page.ld("url"))),
        site=profile.name if profile else (urlsplit(url).hostname or "").removeprefix("www."),
        title=title,
        teaser=teaser_text,
        authors=authors,
        date_published=published,
        date_published_raw=published_raw,
        date_modified=modified,
        section=page.section(),
        tags=page.tags(),
        language=page.language() or _guess_language(body),
        body=body,
        word_count=words,
        image_url=image.url,
        image_caption=image.caption,
        image_credit=image.credit,
        is_paywalled=paywall.paywalled,
        crawled_at=crawled.replace(microsecond=0).isoformat(),
        fingerprint=fingerprint(body),
    )
    if paywall.signals:
        signals = (*signals, *(f"paywall:{s}" for s in paywall.signals))
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "extracted %s (%s): %s",
            url,
            page_type,
            ", ".join(f"{name} from {layer}" for name, layer in page.sources.items),
        )
    return ExtractedPage(
        article=article,
        page_type=page_type,
        article_signals=signals,
        field_sources=tuple(page.sources.items),
        dropped_blocks=tuple(cleaned.dropped),
    )


def _shown_teaser(
    page: ParsedPage,
    blocks: list[Block],
    descriptions: list[str],
    titles: list[str],
    context: CleanupContext,
) -> str | None:
    """The teaser as the page shows it above the text, when it shows one."""
    first_paragraph = next((b.text for b in blocks if b.kind == PARAGRAPH), None)
    found = teaser.find_teaser(page.tree, descriptions, first_paragraph, titles)
    if not found or not found[1]:
        return None
    text = found[0]
    if is_furniture(text, context.site_patterns) or looks_scrambled(text):
        return None
    page.sources.note("teaser", "page")
    return text


def _absolute(base: str, url: str | None) -> str | None:
    return urljoin(base, url) if url else None


def _body_blocks(tree: HtmlElement, rules: ExtractionRules) -> list[Block]:
    if rules.body:
        containers = select(tree, rules.body)
        if containers:
            return main_text_blocks(containers[0])
    return main_text_blocks(tree)


def extract_article(
    html: str | bytes, url: str, *, crawled_at: datetime | None = None
) -> NewsArticle:
    """Extract title, authors, dates, body and the other `NewsArticle` fields from one page."""
    return extract_page(html, url, crawled_at=crawled_at).article
