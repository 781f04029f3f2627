"""`<meta>` tags (OpenGraph, Twitter cards, Dublin Core, plain names) and `<link>`s, read once."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from newscrawler.text import normalize_text


@dataclass
class MetaTags:
    """The page's meta values by lower-cased key (`og:title`, `description`, `author`, ...),
    every value of a repeated key in document order."""

    values: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    language: str | None = None

    def first(self, *keys: str) -> str | None:
        """The first non-empty value of the first key that has one."""
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return value
        return None

    def all(self, *keys: str) -> list[str]:
        return [value for key in keys for value in self.values.get(key, ()) if value]

    def with_key(self, *keys: str) -> tuple[str, str] | None:
        """(key, value) of the first key that has a value."""
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return key, value
        return None


def read_meta(tree: HtmlElement) -> MetaTags:
    meta = MetaTags()
    head_and_body = tree.iter("meta", "link")
    for element in head_and_body:
        if element.tag == "link":
            rel = (element.get("rel") or "").lower().split()
            href = (element.get("href") or "").strip()
            if "canonical" in rel and href and meta.canonical is None:
                meta.canonical = href
            continue
        content = element.get("content")
        if content is None:
            continue
        value = (
            normalize_text(html.unescape(content)) if "&" in content else normalize_text(content)
        )
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                meta.values.setdefault(key.strip().lower(), []).append(value)
    root_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    meta.language = normalize_text(root_lang) if root_lang else None
    return meta
