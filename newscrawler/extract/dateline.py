"""Publication dates shown on the page: `<time datetime>`, microdata, and visible datelines
("28.04.2023, 19:25 Uhr"), for pages whose metadata has none. Where a date stands in a text and
what its label means is `newscrawler.dates`' knowledge; this module finds the elements."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from newscrawler.dates import MODIFIED_LABEL, PUBLISHED_LABEL, date_span
from newscrawler.text import normalize_text

_DATE_CLASS = re.compile(r"date|datum|time|zeit|publish|dateline|meta|info", re.IGNORECASE)
_MAIN = etree.XPath("(//article | //main)[1]")
# The matching attributes, their elements from them: the XPath `//*[@itemprop=$prop]
# [@datetime or @content]/@datetime | //*[@itemprop=$prop][not(@datetime)]/@content` tested a
# predicate on every element of the page, twice (1.0 against 0.35 ms a call, both dev sets).
_ITEMPROP = etree.XPath("//@itemprop[. = $prop]")


def _context(element: HtmlElement) -> str:
    """Text and markers around a date: says whether it is a publication or an update time."""
    parent = element.getparent()
    around = [element.get("class") or "", element.get("itemprop") or ""]
    if parent is not None:
        around += [parent.get("class") or "", normalize_text(parent.text_content())[:80]]
    return " ".join(around)


def itemprop_date(tree: HtmlElement, prop: str) -> str | None:
    """`datetime` (else `content`) of the first element with `itemprop=prop` that has one
    (microdata)."""
    for itemprop in _ITEMPROP(tree, prop=prop):
        element = itemprop.getparent()
        value = element.get("datetime")
        value = value if value is not None else element.get("content")
        if value is not None and value.strip():
            return value.strip()
    return None


def time_element_date(tree: HtmlElement) -> str | None:
    """The `datetime` of the article's first `<time>` that is not marked as an update time,
    inside `<article>`/`<main>` when the page has one."""
    scopes = _MAIN(tree) or [tree]
    for time in scopes[0].iter("time"):
        value = (time.get("datetime") or "").strip()
        context = _context(time)
        if not value or (MODIFIED_LABEL.search(context) and not PUBLISHED_LABEL.search(context)):
            continue
        return value
    return None


def visible_dateline(tree: HtmlElement) -> str | None:
    """A date written out near the headline, in an element marked as date/time/meta: the
    first such text that does not say it is an update."""
    scopes = _MAIN(tree) or [tree.find("body") if tree.find("body") is not None else tree]
    for element in scopes[0].iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _DATE_CLASS.search(marker):
            continue
        text = normalize_text(element.text_content())
        if not text or len(text) > 120:
            continue
        span = date_span(text)
        if span is None:
            continue
        before = text[: span[0]]
        if MODIFIED_LABEL.search(before) and not PUBLISHED_LABEL.search(before):
            continue
        return text[span[0] : span[1]]
    return None
