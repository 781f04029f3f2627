"""Publication dates shown on the page: `<time datetime>`, microdata, and visible datelines
("28.04.2023, 19:25 Uhr"), for pages whose metadata has none."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from newscrawler.text import normalize_text

_MODIFIED = re.compile(r"aktualisiert|update|geändert|stand\b|zuletzt|modified", re.IGNORECASE)
_PUBLISHED = re.compile(r"veröffentlicht|erschienen|publiziert|published|erstellt", re.IGNORECASE)
_DATE_CLASS = re.compile(r"date|datum|time|zeit|publish|dateline|meta|info", re.IGNORECASE)
_DATE_TEXT = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})\b(?:,?\s*(?:um\s*)?\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?"
    r"|\b\d{1,2}\.\s+(?:Jan|Feb|Mär|Apr|Mai|Jun|Jul|Aug|Sep|Okt|Nov|Dez)[a-zä]*\.?\s+\d{4}"
    r"(?:,?\s*(?:um\s*)?\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?",
    re.IGNORECASE,
)
_MAIN = etree.XPath("(//article | //main)[1]")
_ITEMPROP = etree.XPath(
    "//*[@itemprop=$prop][@datetime or @content]/@datetime | "
    "//*[@itemprop=$prop][not(@datetime)]/@content"
)


def date_in(text: str) -> str | None:
    """The German date (with its time, if written) inside a longer text:
    "28.04.2023, 19:25 Uhr" from "Erschienen am 28.04.2023, 19:25 Uhr"."""
    match = _DATE_TEXT.search(text)
    return match.group() if match else None


def _context(element: HtmlElement) -> str:
    """Text and markers around a date: says whether it is a publication or an update time."""
    parent = element.getparent()
    around = [element.get("class") or "", element.get("itemprop") or ""]
    if parent is not None:
        around += [parent.get("class") or "", normalize_text(parent.text_content())[:80]]
    return " ".join(around)


def itemprop_date(tree: HtmlElement, prop: str) -> str | None:
    """`datetime`/`content` of the first element with `itemprop=prop` (microdata)."""
    for value in _ITEMPROP(tree, prop=prop):
        if str(value).strip():
            return str(value).strip()
    return None


def time_element_date(tree: HtmlElement) -> str | None:
    """The `datetime` of the article's first `<time>` that is not marked as an update time,
    inside `<article>`/`<main>` when the page has one."""
    scopes = _MAIN(tree) or [tree]
    for time in scopes[0].iter("time"):
        value = (time.get("datetime") or "").strip()
        context = _context(time)
        if not value or (_MODIFIED.search(context) and not _PUBLISHED.search(context)):
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
        match = _DATE_TEXT.search(text)
        if not match:
            continue
        before = text[: match.start()]
        if _MODIFIED.search(before) and not _PUBLISHED.search(before):
            continue
        return match.group()
    return None
