"""Headlines: the site-name suffix of `<title>`/`og:title` cut off, the kicker left out."""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml.html import HtmlElement

from newscrawler.text import normalize_text

_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|·|•|::|»|/)\s+")
_KICKER_CLASS = re.compile(
    r"kicker|dachzeile|topline|top-line|overline|roofline|eyebrow|spitzmarke|label|flag",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def _squash(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def _is_site_name(segment: str, site_names: Iterable[str]) -> bool:
    squashed = _squash(segment)
    if not squashed:
        return False
    for name in site_names:
        site = _squash(name)
        if not site:
            continue
        if squashed.startswith(site) or (
            site.startswith(squashed) and len(squashed) >= 0.6 * len(site)
        ):
            return True
    return False


def strip_site_suffix(
    title: str, site_names: Iterable[str] = (), other_titles: Iterable[str] = ()
) -> str:
    """`title` without trailing " | Site" / " - Section | Site" segments: a segment goes when it
    names the site, or when another source of the headline (the `<h1>`, `og:title`) is exactly
    the text before it."""
    names = [n for n in site_names if n]
    others = {normalize_text(t).casefold() for t in other_titles if t}
    current = title
    for _ in range(3):
        separators = list(_SEPARATOR.finditer(current))
        if not separators:
            break
        last = separators[-1]
        head, tail = current[: last.start()].strip(), current[last.end() :].strip()
        if not head or not (_is_site_name(tail, names) or head.casefold() in others):
            break
        current = head
    # A leading "Site | Headline" (some CMS put the brand first).
    separators = list(_SEPARATOR.finditer(current))
    if separators:
        first = separators[0]
        head, tail = current[: first.start()].strip(), current[first.end() :].strip()
        if tail and _is_site_name(head, names):
            current = tail
    return current


def heading_text(heading: HtmlElement) -> str:
    """Text of an `<h1>` without its kicker (elements marked as kicker/overline)."""
    parts: list[str] = []

    def collect(element: HtmlElement) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not _KICKER_CLASS.search(child.get("class") or ""):
                collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(heading)
    return normalize_text(" ".join(parts))


def main_heading(tree: HtmlElement) -> HtmlElement | None:
    """The page's headline element: the first `<h1>` inside `<article>`/`<main>`, else the first
    `<h1>` with text."""
    for path in ("//article//h1", "//main//h1", "//h1"):
        for heading in tree.xpath(path):
            if normalize_text(heading.text_content()):
                return heading
    return None
