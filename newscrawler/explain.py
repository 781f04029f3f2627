"""`python -m newscrawler extract --explain`: where each text of a page went.

The extraction reports what it removed itself (`ExtractedPage.dropped_blocks`: elements removed
before trafilatura read the page, blocks the cleanup removed). What trafilatura did not take as
the article's text at all (a footer with "zur Startseite", a comment box) it cannot report: it
never saw it as text. This module finds that too, by reading the page's article element (or its
`<main>`, or `<body>`) line by line and keeping the lines that are in no field, not in the body
and not reported dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from newscrawler.sites import profile_for_url
from newscrawler.verdict import page_verdict

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from newscrawler.extract import ExtractedPage

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "button", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "td", "th", "tr", "ul",
})  # fmt: skip
"""Elements that start a new line of text."""
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
MAX_LINES = 40
_NOT_WORD = re.compile(r"\W+")


def _key(text: str) -> str:
    """Text reduced to its letters and digits, for comparisons that ignore spacing, case and
    punctuation (quotes, dashes) the extraction may have normalised."""
    return _NOT_WORD.sub("", text.lower())


def container(tree: HtmlElement) -> HtmlElement:
    """The page's own article (the outermost `<article>` holding an `<h1>`), else `<main>`, else
    `<body>`, else the whole page."""
    for path in ("//article[not(ancestor::article)][.//h1]", "//main", "//body"):
        found = tree.xpath(path)
        if found:
            return found[0]
    return tree


def text_lines(element: HtmlElement) -> list[str]:
    """The element's visible text, one entry per line a browser would break it into."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag and tag not in SKIPPED_TAGS:
            block = tag in BLOCK_TAGS
            parts.append("\n" if block else "")
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")
            parts.append("\n" if block else "")

    walk(element)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return [line for line in lines if line]


def left_out(html: str | bytes, page: ExtractedPage) -> Iterator[str]:
    """Lines of the page's article that trafilatura did not take: in no field of the item,
    not in its body, not among the texts the extraction reports dropped."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return
    article = asdict(page.article)
    accounted = [str(value) for value in article.values() if isinstance(value, str)]
    accounted += [str(v) for value in article.values() if isinstance(value, list) for v in value]
    accounted += [str(v) for v in (article.get("headlines") or {}).values() if v]
    accounted += [text for _, text in page.dropped_blocks]
    keys = sorted({_key(text) for text in accounted if len(_key(text)) >= 4}, key=len, reverse=True)
    known = "\n".join(keys)
    for line in text_lines(container(tree)):
        key = _key(line)
        if key and key not in known and not _made_of(key, keys):
            yield line


def _made_of(key: str, parts: list[str]) -> bool:
    """Whether a line consists of accounted texts but for a few letters (a figure's caption
    and credit, both in fields, joined by "Foto:")."""
    rest = key
    for part in parts:
        if part in rest:
            rest = rest.replace(part, "")
    return len(rest) <= max(6, len(key) // 5)


def explanation(html: str | bytes, page: ExtractedPage) -> Iterator[str]:
    """The lines `extract --explain` writes: the page type and its signals, the source of each
    field, every element and block removed with the reason, and what trafilatura left out."""
    yield f"page type: {page.page_type} (is_article={page.is_article})"
    yield f"signals: {', '.join(page.article_signals) or '-'}"
    profile = profile_for_url(page.article.url)
    verdict = page_verdict(page, pattern_vouches=bool(profile and profile.article_url_re))
    yield f"verdict: {'item' if verdict else 'no item'} ({verdict.evidence})"
    for name, layer in page.field_sources:
        yield f"  {name:<15} from {layer}"
    for reason, text in page.dropped_blocks:
        yield f"  dropped ({reason}): {_shortened(text)}"
    lines = list(left_out(html, page))
    for line in lines[:MAX_LINES]:
        yield f"  left out by trafilatura (not main text): {_shortened(line)}"
    if len(lines) > MAX_LINES:
        yield f"  ... and {len(lines) - MAX_LINES} more lines left out by trafilatura"


def _shortened(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
