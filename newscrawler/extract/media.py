"""The lead image: URL, caption and credit."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from newscrawler.extract.jsonld import Node, clean_text, get
from newscrawler.extract.meta import MetaTags
from newscrawler.text import normalize_text

# Where a caption's credit starts: "Foto: dpa", "Quelle: AP", "© picture alliance | X".
_CREDIT = re.compile(
    r"(?:(?<![\w-])(?:Fotos?|Bild|Bildquelle|Quelle|Credit|Copyright)\s*:\s*|©\s*|\(c\)\s+)"
    r"(?P<credit>[^()]{2,100}?)\s*\)?\s*$"
)
_CREDIT_CLASS = re.compile(r"credit|copyright|source|quelle|fotograf|author|urheber", re.I)
_CREDIT_LABEL = re.compile(r"^(?:fotos?|bild|quelle|credit|copyright|author|autor|©)\s*:?\s*", re.I)
_IMAGE_SOURCES = ("src", "data-src", "srcset", "data-srcset", "data-lazy-src", "data-original")


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
    """("Caption.", "dpa") from "Caption. Foto: dpa" or "Caption. © dpa"."""
    match = _CREDIT.search(caption)
    if not match:
        return caption, None
    return caption[: match.start()].strip(" |/("), normalize_text(match.group("credit"))


def _file_name(url: str) -> str:
    path = urlsplit(url).path.rstrip("/")
    return path.rsplit("/", 1)[-1]


def _figure_of(tree: HtmlElement, image_url: str) -> HtmlElement | None:
    """The `<figure>` showing the lead image, found by the image's file name."""
    name = _file_name(image_url)
    if len(name) < 5:
        return None
    for image in tree.iter("img", "source"):
        if any(name in (image.get(attribute) or "") for attribute in _IMAGE_SOURCES):
            for ancestor in image.iterancestors():
                if ancestor.tag == "figure":
                    return ancestor
            return None
    return None


def _figure_caption(figure: HtmlElement) -> tuple[str | None, str | None]:
    """(caption, credit) of a `<figure>`; the credit from an element marked as such
    (`<span class="credit">Foto: dpa</span>`), wherever it sits in the caption."""
    caption = figure.find(".//figcaption")
    if caption is None:
        return None, None
    text = normalize_text(caption.text_content())
    for element in caption.iterdescendants():
        marker = f"{element.get('class') or ''} {element.get('itemprop') or ''}"
        if not _CREDIT_CLASS.search(marker):
            continue
        shown = normalize_text(element.text_content())
        credit = _CREDIT_LABEL.sub("", shown)
        if credit:
            rest = normalize_text(text.replace(shown, " ")).strip(" |/()")
            return rest or None, credit
    return text or None, None


def lead_image(tree: HtmlElement, article: Node | None, meta: MetaTags, base_url: str) -> LeadImage:
    image = LeadImage()
    node: Node | None = None
    if article:
        image.url, node = _image_node(get(article, "image"))
    image.url = image.url or meta.first("og:image", "og:image:url", "twitter:image")
    if image.url and "&" in image.url:
        image.url = html.unescape(image.url)
    if node:
        image.caption = clean_text(get(node, "caption")) or clean_text(get(node, "description"))
        image.credit = _credit_of(node)
    if image.url and not image.caption:
        figure = _figure_of(tree, image.url)
        if figure is not None:
            image.caption, credit = _figure_caption(figure)
            image.credit = image.credit or credit
    if image.caption and not image.credit:
        image.caption, image.credit = split_credit(image.caption)
    image.caption = image.caption or None
    if image.url:
        image.url = urljoin(base_url, image.url)
    return image
