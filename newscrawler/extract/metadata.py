"""The metadata layers of one page: headlines, authors, dates, section, tags, language.

Layers, most trustworthy first: per-site rules (`ExtractionRules`), JSON-LD, OpenGraph/meta
tags, microdata and `<time>`, the visible byline/dateline, and trafilatura's own metadata as the
last resort. Each function returns the value and the layer it came from (`Found`), so the
caller can say why a field is what it is; none of them changes the page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newscrawler import dates
from newscrawler.extract import byline, dateline, jsonld
from newscrawler.extract.document import Document
from newscrawler.extract.html import select
from newscrawler.extract.language import language_code
from newscrawler.extract.title import (
    SOCIAL_SOURCES,
    Headlines,
    choose_title,
    heading_text,
    marked_kicker,
    prefix_kicker,
    strip_site_suffix,
)
from newscrawler.text import normalize_text

# Compiled once: the module-level re functions look each pattern up in re's cache per call.
_NOT_WORD = re.compile(r"\W")
_URL_OR_HANDLE = re.compile(r"https?://|@")
_KEYWORD_SEPARATOR = re.compile(r"[,;]")

logger = logging.getLogger(__name__)

T = TypeVar("T")

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "article:published",
    "datepublished", "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued",
    "dcterms.created", "publishdate", "publish-date", "publish_date", "pubdate",
    "published_time", "sailthru.date", "parsely-pub-date", "article.published", "date.issued",
)  # fmt: skip
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified",
    "last-modified", "article.updated", "modified_time",
)  # fmt: skip
AUTHOR_META = (
    "author", "article:author", "dc.creator", "dcterms.creator", "parsely-author",
    "sailthru.author", "byl", "cxenseparse:author",
)  # fmt: skip
TAG_META = ("news_keywords", "keywords", "article:tag", "parsely-tags")


@dataclass(frozen=True)
class Found(Generic[T]):
    """A field's value and the layer that gave it (None: no layer had one)."""

    value: T
    source: str | None = None


def select_texts(tree: HtmlElement, selector: str | None) -> list[str]:
    """Texts of the elements a per-site selector names (`content` of `<meta>`, `datetime` of
    `<time>`)."""
    if not selector:
        return []
    texts = []
    for element in select(tree, selector):
        value = element.get("content") or element.get("datetime")
        value = value if value is not None else element.text_content()
        value = normalize_text(value)
        if value:
            texts.append(value)
    return texts


def _first(layers: Iterable[tuple[str, Callable[[], Any]]]) -> Found[Any]:
    """The value of the first layer that yields one (layers are evaluated lazily, in order)."""
    for layer, get_value in layers:
        value = get_value()
        if value:
            return Found(value, layer)
    return Found(None)


def trafilatura_metadata(doc: Document) -> Any:
    """trafilatura's metadata of the page, the last resort of every field: computed at most once
    per page, and only when a field has no other source (it costs a copy of the tree)."""
    cached = doc.memo.get("trafilatura_metadata")
    if cached is None:
        from trafilatura.metadata import extract_metadata  # noqa: PLC0415 (rarely needed)

        try:  # on a copy: trafilatura prunes what it reads
            cached = extract_metadata(deepcopy(doc.tree), doc.url) or False
        except Exception:
            logger.debug("trafilatura metadata failed on %s", doc.url, exc_info=True)
            cached = False
        doc.memo["trafilatura_metadata"] = cached
    return cached or None


# -- site identity ------------------------------------------------------------------------------
def _host_names(url: str) -> list[str]:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    label = host.rsplit(".", 1)[0] if "." in host else host
    return [host, label.rsplit(".", 1)[-1]] if host else []


def site_names(doc: Document) -> list[str]:
    """Names the site goes by: og:site_name, the JSON-LD publisher, the host."""
    names = [doc.meta.first("og:site_name"), doc.meta.first("application-name")]
    for node in [doc.article, *doc.nodes]:
        if not node:
            continue
        publisher = jsonld.resolve(jsonld.get(node, "publisher"), doc.ids)
        if isinstance(publisher, dict):
            names.append(jsonld.clean_text(jsonld.get(publisher, "name")))
        if jsonld.node_types(node) & {"NewsMediaOrganization", "Organization", "WebSite"}:
            names.append(jsonld.clean_text(jsonld.get(node, "name")))
    return [n for n in names if n] + _host_names(doc.url)


