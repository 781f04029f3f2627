"""Paywalls: whether an article is behind one, and which parts of the page no reader can read.

Signals, most specific first: schema.org `isAccessibleForFree` (also the misspelled
`isAccessibleforFree`, and as the strings "False"/"false"), Google's paywall markup
(`hasPart: {"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": ".x"}`),
paywall prompts in the markup (class or id `paywall`, `data-paywall`), and per-site selectors.

Only what no reader can read leaves the page before trafilatura sees it: prompt boxes (short
containers with buttons or links, marked as paywall), text scrambled by the publisher, filler
text under a blur. Every test here reads markup or character statistics, never words of one
language: sites mark real paragraphs `paywall` too (the metered part of the text, delivered
readable), and a rule that drops them drops the article.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from lxml import etree
from lxml.html import HtmlElement

from newscrawler.extract.document import Document
from newscrawler.extract.html import select
from newscrawler.extract.jsonld import Node, get, node_types

logger = logging.getLogger(__name__)

MARKUP_WORDS = ("aywall", "AYWALL", "bfuscat", "crambl", "encrypted-content", "blurred-text")
_MARKER_WORD = re.compile("|".join(MARKUP_WORDS))


def _marked(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements whose class, id or data-area names a paywall, or with `data-paywall`, in
    document order. A loop in Python: libxml2's XPath `contains()` over every attribute took
    2.4 times as long (measured on both dev sets). `element.get` for each name, not the
    `attrib` proxy: 5.3 against 7.9 M instructions a page (callgrind, devset)."""
    search = _MARKER_WORD.search
    for element in tree.iter(etree.Element):
        get = element.get
        classes, identifier, area = get("class"), get("id"), get("data-area")
        if (
            (classes and search(classes))
            or (identifier and search(identifier))
            or (area and search(area))
            or get("data-paywall") is not None
        ):
            yield element


# Each attribute on its own: a union of node-sets costs a sort into document order.
_ID_VALUES = etree.XPath("//@id", smart_strings=False)
_AREA_VALUES = etree.XPath("//@data-area", smart_strings=False)
_HAS_DATA_PAYWALL = etree.XPath("boolean(//@data-paywall)")


def has_paywall_markup(doc: Document) -> bool:
    """Whether `_marked` finds an element: one of `MARKUP_WORDS` in a class, id or data-area,
    or a `data-paywall` attribute. Read from the attribute values alone, as plain strings:
    0.6-0.8 ms a page on the dev sets, against 1.2 for finding the words in the page's HTML
    (mostly in its scripts) and 1.3-1.5 for walking the elements, which most pages then skip."""
    names = "\n".join(doc.class_values() + _ID_VALUES(doc.tree) + _AREA_VALUES(doc.tree))
    return any(word in names for word in MARKUP_WORDS) or bool(_HAS_DATA_PAYWALL(doc.tree))


_PAYWALL_MARKER = re.compile(r"paywall|obfuscat|scrambl|encrypted-content|blurred-text", re.I)
_NOT_PAYWALL = re.compile(r"no-?paywall|paywall-?free|without-?paywall|paywall-?off", re.I)
_OBSCURED_MARKER = re.compile(r"blur|obfuscat|scrambl|encrypted", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_CLASS = re.compile(r"^(?:hidden|is-hidden|d-none|hide|display-none)$|--hidden$", re.I)
"""Classes that hide an element (not `overflow-hidden`, which only clips it)."""
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
_TEXT_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "span", "em",
     "strong", "b", "i", "figcaption", "table"}
)  # fmt: skip
"""Elements that hold text themselves: a `paywall` class on them marks metered text."""
_INTERACTIVE = etree.XPath("boolean(.//a | .//button | .//form | .//input)")
_PROMPT_MAX_WORDS = 120
_PARAGRAPH_WORDS = 30
_NOT_SHOWN = frozenset({"script", "style", "noscript", "template"})
_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"\blorem ipsum\b", re.I)


