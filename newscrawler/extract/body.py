"""Main text: trafilatura finds it, this module turns its result into blocks we can clean.

trafilatura returns an XML body (`p`, `head`, `list`/`item`, `quote`, `table`, with `ref` for
links when asked). Keeping the links lets the cleanup recognise lists of links to other articles
and one-line "Lesen Sie auch: ..." pointers, which plain text cannot show.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import trafilatura
from lxml import etree
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from newscrawler.text import count_words, normalize_text

logger = logging.getLogger(__name__)

HEADING, PARAGRAPH, ITEM, QUOTE, ROW = "heading", "paragraph", "item", "quote", "row"


_SCREEN_READER_ONLY = re.compile(
    r"(?:^|[-_])(?:sr-only|visually-?hidden|screen-?reader(?:-text|-only)?|a11y-?hidden|"
    r"offscreen|vh)$",
    re.IGNORECASE,
)
# Every name `_SCREEN_READER_ONLY` takes holds one of these, in some case.
_SCREEN_READER_ROOTS = ("sr-only", "visually", "screen", "a11y", "offscreen", "vh")
_HAVING_CLASS = etree.XPath("//@class[contains(., $name)]/..")


def drop_screen_reader_text(tree: HtmlElement, class_values: Iterable[str]) -> None:
    """Remove text only screen readers get ("(öffnet im neuen Fenster)" inside a link): the
    class vocabulary of accessibility CSS says so in any language. Only a name of that
    vocabulary among the page's `class_values` is searched for (on 70 of the 196 dev-set
    pages): 1.2 against 2.3 ms a page for testing candidate elements along the attribute axis.
    A name no element of `tree` has any more costs a search and removes nothing."""
    elements: dict[HtmlElement, None] = {}
    for name in screen_reader_names(class_values):
        for element in _HAVING_CLASS(tree, name=name):
            if name in (element.get("class") or "").split():
                elements[element] = None
    # Any order: removing an element keeps its tail in its parent, nested ones included.
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


def screen_reader_names(class_values: Iterable[str]) -> set[str]:
    """The class names in `class_values` that hide text from sighted readers. Only the names
    around a root of the vocabulary are split out and tested: 0.3 against 0.8 ms a page on
    devset for splitting every value. Lower-casing keeps every position in ASCII text; other
    text has every name tested."""
    joined = " ".join(class_values)
    if not joined.isascii():
        return {name for name in set(joined.split()) if _SCREEN_READER_ONLY.search(name)}
    lowered = joined.lower()
    found = set()
    for root in _SCREEN_READER_ROOTS:
        start = lowered.find(root)
        while start != -1:
            name = _word_at(joined, start)
            if _SCREEN_READER_ONLY.search(name):
                found.add(name)
            start = lowered.find(root, start + len(root))
    return found


def _word_at(text: str, position: int) -> str:
    """The word of `text` (as `str.split` cuts it) holding the character at `position`."""
    start = end = position
    while start and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


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
        for ref in element.iter("ref", "a")
        if not (ref.get("target") or ref.get("href") or "").startswith("#")  # in-page anchor
    )
    return text, min(1.0, linked / len(text))


_LISTS = frozenset({"list", "ul", "ol", "dl"})
_TABLES = frozenset({"table"})
_KINDS = {"head": HEADING, "quote": QUOTE, "blockquote": QUOTE}
_KINDS.update(dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6"), HEADING))
_CONTAINERS = frozenset({"div", "section", "article", "main", "body", "header", "footer"})
_BLOCK_CHILDREN = frozenset(
    {"p", "head", "quote", "blockquote", "list", "ul", "ol", "dl", "table", "div", "section",
     "article", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
)  # fmt: skip


def blocks_from_body(body: _Element) -> list[Block]:
    """trafilatura's body as blocks. Its own extractor returns flat XML (`p`, `head`, `list`,
    `quote`, `table`); its fallbacks (readability, jusText) can return HTML containers
    (`<div><p>…</p></div>`), which are descended into rather than read as one block."""
    for line_break in body.iter("lb", "br"):
        line_break.tail = " " + (line_break.tail or "")
    blocks: list[Block] = []
    _collect_blocks(body, blocks, [0])
    return blocks


def _collect_blocks(parent: _Element, blocks: list[Block], groups: list[int]) -> None:
    for child in parent:
        tag = str(child.tag)
        if tag in _LISTS:
            groups[0] += 1
            for item in child.iter("item", "li", "dd", "dt"):
                text, share = _text_and_link_share(item)
                if text:
                    blocks.append(Block(ITEM, text, share, groups[0]))
        elif tag in _TABLES:
            groups[0] += 1
            for row in child.iter("row", "tr"):
                cells = [_text(cell) for cell in row]
                text = " | ".join(cell for cell in cells if cell)
                if text:
                    blocks.append(Block(ROW, text, 0.0, groups[0]))
        elif tag in _CONTAINERS and any(str(c.tag) in _BLOCK_CHILDREN for c in child):
            _collect_blocks(child, blocks, groups)
        else:
            text, share = _text_and_link_share(child)
            if text:
                blocks.append(Block(_KINDS.get(tag, PARAGRAPH), text, share))


# Plain strings: smart ones (which know their element) cost a proxy object each.
_PARAGRAPH_TEXT = etree.XPath("//p//text()", smart_strings=False)
_RETRY_SHARE = 0.5
"""trafilatura's fast mode is rerun in full (with its readability/jusText comparison) when
it found less than this share of the page's paragraph text..."""
_SHORT_TEXT = 250
"""...or less than this many characters: trafilatura's own MIN_EXTRACTED_SIZE, below which its
full cascade tries jusText."""


