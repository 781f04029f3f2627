"""Paywalls: whether an article is behind one, and which parts of the page are not readable.

Signals, most specific first: schema.org `isAccessibleForFree` (also the misspelled
`isAccessibleforFree`, and as the strings "False"/"false"), Google's paywall markup
(`hasPart: {"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": ".x"}`:
the elements matching `.x` are the paywalled part), paywall boxes in the markup (class or id
`paywall`, `data-paywall`), per-site selectors, and text that is scrambled rather than written.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from newscrawler.extract.html import select
from newscrawler.extract.jsonld import Node, get, node_types

logger = logging.getLogger(__name__)

_MARKED = etree.XPath(
    "//*[@class][contains(@class, 'aywall') or contains(@class, 'AYWALL') or "
    "contains(@class, 'bfuscat') or contains(@class, 'crambl') or "
    "contains(@class, 'encrypted-content') or contains(@class, 'blurred-text')] | "
    "//*[@id][contains(@id, 'aywall') or contains(@id, 'AYWALL')] | "
    "//*[@data-paywall] | //*[@data-area][contains(@data-area, 'aywall')]"
)
MARKUP_WORDS = ("aywall", "AYWALL", "bfuscat", "crambl", "encrypted-content", "blurred-text")
"""A page whose HTML contains none of these has no paywall markup (a cheap test first)."""
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_WRAPPER_WORDS = 60
_PAYWALL_MARKER = re.compile(r"paywall|obfuscat|scrambl|encrypted-content|blurred-text", re.I)
_NOT_PAYWALL = re.compile(r"no-?paywall|paywall-?free|without-?paywall|paywall-?off", re.I)
_PROTECTED_TAGS = frozenset({"html", "body", "main", "article"})
_WORD = re.compile(r"[^\W\d_]+")
# Function words that make up a third of any German or English running text.
_STOPWORDS = frozenset(
    {
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "und", "oder", "aber", "nicht", "ist", "sind", "war", "wurde", "werden", "hat", "haben",
        "mit", "von", "zu", "zum", "zur", "im", "in", "auf", "an", "am", "aus", "bei", "für",
        "nach", "über", "um", "wie", "als", "auch", "es", "er", "sie", "wir", "ich", "man",
        "sich", "so", "noch", "nur", "schon", "dass", "wenn", "was", "wer", "the", "a", "and",
        "or", "of", "to", "is", "are", "for", "on", "with", "that", "this", "it", "be", "by",
        "as", "at", "from",
    }
)  # fmt: skip


@dataclass
class PaywallInfo:
    paywalled: bool = False
    signals: list[str] = field(default_factory=list)
    hidden: list[HtmlElement] = field(default_factory=list)
    """Elements whose text is not readable without a subscription: never part of the body."""


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


def _paywalled_parts(nodes: Iterable[Node]) -> tuple[bool, list[str]]:
    """(some part is marked not free, CSS selectors of the paywalled parts)."""
    marked, selectors = False, []
    for node in nodes:
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


def find_paywall(
    tree: HtmlElement,
    article: Node | None,
    nodes: Iterable[Node],
    rule_selectors: Iterable[str] = (),
    heading: HtmlElement | None = None,
    *,
    may_have_markup: bool = True,
) -> PaywallInfo:
    """Paywall signals of the page, and the elements whose text is not readable.
    `may_have_markup=False` (the HTML has none of `MARKUP_WORDS`) skips the markup search."""
    info = PaywallInfo()
    article_nodes = [article] if article else []
    page_nodes = [n for n in nodes if node_types(n) & {"WebPage", "WebPageElement"}]
    declared = None
    for node in article_nodes + page_nodes:
        declared = is_free(get(node, "isAccessibleForFree"))
        if declared is not None:
            break
    if declared is False:
        info.paywalled = True
        info.signals.append("jsonld:isAccessibleForFree=false")
    marked, selectors = _paywalled_parts(article_nodes + page_nodes)
    if marked:
        info.paywalled = True
        info.signals.append("jsonld:hasPart")
    boxes = _paywall_boxes(tree, heading) if may_have_markup else []
    # A hidden box is a template the page shows only when it decides to (a metering script).
    prompts = [box for box in boxes if not _is_hidden(box) and _visible_text(box).strip()]
    if prompts:
        info.signals.append("markup:paywall")
        if declared is not True:
            info.paywalled = True
    hidden: list[HtmlElement] = list(boxes)
    for selector in rule_selectors:
        found = [e for e in select(tree, selector) if not _is_protected(e, heading)]
        if found:
            hidden.extend(found)
            info.signals.append(f"rules:{selector}")
            if declared is not True:
                info.paywalled = True
    for selector in selectors:
        found = [e for e in select(tree, selector) if not _is_protected(e, heading)]
        with_text = [box for box in prompts if len(_WORD.findall(_visible_text(box))) >= 3]
        unreadable = _behind_box(tree, found, with_text)
        unreadable += [
            e for e in found if e not in unreadable and looks_scrambled(e.text_content())
        ]
        if unreadable:
            hidden.extend(unreadable)
            info.signals.append(f"hasPart:{selector}")
    info.hidden = hidden
    return info


def _paywall_boxes(tree: HtmlElement, heading: HtmlElement | None) -> list[HtmlElement]:
    """Elements marked as paywall (class/id `paywall`, `data-paywall`, obfuscated text)."""
    boxes = []
    for element in _MARKED(tree):
        marker = " ".join(
            (element.get("class") or "", element.get("id") or "", element.get("data-area") or "")
        )
        if element.get("data-paywall") is None and not _PAYWALL_MARKER.search(marker):
            continue
        if _NOT_PAYWALL.search(marker) or _is_protected(element, heading):
            continue
        if _is_wrapper(element):
            continue
        boxes.append(element)
    return boxes


_HIDDEN_CLASS = re.compile(r"(?:^|[-_])hidden$", re.I)


def _hides(node: HtmlElement) -> bool:
    if node.get("hidden") is not None or _HIDDEN_STYLE.search(node.get("style") or ""):
        return True
    return any(_HIDDEN_CLASS.search(token) for token in (node.get("class") or "").split())


def _is_hidden(element: HtmlElement) -> bool:
    return any(_hides(node) for node in (element, *element.iterancestors()))


def _visible_text(element: HtmlElement) -> str:
    """Text of `element` without its hidden descendants."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not _hides(child):
            parts.append(_visible_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _is_wrapper(element: HtmlElement) -> bool:
    """A readable, visible container of real text that merely carries a paywall class (some
    CMS mark the article body `paywall-article`): not a box, its text is the article."""
    if element.get("hidden") is not None or _HIDDEN_STYLE.search(element.get("style") or ""):
        return False
    text = element.text_content()
    return len(_WORD.findall(text)) >= _WRAPPER_WORDS and not looks_scrambled(text)


def _behind_box(
    tree: HtmlElement, elements: list[HtmlElement], boxes: list[HtmlElement]
) -> list[HtmlElement]:
    """The `hasPart` elements a reader cannot see: all of them once the page shows a paywall
    prompt (a box with text: "Weiterlesen mit ..."), whether the marked part comes after the
    prompt (scrambled rest) or before it (blurred placeholder text under an overlay).

    Metered sites (NZZ) mark their whole text as `hasPart` but deliver it readable, with at most
    an empty overlay the browser fills in when the meter runs out: no prompt, nothing hidden."""
    return list(elements) if boxes else []


def looks_scrambled(text: str) -> bool:
    """True for running text that no reader could read: obfuscated paywall text (letters
    shifted or shuffled) has words but almost none of the function words every sentence has."""
    words = _WORD.findall(text.casefold())
    if len(words) < 12:
        return False
    common = sum(word in _STOPWORDS for word in words)
    return common / len(words) < 0.04