def is_site_name(name: str, names: Iterable[str]) -> bool:
    """True when `name` names the site itself ("NDR.de" on ndr.de, "BILD.de", "WELT")."""
    squashed = _NOT_WORD.sub("", name.casefold().removeprefix("www."))
    if not squashed:
        return False
    for site in names:
        other = _NOT_WORD.sub("", site.casefold().removeprefix("www."))
        if not other:
            continue
        if squashed.startswith(other) or (
            other.startswith(squashed) and len(squashed) >= 0.6 * len(other)
        ):
            return True
    return False


# -- headlines ----------------------------------------------------------------------------------
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")


def _untruncated(headline: str | None, others: Iterable[str]) -> str | None:
    """A JSON-LD headline cut off with "…" replaced by the full one from og:title or `<h1>`."""
    if not headline or not _ELLIPSIS.search(headline):
        return headline
    stem = _ELLIPSIS.sub("", headline)
    return next((o for o in others if o.startswith(stem) and len(o) > len(stem)), headline)


@dataclass(frozen=True)
class PageHeadlines:
    headlines: Headlines
    kicker: str | None
    candidates: tuple[tuple[str, str], ...]
    """(source, headline without site suffix) of every source that has one, in the order that
    breaks ties when choosing the title."""
    variants: tuple[str, ...]
    """Every form of the headline the page shows or declares, raw and cleaned: a body block
    repeating one of them is the headline, not text."""


def read_headlines(doc: Document, names: list[str]) -> PageHeadlines:
    shown = heading_text(doc.heading) if doc.heading is not None else None
    og, twitter = doc.meta.first("og:title"), doc.meta.first("twitter:title")
    title_tag = doc.tree.findtext(".//title")
    title_tag = normalize_text(title_tag) if title_tag else None
    declared = _untruncated(jsonld.clean_text(doc.ld("headline")), [t for t in (og, shown) if t])
    raw = {"og:title": og, "jsonld": declared, "title-tag": title_tag, "twitter:title": twitter}
    anchors = [t for t in (declared, shown) if t]

    def clean(value: str) -> str:
        return strip_site_suffix(value, names, [a for a in anchors if a != value])

    candidates = [(source, clean(value)) for source, value in raw.items() if value]
    if shown:
        candidates.append(("h1", shown))
    social = next((h for s, h in candidates if s in SOCIAL_SOURCES), None)
    kicker = marked_kicker(doc.heading) if doc.heading is not None else None
    return PageHeadlines(
        headlines=Headlines(
            shown=shown or None, declared=declared and clean(declared), social=social
        ),
        kicker=kicker or prefix_kicker(shown, [declared, social]),
        candidates=tuple(candidates),
        variants=tuple(
            dict.fromkeys([*(v for v in raw.values() if v), *(h for _, h in candidates)])
        ),
    )


def title(doc: Document, page: PageHeadlines) -> Found[str | None]:
    """The site rule's headline where the profile has one (an element, or which of the page's
    headlines), else the one most sources agree on, else the JSON-LD `name` or trafilatura's."""
    ruled = next(iter(select_texts(doc.tree, doc.rules.title)), None)
    if ruled:
        return Found(strip_site_suffix(ruled, (), page.variants), "rules")
    of_record = page.headlines.as_dict().get(doc.rules.headline or "")
    if of_record:
        return Found(of_record, f"rules:{doc.rules.headline}")
    chosen = choose_title(page.candidates)
    if chosen:
        return Found(chosen[1], chosen[0])
    alternative = jsonld.clean_text(doc.ld("name")) or doc.meta.first("title", "dc.title")
    if alternative:
        return Found(alternative, "jsonld:name")
    fallback = getattr(trafilatura_metadata(doc), "title", None)
    return Found(normalize_text(fallback), "trafilatura") if fallback else Found(None)


