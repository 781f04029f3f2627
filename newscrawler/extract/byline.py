"""Author names: cleaned from whatever the page gives ("Von Anna Muster und Max Beispiel,
Redakteurin") and found in the visible byline when the metadata names none."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree
from lxml.html import HtmlElement

from newscrawler import dates
from newscrawler.text import CaselessPattern, normalize_text

# News agencies and the like: single-token bylines that are real authors.
AGENCIES = frozenset(
    {
        "dpa", "afp", "ap", "reuters", "rtr", "kna", "epd", "sid", "dts", "apa", "sda",
        "ddp", "dapd", "ots", "red", "afx", "dpa-afx", "ntv", "n-tv",
    }
)  # fmt: skip

_ROLE_WORDS = (
    r"(?:\w*redakteur|\w*korrespondent|reporter|autor|volontär|journalist|kolumnist|"
    r"ressortleiter|leiter|fotograf|moderator|praktikant|chef vom dienst|"
    r"herausgeber|mitarbeiter|gastautor|editor|correspondent|writer|contributor)(?:in|innen|en)?"
)
_ROLE = re.compile(
    rf"^(?:(?:stellvertretende[rn]?|stellv\.|leitende[rn]?|freie[rn]?|senior|chief)\s+)*"
    rf"{_ROLE_WORDS}\b.*$",
    re.IGNORECASE,
)
_ROLE_PREFIX = re.compile(rf"^{_ROLE_WORDS}\s+(?=\S+\s+\S)", re.IGNORECASE)
# A role written after the name in CJK bylines ("신현주 기자", "山田太郎記者").
_ROLE_SUFFIX = re.compile(r"\s*(?:기자|특파원|논설위원|記者|特派員|编辑|編集委員)$")
_LEAD_IN = re.compile(
    r"^(?:(?:ein|eine|einer?)\s+(?:\w+\s+){0,2}?)?(?:von|by|vom|text|texte|autor(?:in|en)?|"
    r"verfasst von|geschrieben von|aufgezeichnet von|interview|mitarbeit|recherche)"
    r"\s*(?::\s*|\s+)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s+(?:und|and|&|sowie|u\.)\s+|\s*[,;|/•·]\s*|\s+-\s+")
_PARENTHESES = re.compile(r"\s*[(\[][^)\]]{0,40}[)\]]")
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_READING_TIME = re.compile(r"lesezeit|\d+\s*min", re.IGNORECASE)
_TAIL_SEPARATORS = " \t|,·•-"


def _without_date_tail(text: str) -> str:
    """A byline without what follows the names: the date, its label, the reading time."""
    starts = [dates.date_or_label_start(text)]
    reading = _READING_TIME.search(text)
    starts.append(reading.start() if reading else None)
    cut = min((start for start in starts if start is not None), default=len(text))
    return text[:cut].rstrip(_TAIL_SEPARATORS)


_NOT_A_NAME = re.compile(
    r"\b(?:uhr|minuten?|min\.?|lesezeit|artikel|startseite|teilen|kommentar(?:e|en)?|foto|"
    r"fotos|bild|bilder|mehr|profil|folgen|newsletter|anzeige|abonnieren|podcast|video|"
    r"aktualisiert|veröffentlicht|quelle|zur autorenseite|alle artikel)\b",
    re.IGNORECASE,
)
_LETTER = re.compile(r"[^\W\d_]")
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:de|at|ch|com|net|org|eu|info)$", re.IGNORECASE)
_DESK_WORD = re.compile(r"\b(?:redaktion|online|newsroom|nachrichten|verlag|gmbh|ag)\b")
_ARTICLE_AND_CAPITALS = re.compile(r"\b(?:der|die|das)\s+[A-ZÄÖÜ]+\b")


def is_organisation(name: str) -> bool:
    """A byline that names an agency, a site or a desk rather than a person."""
    lowered = name.casefold()
    return (
        lowered in AGENCIES
        or bool(_DOMAIN.match(lowered))
        or bool(_DESK_WORD.search(lowered))
        or bool(_ARTICLE_AND_CAPITALS.search(name))  # "DER SPIEGEL"
    )


_LEADING_CONJUNCTION = re.compile(r"^(?:und|and|sowie|&)\s+", re.IGNORECASE)


def _clean_part(part: str) -> str | None:
    part = _LEADING_CONJUNCTION.sub("", _PARENTHESES.sub("", part).strip())
    part = _LEAD_IN.sub("", part.strip())
    part = _ROLE_SUFFIX.sub("", _ROLE_PREFIX.sub("", part))
    part = part.strip(" \t.,:;-–—|•·\"'„“”")
    if not part or _ROLE.match(part) or _NOT_A_NAME.search(part) or _DANGLING.search(part):
        return None
    if not _LETTER.search(part) or len(part) > 60 or len(part.split()) > 5:
        return None
    return part


_DANGLING = re.compile(r"[()\[\]]")
"""A bracket left in a name after the split: a fragment ("Deutsche Welle (", "Images)")."""
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$")


def split_names(text: str) -> list[str]:
    """The names in one byline or author value: lead-ins ("Von"), roles, emails, dates and
    initials or credits in parentheses removed; "A und B", "A, B", "A & B" split."""
    text = _PARENTHESES.sub("", normalize_text(_EMAIL_OR_URL.sub(" ", text)))
    text = _LEAD_IN.sub("", text)
    text = _without_date_tail(text)
    parts = [p for p in (_clean_part(raw) for raw in _SEPARATORS.split(text)) if p]
    if len(parts) > 1:
        # After a comma a single word is a place or a role ("Von Anna Muster, Hamburg"),
        # unless it is an agency ("Anna Muster, dpa").
        parts = [p for p in parts if " " in p or p.casefold() in AGENCIES or _DOMAIN.match(p)]
    return parts


def clean_authors(values: Iterable[str]) -> list[str]:
    """Clean, split and de-duplicate author values, keeping their order; a URL slug of a name
    the values also give ("sophie-foster" beside "Sophie Foster") is not a second author."""
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        for name in split_names(value):
            key = name.casefold()
            if key not in seen:
                seen.add(key)
                names.append(name)
    slugs = {name.casefold().replace(" ", "-") for name in names if " " in name}
    return [name for name in names if not (_SLUG.match(name) and name in slugs)]


_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][^\W\d_'’.-]*)$")
_NAME_LINE_SEPARATORS = re.compile(r"\s*(?:/|,|&|\band\b|\bund\b)\s*")


def name_line(text: str) -> list[str]:
    """The names of a line that holds nothing but names ("Mohloai Mpesi", "Mathatisi
    Sebusi/Mohalenyane Phakela"): a byline or signature written as a paragraph of the text.
    Each name has two to four words, each capitalised and not all capitals (a button says
    "ABONE OL"); [] otherwise."""
    if len(text) > 80:
        return []
    names = []
    for part in _NAME_LINE_SEPARATORS.split(text.strip(" .")):
        tokens = part.split()
        if not 2 <= len(tokens) <= 4 or not all(_NAME_TOKEN.match(t) for t in tokens):
            return []
        if not all(t[0].isupper() and any(c.islower() for c in t) for t in tokens):
            return []
        names.append(part)
    return names


# Searched in the attributes of every element of the body: see CaselessPattern for the cost.
_AUTHOR_CLASS = CaselessPattern(r"author|byline|autor|verfasser|creator")
_NAME_CLASS = CaselessPattern(r"name")
_AUTHOR_HREF = CaselessPattern(r"/(?:autor|autoren|author|authors|redaktion|profile?|team)/")
_SKIP_CONTEXT = CaselessPattern(r"comment|kommentar|teaser|related|recommend|footer|nav")
_BYLINE_MARKER = CaselessPattern(r"byline|autor")
_LEAD_WORD = re.compile(r"^\s*(?:von|by)\s+\S", re.IGNORECASE)


def _marker(element: HtmlElement) -> str:
    return " ".join(
        element.get(attribute) or ""
        for attribute in ("class", "id", "itemprop", "rel", "data-testid")
    )


def _in_skipped_context(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("footer", "nav", "aside") or _SKIP_CONTEXT.search(
            ancestor.get("class") or ""
        ):
            return True
    return False


def _byline_text(element: HtmlElement) -> str | None:
    """The element's text when it reads as a byline or a name, else None."""
    text = normalize_text(element.text_content())
    if not text or len(text) > 200:
        return None
    marker = _marker(element)
    href = element.get("href") or ""
    if (
        _LEAD_WORD.match(text)
        or element.get("itemprop") in ("author", "name", "creator")
        or "author" in (element.get("rel") or "")
        or _NAME_CLASS.search(element.get("class") or "")
        or (element.tag == "a" and _AUTHOR_HREF.search(href))
        or _BYLINE_MARKER.search(marker)
    ):
        return text
    return None


def _byline_candidates(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements of the body marked as author or byline, or links to an author page. A loop in
    Python over each element's attributes: an XPath with `contains()` over five attributes took
    16 ms a page in libxml2 (measured on both dev sets), this takes about 1."""
    body = tree.find("body")
    for element in (body if body is not None else tree).iter(etree.Element):
        attributes = element.attrib
        if not attributes or element.tag in ("script", "style", "meta"):
            continue
        # The five attributes spelt out: a generator over their names cost a third of the loop.
        get = attributes.get
        marker = (
            f"{get('class') or ''} {get('id') or ''} {get('itemprop') or ''} "
            f"{get('rel') or ''} {get('data-testid') or ''}"
        )
        if _AUTHOR_CLASS.search(marker) or (
            element.tag == "a" and _AUTHOR_HREF.search(attributes.get("href") or "")
        ):
            yield element


def visible_byline(tree: HtmlElement) -> list[str]:
    """Author names from the first byline on the page: elements marked as author/byline (class,
    itemprop, rel), innermost first, outside comments, teasers and navigation."""
    for element in _byline_candidates(tree):
        if _in_skipped_context(element):
            continue
        texts = []
        inner = [
            e
            for e in element.iterdescendants()
            if isinstance(e.tag, str)
            and (_AUTHOR_CLASS.search(_marker(e)) or _NAME_CLASS.search(e.get("class") or ""))
        ]
        for candidate in inner or [element]:
            text = _byline_text(candidate)
            if text:
                texts.append(text)
        names = clean_authors(texts)
        if names:
            return names
    return []
