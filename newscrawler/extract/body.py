"""Main text: trafilatura finds it, this module turns its result into blocks we can clean.

trafilatura returns an XML body (`p`, `head`, `list`/`item`, `quote`, `table`, with `ref` for
links when asked). Keeping the links lets the cleanup recognise lists of links to other articles
and one-line "Lesen Sie auch: ..." pointers, which plain text cannot show.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement

from newscrawler.text import normalize_text

logger = logging.getLogger(__name__)

HEADING, PARAGRAPH, ITEM, QUOTE, ROW = "heading", "paragraph", "item", "quote", "row"


_SCREEN_READER_ONLY = re.compile(
    r"(?:^|[-_])(?:sr-only|visually-?hidden|screen-?reader(?:-text|-only)?|a11y-?hidden|"
    r"offscreen|vh)$",
    re.IGNORECASE,
)
_SCREEN_READER_CANDIDATES = etree.XPath(
    "//*[@class][contains(@class, 'sr-') or contains(@class, 'idden') or "
    "contains(@class, 'vh') or contains(@class, 'reader') or contains(@class, 'offscreen')]"
)
SCREEN_READER_WORDS = ("sr-only", "idden", "vh", "reader", "offscreen")
"""A page whose HTML contains none of these has no screen-reader-only text (a cheap test)."""


def prune_non_text(tree: HtmlElement, *, may_have_screen_reader_text: bool = True) -> None:
    """Remove what is never article text before trafilatura sees the page: figures with their
    captions and credits, and text only screen readers get ("(öffnet im neuen Fenster)")."""
    for figure in list(tree.iter("figure", "figcaption")):
        if figure.getparent() is not None:
            figure.drop_tree()
    if not may_have_screen_reader_text:
        return
    for element in _SCREEN_READER_CANDIDATES(tree):
        tokens = (element.get("class") or "").split()
        if any(_SCREEN_READER_ONLY.search(t) for t in tokens) and element.getparent() is not None:
            element.drop_tree()


@dataclass
class Block:
    """One paragraph-level unit of the body."""

    kind: str
    text: str
    link_share: float = 0.0
    """Share of the text's characters inside links."""
    group: int = -1
    """Index of the list or table the block belongs to (-1: none)."""


def _text(element: _Element) -> str:
    return normalize_text("".join(element.itertext()))


def _text_and_link_share(element: _Element) -> tuple[str, float]:
    text = _text(element)
    if not text:
        return "", 0.0
    linked = sum(
        len(_text(ref))
        for ref in element.iter("ref")
        if not (ref.get("target") or "").startswith("#")  # in-page anchors are not elsewhere
    )
    return text, min(1.0, linked / len(text))


def blocks_from_body(body: _Element) -> list[Block]:
    for line_break in body.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    blocks: list[Block] = []
    for index, child in enumerate(body):
        tag = child.tag
        if tag == "list":
            for item in child.iter("item"):
                text, share = _text_and_link_share(item)
                if text:
                    blocks.append(Block(ITEM, text, share, index))
        elif tag == "table":
            for row in child.iter("row"):
                cells = [_text(cell) for cell in row]
                text = " | ".join(cell for cell in cells if cell)
                if text:
                    blocks.append(Block(ROW, text, 0.0, index))
        else:
            text, share = _text_and_link_share(child)
            if text:
                kind = {"head": HEADING, "quote": QUOTE}.get(str(tag), PARAGRAPH)
                blocks.append(Block(kind, text, share))
    return blocks


_PARAGRAPH_TEXT = etree.XPath("//p//text()")
_RETRY_SHARE = 0.5
"""trafilatura's fast mode is rerun in full (with its readability/jusText comparison) when
it found less than this share of the page's paragraph text."""


def _run_trafilatura(tree: HtmlElement, *, fast: bool, favor_recall: bool) -> _Element | None:
    try:
        document = trafilatura.bare_extraction(
            tree,
            fast=fast,
            include_comments=False,
            include_links=True,
            include_tables=True,
            favor_recall=favor_recall,
            with_metadata=False,
        )
    except Exception:  # trafilatura is third-party code run on hostile input
        logger.warning("trafilatura failed on this page", exc_info=True)
        return None
    return getattr(document, "body", None)


def main_text_blocks(tree: HtmlElement, *, favor_recall: bool = False) -> list[Block]:
    """The page's main text as blocks, in reading order. trafilatura works on its own copy of
    `tree`, so the caller's tree is left as it is. No URL is passed on purpose: link targets
    stay as written, so in-page anchors (`#entry-3`) are told from links elsewhere.

    trafilatura runs in fast mode first (its own extractor only); only when that finds little
    of the page's paragraph text does the full cascade with the external comparisons run,
    which costs about as much again."""
    body = _run_trafilatura(tree, fast=True, favor_recall=favor_recall)
    found = len("".join(body.itertext())) if body is not None else 0
    available = sum(len(text.strip()) for text in _PARAGRAPH_TEXT(tree))
    blocks = blocks_from_body(body) if body is not None else []
    if found < _RETRY_SHARE * available:
        logger.debug("short fast extraction (%d of %d characters); full run", found, available)
        full = _run_trafilatura(tree, fast=False, favor_recall=favor_recall)
        if full is not None and len("".join(full.itertext())) > found:
            full_blocks = blocks_from_body(full)
            if len(full_blocks) > 1 or not blocks:
                blocks = full_blocks
    return blocks


_OUTSIDE_TEXT_TAGS = frozenset({"header", "footer", "nav", "aside", "form", "button", "figure"})
_FURNITURE_CLASS = re.compile(r"header|footer|newsletter|related|promo|teaser-?list", re.I)
_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "blockquote"})


def is_glued(blocks: list[Block], titles: list[str]) -> bool:
    """trafilatura's last resort on a page with little text (a paywalled article's one visible
    paragraph) glues a whole container (kicker, headline, byline, buttons) into one block."""
    if len(blocks) != 1:
        return False
    text = blocks[0].text.casefold()
    return any(title and title.casefold() in text for title in titles)


def paragraph_blocks(heading: HtmlElement) -> list[Block]:
    """The paragraphs of the article that contains `heading`, read straight from the markup:
    the fallback for pages too short for trafilatura's heuristics."""
    container = next(
        (a for a in heading.iterancestors() if a.tag in ("article", "main", "body")), None
    )
    if container is None:
        return []
    blocks = []
    for element in container.iter(*_PARAGRAPH_TAGS):
        lineage = [element, *element.iterancestors()]
        lineage = lineage[: lineage.index(container)]
        if any(
            node.tag in _OUTSIDE_TEXT_TAGS or _FURNITURE_CLASS.search(node.get("class") or "")
            for node in lineage
        ):
            continue
        text = normalize_text(element.text_content())
        if text:
            kind = HEADING if element.tag in ("h2", "h3") else PARAGRAPH
            blocks.append(Block(QUOTE if element.tag == "blockquote" else kind, text))
    return blocks