@lru_cache(maxsize=4)
def _extractor(*, fast: bool, favor_recall: bool) -> Extractor:
    """trafilatura's options, built once: `bare_extraction` builds them from its keyword
    arguments on every call otherwise (0.2-0.3 ms a page), and never changes them. Only the
    XML body is read: with an output format other than "python", `bare_extraction` leaves out
    the plain-text copy of the body (0.5 ms a page)."""
    return Extractor(
        output_format="xml",
        fast=fast,
        recall=favor_recall,
        comments=False,
        links=True,
        tables=True,
        with_metadata=False,
    )


def _run_trafilatura(tree: HtmlElement, *, fast: bool, favor_recall: bool) -> _Element | None:
    try:
        options = _extractor(fast=fast, favor_recall=favor_recall)
        with _head_set_aside(tree):
            document = trafilatura.bare_extraction(tree, options=options)
    except Exception:  # trafilatura is third-party code run on hostile input
        logger.warning("trafilatura failed on this page", exc_info=True)
        return None
    return getattr(document, "body", None)


# What a parsed `<head>` holds on the 196 dev-set pages once code is stripped. None of these is
# read by trafilatura before it deletes `<head>` (nor by its page measure and baseline, which
# read `<body>`), and none is deleted by it before `<head>` (an element holding another of
# its kind stops the deletion loop early, so the order of deletions matters).
_INERT_HEAD_TAGS = frozenset(
    {"meta", "link", "title", "base", "noscript", "img", "iframe", "style", "script", "template"}
)


@contextmanager
def _head_set_aside(tree: HtmlElement) -> Iterator[None]:
    """`tree` with an empty `<head>` for the duration: trafilatura copies the head with the
    page, then deletes it unread (7 % of a dev-set page's elements; 2 M instructions a page,
    the same result on all 196 pages). Only a head of inert elements (`_INERT_HEAD_TAGS`) is
    emptied."""
    head = tree.find("head")
    if head is None or not all(e.tag in _INERT_HEAD_TAGS for e in head.iterdescendants()):
        yield
        return
    children, text = list(head), head.text
    for child in children:
        head.remove(child)  # the child's tail goes with it, and comes back with it
    head.text = None
    try:
        yield
    finally:
        head.text = text
        head.extend(children)


