"""Article extraction: one HTML page -> one `NewsArticle`.

First version: JSON-LD `NewsArticle` for the metadata, trafilatura for the body, a short list of
boilerplate lines removed. Pure: no network, no global state.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import lxml.html
import trafilatura
from w3lib.encoding import html_to_unicode

from newscrawler.dates import normalize_date
from newscrawler.items import NewsArticle
from newscrawler.text import count_words, fingerprint, normalize_text
from newscrawler.urls import strip_tracking

ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle",
                 "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle",
                 "LiveBlogPosting", "BlogPosting", "Report"}  # fmt: skip
BOILERPLATE = re.compile(
    r"^(zur Startseite|Diskutieren Sie mit\.?|Leserkommentare anzeigen|Avatar_\S*.*|"
    r"Weiterlesen nach der Anzeige|Anzeige|(Foto|Bild|Grafik): .{0,80}|© .{0,80})$",
    re.IGNORECASE,
)


def decode_html(html: str | bytes) -> str:
    """Text of a page: bytes are decoded with the declared charset, else detected."""
    if isinstance(html, str):
        return html
    _, text = html_to_unicode(None, html)
    return text


def _iter_jsonld(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath('//script[@type="application/ld+json"]/text()'):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                yield node
                if "@graph" in node:
                    stack.append(node["@graph"])


def _article_jsonld(tree: Any) -> dict[str, Any]:
    for node in _iter_jsonld(tree):
        types = node.get("@type")
        types = types if isinstance(types, list) else [types]
        if ARTICLE_TYPES.intersection(t for t in types if isinstance(t, str)):
            return node
    return {}


def _names(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = []
    for entry in values:
        name = entry.get("name") if isinstance(entry, dict) else entry
        if isinstance(name, str) and name.strip():
            names.append(normalize_text(name))
    return names


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        values = tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
        if values and values[0].strip():
            return normalize_text(values[0])
    return None


def _is_free(value: Any) -> bool:
    return str(value).strip().lower() not in {"false", "0", "no"}


def _clean_body(text: str) -> str:
    paragraphs = [normalize_text(p) for p in text.split("\n")]
    return "\n\n".join(p for p in paragraphs if p and not BOILERPLATE.match(p))


def extract_article(
    html: str | bytes, url: str, *, crawled_at: datetime | None = None
) -> NewsArticle:
    """Extract title, authors, dates, body and the other `NewsArticle` fields from one page."""
    text = decode_html(html)
    crawled = (crawled_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    tree = lxml.html.fromstring(text) if text.strip() else lxml.html.fromstring("<html/>")
    ld = _article_jsonld(tree)

    paywalled = not _is_free(ld.get("isAccessibleForFree", ld.get("isAccessibleforFree", True)))
    for node in tree.xpath('//*[@data-paywall or contains(@class, "paywall")]'):
        paywalled = True
        node.getparent().remove(node)  # scrambled text after the paywall box is never body

    body = trafilatura.extract(
        lxml.html.tostring(tree, encoding="unicode"),
        url=url,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
    )
    body = _clean_body(body or "")
    raw_date = ld.get("datePublished") or _meta(tree, "article:published_time", "date")
    teaser = ld.get("description") or _meta(tree, "description", "og:description")
    image = ld.get("image")
    image_url = image.get("url") if isinstance(image, dict) else image
    keywords = ld.get("keywords") or _meta(tree, "keywords") or []
    if isinstance(keywords, str):
        keywords = [k.strip() for k in keywords.split(",") if k.strip()]
    section = ld.get("articleSection")
    if isinstance(section, list):
        section = section[0] if section else None

    return NewsArticle(
        url=strip_tracking(url),
        canonical_url=(tree.xpath('//link[@rel="canonical"]/@href') or [None])[0],
        title=normalize_text(ld.get("headline") or _meta(tree, "og:title") or "") or None,
        teaser=normalize_text(teaser) if isinstance(teaser, str) else None,
        authors=_names(ld.get("author")),
        date_published=normalize_date(raw_date, now=crawled) if raw_date else None,
        date_published_raw=raw_date,
        date_modified=normalize_date(ld["dateModified"], now=crawled)
        if isinstance(ld.get("dateModified"), str)
        else None,
        section=section if isinstance(section, str) else None,
        tags=[str(k) for k in keywords] if isinstance(keywords, list) else [],
        language=(tree.xpath("/html/@lang") or [None])[0],
        body=body,
        word_count=count_words(body),
        image_url=image_url if isinstance(image_url, str) else None,
        is_paywalled=paywalled,
        crawled_at=crawled.replace(microsecond=0).isoformat(),
        fingerprint=fingerprint(body),
    )