# -- authors ------------------------------------------------------------------------------------
def authors(doc: Document, names: list[str]) -> Found[list[str]]:
    """The people the page names as authors; an agency or the site only when it names none.
    Layers in order: the site rule, JSON-LD people, meta tags, the visible byline; then the
    organisations JSON-LD or the meta tags name; then trafilatura's guess."""

    def organisation(name: str) -> bool:
        return byline.is_organisation(name) or is_site_name(name, names)

    entries = jsonld.person_names(doc.ld("author") or doc.ld("creator"), doc.ids)
    ld_names = byline.clean_authors(name for name, _ in entries)
    ld_people = byline.clean_authors(name for name, is_org in entries if not is_org)
    meta_values = [v for v in doc.meta.all(*AUTHOR_META) if not _URL_OR_HANDLE.match(v)]
    meta_names = byline.clean_authors(meta_values)
    layers: list[tuple[str, Callable[[], list[str]]]] = [
        ("rules", lambda: byline.clean_authors(select_texts(doc.tree, doc.rules.authors))),
        ("jsonld", lambda: ld_names if any(not organisation(n) for n in ld_people) else []),
        # The metadata names only the site or an agency: a person may still sign the article.
        ("meta", lambda: [n for n in meta_names if not organisation(n)]),
        ("byline", lambda: _people_in_byline(doc, organisation)),
        ("jsonld:organisation", lambda: ld_names),
        ("meta:organisation", lambda: meta_names),
        ("trafilatura", lambda: _trafilatura_authors(doc)),
    ]
    found = _first(layers)
    return Found(found.value or [], found.source)


def _people_in_byline(doc: Document, organisation: Callable[[str], bool]) -> list[str]:
    shown = [n for n in byline.visible_byline(doc.tree) if not organisation(n)]
    return shown if _looks_like_people(shown) else []


def _trafilatura_authors(doc: Document) -> list[str]:
    fallback = getattr(trafilatura_metadata(doc), "author", None)
    return byline.clean_authors(fallback.split(";")) if fallback else []


NO_PERSON_SOURCES = frozenset({None, "jsonld:organisation", "meta:organisation", "trafilatura"})
"""Author sources that name no person of the page for sure: a line of the text that holds
only names (`byline.name_line`) is better evidence."""


def _looks_like_people(names: list[str]) -> bool:
    return bool(names) and all(
        1 < len(n.split()) <= 4 and not any(ch.isdigit() for ch in n) for n in names
    )


# -- dates --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PublishedDate:
    value: str | None
    """Normalised (`newscrawler.dates.normalize_date`)."""
    raw: str | None
    source: str | None


def _normalized(raw: Any, doc: Document) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    return dates.normalize_date(raw, now=doc.crawled_at)


def _published_layers(doc: Document) -> list[tuple[str, Callable[[], Any]]]:
    return [
        ("rules", lambda: next(iter(select_texts(doc.tree, doc.rules.date_published)), None)),
        ("jsonld", lambda: jsonld.clean_text(doc.ld("datePublished"))),
        ("jsonld:dateCreated", lambda: jsonld.clean_text(doc.ld("dateCreated"))),
        ("meta", lambda: doc.meta.first(*PUBLISHED_META)),
        ("microdata", lambda: dateline.itemprop_date(doc.tree, "datePublished")),
        ("time", lambda: dateline.time_element_date(doc.tree)),
        ("dateline", lambda: dateline.visible_dateline(doc.tree)),
        ("trafilatura", lambda: getattr(trafilatura_metadata(doc), "date", None)),
    ]


