"""The teaser (lead, standfirst) as the page shows it above the text.

Sites put the lead into their metadata (`description`, `og:description`, JSON-LD `description`)
and show it between headline and text, often outside the container the main-text heuristics
pick. Two ways to find it on the page:

1. by a description: the element showing the description is the teaser as the reader sees it
   ("Berlin. Die Füchse stehen ..." where the description lacks the dateline);
2. by position: the text block right before the first paragraph of the body and after the last
   heading, when no description is visible (the lead differs from the SEO description).

A teaser found on the page belongs to the body; a description found nowhere on the page only
fills `teaser`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

from newscrawler.text import CaselessPattern, normalize_text

_NOT_SHOWN = frozenset({"script", "style", "noscript", "template", "title", "textarea"})
_XPATH_SPACE = re.compile(r"[ \t\r\n]+")
_INLINE = frozenset({"span", "strong", "b", "em", "i", "a", "font", "small", "mark", "u"})
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "ul", "ol", "table", "figure", "header", "footer", "aside",
     "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "form", "nav", "main"}
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "hgroup"})
# Searched on every ancestor of each candidate: see CaselessPattern for the cost.
_HIDDEN_STYLE = CaselessPattern(r"display\s*:\s*none|visibility\s*:\s*hidden")
_SKIP_ANCESTORS = frozenset(
    {"a", "nav", "footer", "li", "button", "select", "option", "label", "figure", "figcaption",
     "aside", "time", "form"}
)  # fmt: skip
_NOT_A_LEAD = CaselessPattern(
    r"author|autor|byline|date|datum|time|meta|credit|caption|copyright|breadcrumb|share|social|"
    r"comment|newsletter|ad-|advert|promo|related|teaser-list|footer|nav"
)
_LEAD_MARKER = CaselessPattern(
    r"intro|lead|teaser|preface|summary|standfirst|subline|vorspann|abstract|excerpt|"
    r"description|kurztext"
)
_WORD = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*$")
_SENTENCE_END = re.compile(r"[.!?…\"“”»«)]$")
MIN_LEAD_WORDS, MAX_LEAD_WORDS = 8, 100


class _Texts(dict[HtmlElement, str]):
    """The text of elements, read at most once per page: the searches for a description and
    for the first paragraph walk the same elements."""

    def __missing__(self, element: HtmlElement) -> str:
        text = self[element] = element.text_content()
        return text


class _Needle:
    """Words to find in an element's text as XPath's `contains(normalize-space(.), "w1 w2 …")`
    finds them, without normalising each text: the words (which hold no whitespace) separated
    by runs of space, tab, CR or LF. (Normalising the text of every element on the way down
    cost 3 ms a page.)"""

    def __init__(self, words: list[str]):
        self.pattern = re.compile(_XPATH_SPACE.pattern.join(map(re.escape, words)))

    def found_in(self, text: str) -> bool:
        return self.pattern.search(text) is not None


def _deepest_containing(tree: HtmlElement, needle: _Needle, texts: _Texts) -> Iterator[HtmlElement]:
    """The elements in `<body>` whose text (normalize-space) contains `needle` while none of
    their child elements' does, in document order; `script`, `style` and the like never.

    The XPath `//body//*[contains(normalize-space(.), $needle)][not(*[contains(...)])]`
    gives the same elements but reads the text of every element of the page; this descends
    only into the elements whose text contains the needle."""
    for body in tree.iter("body"):
        if any(ancestor.tag == "body" for ancestor in body.iterancestors()):
            continue  # its elements are those of the outer body
        for child in _children_containing(body, needle, texts):
            yield from _deepest_within(child, needle, texts)


def _children_containing(
    element: HtmlElement, needle: _Needle, texts: _Texts
) -> Iterator[HtmlElement]:
    for child in element:
        if isinstance(child.tag, str) and needle.found_in(texts[child]):
            yield child


def _deepest_within(element: HtmlElement, needle: _Needle, texts: _Texts) -> Iterator[HtmlElement]:
    """`_deepest_containing` below an element whose text contains the needle."""
    inner = False
    for child in _children_containing(element, needle, texts):
        inner = True
        yield from _deepest_within(child, needle, texts)
    if not inner and element.tag not in _NOT_SHOWN:
        yield element


def _tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _usable(element: HtmlElement) -> bool:
    for node in (element, *element.iterancestors()):
        if node.tag in _SKIP_ANCESTORS and node is not element:
            return False
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            return False
        if _HIDDEN_STYLE.search(node.get("style") or ""):
            return False
    return True


def _block_of(element: HtmlElement, description_length: int) -> HtmlElement:
    """The block element around an inline match (`<strong>` in `<p>`, `<span>`s in a `<div>`),
    as long as it does not grow into the article."""
    while element.tag in _INLINE:
        parent = element.getparent()
        if parent is None:
            break
        if len(normalize_text(parent.text_content())) > 1.5 * description_length + 80:
            break
        element = parent
    return element


def _by_description(
    tree: HtmlElement, descriptions: Iterable[str], texts: _Texts
) -> tuple[str, bool] | None:
    body = tree.find("body")
    page_text = texts[body] if body is not None else ""
    for raw in descriptions:
        description = _ELLIPSIS.sub("", normalize_text(raw))
        words = description.split()
        if len(words) < 4:
            continue
        wanted = _tokens(description)
        for size in (6, 3):
            needle = _Needle(words[:size])
            if not needle.found_in(page_text):
                continue
            for match in _deepest_containing(tree, needle, texts):
                if not _usable(match):
                    continue
                block = _block_of(match, len(description))
                text = normalize_text(block.text_content())
                if len(wanted & _tokens(text)) < 0.6 * len(wanted):
                    continue
                return text, len(text) <= 1.5 * len(description) + 80
    return None


def locate(tree: HtmlElement, text: str, texts: _Texts | None = None) -> HtmlElement | None:
    """The innermost element whose text starts like `text` (a paragraph of the body)."""
    words = normalize_text(text).split()
    if len(words) < 3:
        return None
    for match in _deepest_containing(tree, _Needle(words[:6]), texts or _Texts()):
        return match
    return None


def _is_leaf_block(element: HtmlElement) -> bool:
    return not any(isinstance(child.tag, str) and child.tag in _BLOCKS for child in element)


def _squash(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _is_headline(element: HtmlElement, titles: set[str]) -> bool:
    text = _squash(element.text_content())
    return bool(text) and any(t in text or (text in t and len(text) > len(t) / 2) for t in titles)


def _by_position(
    tree: HtmlElement, first_paragraph: HtmlElement, titles: Iterable[str]
) -> str | None:
    """The lead-like text block between the headline and the first body paragraph: after the
    heading that shows the title, or, when no heading does (the visible headline differs from
    every declared one), after the last heading."""
    wanted = {_squash(t) for t in titles if _squash(t)}
    after_title: str | None = None
    after_heading: str | None = None
    seen_title = seen_heading = False
    body = tree.find("body")
    for element in (body if body is not None else tree).iter():
        if element is first_paragraph:
            return after_title if seen_title else after_heading
        if not isinstance(element.tag, str):
            continue
        if element.tag in _HEADINGS:
            if _is_headline(element, wanted):
                seen_title, after_title = True, None
            seen_heading, after_heading = True, None
            continue
        if not seen_heading or element.tag in _INLINE:
            continue
        if element.tag in ("script", "style", "noscript", "template"):
            continue
        if not _is_leaf_block(element) or first_paragraph in element.iterdescendants():
            continue
        text = normalize_text(element.text_content())
        words = len(_WORD.findall(text))
        if not MIN_LEAD_WORDS <= words <= MAX_LEAD_WORDS or not _SENTENCE_END.search(text):
            continue
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        if _NOT_A_LEAD.search(marker) or not _usable(element):
            continue
        after_heading = text
        if seen_title:
            after_title = text
    return None


def find_teaser(
    tree: HtmlElement,
    descriptions: Iterable[str],
    first_paragraph: str | None,
    titles: Iterable[str] = (),
) -> tuple[str, bool] | None:
    """(text, is_lead) of the teaser shown on the page, or None. is_lead is False when the
    description only quotes a longer paragraph of the text itself."""
    texts = _Texts()
    found = _by_description(tree, descriptions, texts)
    if found or not first_paragraph:
        return found
    anchor = locate(tree, first_paragraph, texts)
    if anchor is None:
        return None
    if _marked_as_lead(anchor):
        return normalize_text(first_paragraph), True
    text = _by_position(tree, anchor, titles)
    return (text, True) if text else None


def _marked_as_lead(element: HtmlElement) -> bool:
    """The body's first paragraph is the teaser itself (`<p class="preface">`,
    `itemprop="description"`)."""
    for node in (element, *list(element.iterancestors())[:2]):
        marker = " ".join(node.get(a) or "" for a in ("class", "id", "itemprop", "data-testid"))
        if _LEAD_MARKER.search(marker):
            return True
    return False