@dataclass
class PaywallInfo:
    paywalled: bool = False
    signals: list[str] = field(default_factory=list)
    unreadable: list[HtmlElement] = field(default_factory=list)
    """Elements whose text no reader can read without a subscription: never part of the body."""
    reference: LetterProfile | None = None
    """Letter statistics of the page's readable text (set when the page shows paywall
    evidence): what `looks_scrambled` compares a block of the body with."""

    @property
    def evident(self) -> bool:
        """The page shows evidence of a paywall (markup or JSON-LD), so text may be scrambled."""
        return bool(self.signals)


def is_free(value: Any) -> bool | None:
    """Reading of an `isAccessibleForFree` value; None when absent or unreadable."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("false", "0", "no", "nein"):
            return False
        if lowered in ("true", "1", "yes", "ja"):
            return True
    return None


# -- scrambled text -----------------------------------------------------------------------------
SCRAMBLED_BELOW = 0.40
"""Similarity of a text's letter pairs to the page's own readable text below which the text is
scrambled. Measured on both dev sets (196 pages, 25 languages): no paragraph of real text in
Latin script scores below 0.48; letters shifted or replaced by the publisher score 0.11-0.35."""
_MIN_LETTERS = 60
_MIN_REFERENCE_PAIRS = 400


_NOT_LETTERS = re.compile(r"[\W\d_]+")


LetterPair = tuple[str, str]


def letter_pairs(text: str) -> Counter[LetterPair]:
    """Counts of adjacent letters, word boundaries included: the fingerprint of a language's
    spelling, whatever the language."""
    # One pass in C: letters only, words separated by one space, pairs of adjacent characters;
    # the pair of two spaces (between words) does not occur, so only real pairs are counted.
    # Pairs as tuples (`pairwise`), not joined into strings: 16.3 against 22.2 M instructions
    # for the body text of a devset page (callgrind).
    letters = f" {_NOT_LETTERS.sub(' ', text.casefold()).strip()} "
    pairs = Counter(pairwise(letters)) if len(letters) < _COUNT_IN_NUMPY else _numpy_pairs(letters)
    pairs.pop((" ", " "), None)
    return pairs


_COUNT_IN_NUMPY = 4096
"""Characters from which pairs are counted in numpy: a page's text (`page_reference`)."""