def main_text_blocks(tree: HtmlElement, *, favor_recall: bool = False) -> list[Block]:
    """The page's main text as blocks, in reading order. trafilatura works on its own copy of
    `tree`, so the caller's tree is left as it is. No URL is passed on purpose: link targets
    stay as written, so in-page anchors (`#entry-3`) are told from links elsewhere.

    trafilatura runs in fast mode first (its own extractor only); only when that may have missed
    the article (`_may_have_missed`) does the full cascade with the external comparisons run,
    which costs about as much again."""
    body = _run_trafilatura(tree, fast=True, favor_recall=favor_recall)
    found = len("".join(body.itertext())) if body is not None else 0
    blocks = blocks_from_body(body) if body is not None else []
    if _may_have_missed(tree, found, blocks):
        logger.debug("fast extraction may have missed the article (%d characters); full run", found)
        full = _run_trafilatura(tree, fast=False, favor_recall=favor_recall)
        full_blocks = blocks_from_body(full) if full is not None else []
        # The full cascade is what trafilatura itself returns: taken unless it glued into one
        # block what the fast run found as several.
        if full_blocks and (len(full_blocks) > 1 or len(blocks) <= 1):
            blocks = full_blocks
    return blocks


def _may_have_missed(tree: HtmlElement, found: int, blocks: list[Block]) -> bool:
    """Whether trafilatura's fast mode (`found` characters in `blocks`) may have missed text its
    full cascade finds: it glued the page into one block (its last resort, navigation
    included), or it found less than half of the page's paragraph text and either little text
    (where the cascade tries jusText) or less than one container's paragraphs hold.

    The container test is readability's own view of a page (a paragraph scores for its parent,
    half for its grandparent): with no container holding more than the fast mode found, the
    comparison keeps the fast mode's text. Measured on both dev sets: of the 14 pages of
    several blocks the share test sends to the full run, the result changed on the 2 with a
    container 2.0 and 5.4 times what the fast mode found, and on none of the 12 others
    (0.3-1.6 times; the one above 1 still runs in full), whose full runs cost about 5 ms a
    page on devset-intl."""
    if len(blocks) == 1:
        return True
    available = sum(len(text.strip()) for text in _PARAGRAPH_TEXT(tree))
    if found >= _RETRY_SHARE * available:
        return False
    return found < _SHORT_TEXT or _largest_paragraph_container(tree) > found


def _largest_paragraph_container(tree: HtmlElement) -> float:
    """Characters of paragraph text in the element holding the most of it, counting each
    paragraph for its parent and half for its grandparent (as readability scores them)."""
    held: dict[HtmlElement, float] = defaultdict(float)
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        if parent is None:
            continue
        length = len(paragraph.text_content().strip())
        held[parent] += length
        grandparent = parent.getparent()
        if grandparent is not None:
            held[grandparent] += length / 2
    return max(held.values(), default=0.0)


_FIGURES = etree.XPath("//figure[not(ancestor::figure)] | //figcaption")


def figure_texts(tree: HtmlElement) -> list[str]:
    """Texts of the page's figures and captions: a body block repeating one is a caption."""
    return [t for t in (normalize_text(f.text_content()) for f in _FIGURES(tree)) if t]


_OUTSIDE_TEXT_TAGS = frozenset({"header", "footer", "nav", "aside", "form", "button", "figure"})
_FURNITURE_CLASS = re.compile(r"header|footer|newsletter|related|promo|teaser-?list", re.I)
_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "blockquote"})


def is_glued(blocks: list[Block], titles: Iterable[str]) -> bool:
    """trafilatura's last resort on a page with little text (a paywalled article's one visible
    paragraph) glues a whole container (kicker, headline, byline, buttons) into one block."""
    if len(blocks) != 1:
        return False
    text = blocks[0].text.casefold()
    return any(title and title.casefold() in text for title in titles)


def unglued(blocks: list[Block], heading: HtmlElement | None, titles: Iterable[str]) -> list[Block]:
    """`blocks`, or, when trafilatura glued the article's container into one block, the
    paragraphs of the article read from the markup, if they hold a good part of that block's
    text (the rest is kicker, headline, byline and buttons; not a whole page glued into one)."""
    if heading is None or not is_glued(blocks, titles):
        return blocks
    paragraphs = paragraph_blocks(heading)
    kept = sum(count_words(block.text) for block in paragraphs)
    return paragraphs if kept >= _UNGLUED_SHARE * count_words(blocks[0].text) else blocks


_UNGLUED_SHARE = 0.3


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