def date_published(doc: Document) -> PublishedDate:
    """The first plausible publication date of the layers; when it gives only the day, the time
    of that day from the first later layer that knows it."""
    day_only: PublishedDate | None = None
    for layer, get_raw in _published_layers(doc):
        if layer == "trafilatura" and day_only:
            break  # trafilatura's date is a guess from anywhere on the page: no time from it
        raw = get_raw()
        value = _normalized(raw, doc)
        if not value and layer == "rules" and raw:
            # a selected element's text: "Erschienen am 02.06.2024, 10:00 Uhr"
            value = _normalized(dates.date_in(raw), doc)
        if not value:
            continue
        if not dates.is_plausible_published(value, doc.crawled_at):
            logger.debug("implausible published date %r from %s on %s", raw, layer, doc.url)
            continue
        if day_only is None and "T" not in value:
            day_only = PublishedDate(value, normalize_text(raw), layer)
        elif day_only is None:
            return PublishedDate(value, normalize_text(raw), layer)
        elif "T" in value and value.startswith(day_only.value or ""):
            return PublishedDate(value, normalize_text(raw), f"{day_only.source}+{layer}")
    return day_only or PublishedDate(None, None, None)


def date_modified(doc: Document) -> Found[str | None]:
    found = _first(
        [
            ("jsonld", lambda: jsonld.clean_text(doc.ld("dateModified"))),
            ("meta", lambda: doc.meta.first(*MODIFIED_META)),
            ("microdata", lambda: dateline.itemprop_date(doc.tree, "dateModified")),
        ]
    )
    return Found(_normalized(found.value, doc), found.source)


# -- section, tags, language, description -------------------------------------------------------
def section(doc: Document, names: list[str], shown: str | None) -> Found[str | None]:
    declared = doc.ld("articleSection")
    if isinstance(declared, list):
        declared = next((s for s in declared if isinstance(s, str) and s.strip()), None)
    return _first(
        [
            ("jsonld", lambda: jsonld.clean_text(declared)),
            ("meta", lambda: doc.meta.first("article:section", "section", "parsely-section")),
            ("breadcrumbs", lambda: _breadcrumb_section(doc, names, shown)),
        ]
    )


def _breadcrumb_section(doc: Document, names: list[str], shown: str | None) -> str | None:
    crumbs = [name for name, _ in jsonld.breadcrumbs(doc.nodes)]
    crumbs = [
        c
        for c in crumbs
        if c.casefold() not in ("home", "startseite") and not is_site_name(c, names)
    ]
    if crumbs and shown and crumbs[-1].casefold() == shown.casefold():
        crumbs = crumbs[:-1]
    if len(crumbs) > 1:
        crumbs = crumbs[:-1] if len(crumbs[-1].split()) > 4 else crumbs  # the article itself
    return " / ".join(crumbs) or None


def _split_keywords(values: Iterable[Any]) -> list[str]:
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        parts = value if isinstance(value, list) else _KEYWORD_SEPARATOR.split(str(value))
        for part in parts:
            tag = jsonld.clean_text(part) if not isinstance(part, str) else normalize_text(part)
            if not tag or tag.isdigit() or len(tag) > 80:
                continue
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
    return tags


def tags(doc: Document) -> Found[list[str]]:
    keywords = doc.ld("keywords")
    if keywords:
        return Found(_split_keywords([keywords]), "jsonld")
    values = doc.meta.all(*TAG_META)
    return Found(_split_keywords(values), "meta") if values else Found([])


def declared_language(doc: Document) -> Found[str | None]:
    """The language the page declares: JSON-LD `inLanguage`, `<html lang>`, meta tags."""
    in_language = doc.ld("inLanguage")
    if isinstance(in_language, dict):
        in_language = jsonld.get(in_language, "alternateName") or jsonld.get(in_language, "name")
    root_lang = doc.tree.get("lang") or doc.tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    found = _first(
        [
            ("jsonld", lambda: language_code(jsonld.clean_text(in_language))),
            ("html", lambda: language_code(root_lang)),
            (
                "meta",
                lambda: language_code(doc.meta.first("content-language", "language", "og:locale")),
            ),
        ]
    )
    return found


def descriptions(doc: Document) -> list[str]:
    """The page's descriptions of itself, meta first (JSON-LD last: some CMS put the lead
    image's caption there)."""
    values = [
        doc.meta.first("description"),
        doc.meta.first("og:description"),
        jsonld.clean_text(doc.ld("description")),
        doc.meta.first("twitter:description"),
    ]
    return list(dict.fromkeys(v for v in values if v))
