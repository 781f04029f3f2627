"""The lead image: URL, caption and credit."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from newscrawler.extract.jsonld import Node, clean_text, get
from newscrawler.extract.meta import MetaTags
from newscrawler.text import normalize_text

_CREDIT = re.compile(
    r"(?:^|[\s(|/])(?:(?:fotos?|bild|bildquelle|quelle|credit|copyright)\s*:\s*|©\s*|\(c\)\s*)"
    r"(?P<credit>[^()|]{2,80}?)\s*\)?\s*$",
    re.IGNORECASE,
)
_LEAD_FIGURE = etree.XPath("(//article//figure | //main//figure | //figure)[1]")


@dataclass
class LeadImage:
    url: str | None = None
    caption: str | None = None
    credit: str | None = None


def _image_node(value: Any) -> tuple[str | None, Node | None]:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return value.strip() or None, None
    if isinstance(value, dict):
        url = get(value, "url") or get(value, "contentUrl")
        if isinstance(url, list):
            url = url[0] if url else None
        return (url.strip() if isinstance(url, str) and url.strip() else None), value
    return None, None


def _credit_of(node: Node) -> str | None:
    for key in ("creditText", "copyrightHolder", "author", "creator", "copyrightNotice"):
        value = get(node, key)
        if isinstance(value, list):
            value = value[0] if value else None
        text = clean_text(get(value, "name") if isinstance(value, dict) else value)
        if text:
            return text
    return None


def split_credit(caption: str) -> tuple[str, str | None]:
    """("Caption.", "dpa") from "Caption. Foto: dpa"."""
    match = _CREDIT.search(caption)
    if not match:
        return caption, None
    return caption[: match.start()].strip(" |/"), normalize_text(match.group("credit"))


def lead_image(tree: HtmlElement, article: Node | None, meta: MetaTags, base_url: str) -> LeadImage:
    image = LeadImage()
    node: Node | None = None
    if article:
        image.url, node = _image_node(get(article, "image"))
    image.url = image.url or meta.first("og:image", "og:image:url", "twitter:image")
    if node:
        image.caption = clean_text(get(node, "caption")) or clean_text(get(node, "description"))
        image.credit = _credit_of(node)
    figures = _LEAD_FIGURE(tree)
    if figures and not image.caption:
        caption = figures[0].find(".//figcaption")
        if caption is not None:
            text = normalize_text(caption.text_content())
            if text:
                image.caption, credit = split_credit(text)
                image.credit = image.credit or credit
    if image.caption and not image.credit:
        image.caption, image.credit = split_credit(image.caption)
    image.caption = image.caption or None
    if image.url:
        image.url = urljoin(base_url, image.url)
    return image