def _numpy_pairs(letters: str) -> Counter[LetterPair]:
    """`Counter(pairwise(letters))` with the same counts (in another order), counted in numpy:
    each pair one integer of two 21-bit code points, sorted and counted, with no tuple made per
    pair. 1.0 against 1.7 ms for a devset page's text."""
    points = np.frombuffer(letters.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = points.astype(np.uint64)
    codes, counts = np.unique((wide[:-1] << 21) | wide[1:], return_counts=True)
    return Counter(
        {
            (chr(code >> 21), chr(code & 0x1FFFFF)): count
            for code, count in zip(codes.tolist(), counts.tolist(), strict=True)
        }
    )


@dataclass(frozen=True)
class LetterProfile:
    """The letter pairs of a text (a whole page), with what every comparison needs of them."""

    pairs: Counter[LetterPair]
    norm: int
    """Sum of the squared counts."""
    total: int

    @classmethod
    def of(cls, text: str) -> LetterProfile:
        pairs = letter_pairs(text)
        return cls(pairs, sum(v * v for v in pairs.values()), sum(pairs.values()))

    def without(self, text: str) -> LetterProfile:
        """The profile with `text` taken out (a part removed from the page)."""
        pairs = self.pairs - letter_pairs(text)
        return LetterProfile(pairs, sum(v * v for v in pairs.values()), sum(pairs.values()))

    def similarity_to_rest(self, own: Counter[LetterPair]) -> float | None:
        """Cosine similarity of `own` (a part of the page) with the rest of the page, from the
        pairs of `own` alone (no copy of the page's counts; the part must not vouch for
        itself). None when the rest is too small to tell."""
        dot, rest_norm, rest_total = 0, self.norm, self.total
        page_count = self.pairs.get  # a hot loop: no attribute look-up, no max() call
        for pair, count in own.items():
            total = page_count(pair, 0)
            rest = total - count if total > count else 0
            dot += count * rest
            rest_norm += rest * rest - total * total
            rest_total -= total - rest
        if rest_total < _MIN_REFERENCE_PAIRS:
            return None
        own_norm = sum(v * v for v in own.values())
        return dot / math.sqrt(own_norm * rest_norm) if own_norm and rest_norm > 0 else 1.0


_NOT_LATIN = re.compile(r"[^a-zA-Z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")


def _latin_letters(text: str) -> int | None:
    """The number of letters of a text in Latin script (90 % of its letters Latin), else None."""
    # the length of what is left once the runs of other characters are gone, not a list of
    # one-letter strings from `findall` (with the loop below: 6.6 against 8.4 M instructions a
    # page for the scramble verdicts of both dev sets)
    letters = len(_NOT_LETTERS.sub("", text))
    latin = len(_NOT_LATIN.sub("", text))
    return letters if latin >= 0.9 * letters else None


def looks_scrambled(text: str, reference: LetterProfile) -> bool:
    """True for text in Latin letters whose spelling is unlike the page's own readable text
    (`reference`, from `page_reference`): letters shifted or replaced by the publisher so that
    only subscribers' browsers can read it. Scripts with large alphabets (CJK) are never
    measured: no publisher scrambles them, and their letter pairs are too many to compare."""
    return scramble_verdict(text, reference) is True


def scramble_verdict(text: str, reference: LetterProfile) -> bool | None:
    """`looks_scrambled`, or None when the page has too little other text to tell."""
    letters = _latin_letters(text)
    if letters is None or letters < _MIN_LETTERS:
        return False
    similarity = reference.similarity_to_rest(letter_pairs(text))
    return None if similarity is None else similarity < SCRAMBLED_BELOW


def is_placeholder(text: str) -> bool:
    """Filler text a page shows under a blurred overlay instead of the article."""
    return bool(_PLACEHOLDER.search(text))


_REFERENCE_CHARS = 50_000
"""The page's first this many characters of text: a spelling's statistics settle long before."""


def page_reference(tree: HtmlElement) -> LetterProfile:
    """Letter pairs of the text of the page's `<body>` (its code stripped before)."""
    body = tree.find("body")
    text = (body if body is not None else tree).text_content()
    return LetterProfile.of(text[:_REFERENCE_CHARS])


# -- the page's paywall -------------------------------------------------------------------------
def find_paywall(doc: Document) -> PaywallInfo:
    """Paywall signals of the page, and the elements no reader can read."""
    tree, heading = doc.tree, doc.heading
    info = PaywallInfo()
    article_nodes = [doc.article] if doc.article else []
    declared = _declared_free(article_nodes, doc.nodes)
    if declared is False:
        info.signals.append("jsonld:isAccessibleForFree=false")
    marked, part_selectors = _paywalled_parts(article_nodes, doc.nodes)
    if marked:
        info.signals.append("jsonld:hasPart")
    boxes = _paywall_boxes(tree, heading) if has_paywall_markup(doc) else []
    rule_boxes = [
        (selector, [e for e in select(tree, selector) if not _is_protected(e, heading)])
        for selector in doc.rules.paywall
    ]
    for selector, found in rule_boxes:
        if found:
            info.signals.append(f"rules:{selector}")
            info.unreadable.extend(found)
    if not (info.signals or boxes):
        return info
    info.reference = page_reference(tree)
    prompts = [box for box in boxes if _is_prompt(box)]
    # A hidden prompt is a template a metering script shows when it decides to: no evidence.
    shown = [box for box in prompts if _visible_text(box).strip() and not _is_hidden(box)]
    obscured = [box for box in boxes if box not in prompts and _is_unreadable(box, info)]
    if obscured or shown:
        info.signals.append("markup:paywall")
    info.unreadable.extend(prompts + obscured)
    for selector in part_selectors:
        found = [e for e in select(tree, selector) if not _is_protected(e, heading)]
        unreadable = [e for e in found if _is_unreadable(e, info, behind_prompt=bool(shown))]
        if unreadable:
            info.unreadable.extend(unreadable)
            info.signals.append(f"hasPart:{selector}")
    info.paywalled = declared is False or marked or (bool(info.signals) and declared is not True)
    return info


def _declared_free(article_nodes: list[Node], nodes: Iterable[Node]) -> bool | None:
    page_nodes = [n for n in nodes if node_types(n) & {"WebPage", "WebPageElement"}]
    for node in article_nodes + page_nodes:
        declared = is_free(get(node, "isAccessibleForFree"))
        if declared is not None:
            return declared
    return None


def _paywalled_parts(article_nodes: list[Node], nodes: Iterable[Node]) -> tuple[bool, list[str]]:
    """(some part is marked not free, CSS selectors of the paywalled parts)."""
    page_nodes = [n for n in nodes if node_types(n) & {"WebPage", "WebPageElement"}]
    marked, selectors = False, []
    for node in article_nodes + page_nodes:
        parts = get(node, "hasPart")
        for part in parts if isinstance(parts, list) else [parts]:
            if not isinstance(part, dict) or is_free(get(part, "isAccessibleForFree")) is not False:
                continue
            marked = True
            selector = get(part, "cssSelector")
            for value in selector if isinstance(selector, list) else [selector]:
                if isinstance(value, str) and value.strip():
                    selectors.append(value.strip())
    return marked, selectors


def _is_protected(element: HtmlElement, heading: HtmlElement | None) -> bool:
    """Never drop the page itself or the container of the headline: some sites mark the whole
    article (`<article class="has-paywall">`)."""
    if element.tag in _PROTECTED_TAGS:
        return True
    return heading is not None and (element is heading or heading in element.iterdescendants())


def _paywall_boxes(tree: HtmlElement, heading: HtmlElement | None) -> list[HtmlElement]:
    """Elements marked as paywall (class/id `paywall`, `data-paywall`, obfuscated text), the
    outermost of nested ones."""
    boxes: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for element in _marked(tree):
        marker = " ".join(
            (element.get("class") or "", element.get("id") or "", element.get("data-area") or "")
        )
        if element.get("data-paywall") is None and not _PAYWALL_MARKER.search(marker):
            continue
        if _NOT_PAYWALL.search(marker) or _is_protected(element, heading):
            continue
        if any(ancestor in seen for ancestor in element.iterancestors()):
            continue
        boxes.append(element)
        seen.add(element)
    return boxes


def _is_prompt(box: HtmlElement) -> bool:
    """A subscription prompt: a short container (not a paragraph of text) with buttons or
    links. Text the page delivers but hides (`hidden`, `display: none`) until a script has
    checked the subscription is not a prompt: it is the article, and stays."""
    if box.tag in _TEXT_TAGS or not _INTERACTIVE(box):
        return False
    if len(_WORD.findall(_visible_text(box))) > _PROMPT_MAX_WORDS:
        return False
    # an article's opening paragraphs inside the paywall container stay
    return not any(len(_WORD.findall(p.text_content())) >= _PARAGRAPH_WORDS for p in box.iter("p"))


def _is_unreadable(element: HtmlElement, info: PaywallInfo, *, behind_prompt: bool = False) -> bool:
    """Text no reader can read: under a blur, filler, or scrambled. When the page has too
    little other text to tell scrambled text, a part the publisher marks as not free and puts
    behind a visible prompt (`behind_prompt`) is taken as unreadable."""
    marker = " ".join(node.get("class") or "" for node in (element, *element.iterancestors()))
    if _OBSCURED_MARKER.search(marker):
        return True
    text = element.text_content()
    if is_placeholder(text):
        return True
    if info.reference is None:
        return False
    verdict = scramble_verdict(text, info.reference)
    return behind_prompt if verdict is None else verdict


def _hides(node: HtmlElement) -> bool:
    if node.get("hidden") is not None or _HIDDEN_STYLE.search(node.get("style") or ""):
        return True
    return any(_HIDDEN_CLASS.search(token) for token in (node.get("class") or "").split())


def _is_hidden(element: HtmlElement) -> bool:
    return any(_hides(node) for node in (element, *element.iterancestors()))


def _visible_text(element: HtmlElement) -> str:
    """Text of `element` without its hidden descendants and code."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _NOT_SHOWN and not _hides(child):
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
