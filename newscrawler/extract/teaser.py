"""The teaser (lead, standfirst): found on the page by the description the page declares.

Sites put the lead in their metadata (`description`, `og:description`, JSON-LD `description`)
and show it above the text, often outside the container the main-text heuristics pick. When
the description is visible on the page, that element's text is the teaser as the reader sees
it ("Berlin. Die Füchse stehen ..."), and it belongs to the body; when it is only metadata, it
fills `teaser` but not the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree
from lxml.html import HtmlElement

from newscrawler.text import normalize_text

_DEEPEST_CONTAINING = etree.XPath(
    "//body//*[not(self::script or self::style or self::noscript or self::template or "
    "self::title or self::textarea)][contains(normalize-space(.), $needle)]"
    "[not(*[contains(normalize-space(.), $needle)])]"
)
_INLINE = frozenset({"span", "strong", "b", "em", "i", "a", "font", "small", "mark", "u"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIP_ANCESTORS = frozenset({"a", "nav", "footer", "li", "button", "select", "option", "label"})
_WORD = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\])\s*$")


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


def visible_teaser(tree: HtmlElement, descriptions: Iterable[str]) -> tuple[str, bool] | None:
    """(text, is_lead) of the page element showing one of `descriptions`; is_lead is False when
    the element is a longer paragraph of the text itself (the description quotes the body).
    None when no description is visible."""
    for description in descriptions:
        description = _ELLIPSIS.sub("", normalize_text(description))
        words = description.split()
        if len(words) < 4:
            continue
        wanted = _tokens(description)
        for size in (6, 3):
            needle = " ".join(words[:size])
            for match in _DEEPEST_CONTAINING(tree, needle=needle):
                if not _usable(match):
                    continue
                block = _block_of(match, len(description))
                text = normalize_text(block.text_content())
                if len(wanted & _tokens(text)) < 0.6 * len(wanted):
                    continue
                return text, len(text) <= 1.5 * len(description) + 80
    return None
