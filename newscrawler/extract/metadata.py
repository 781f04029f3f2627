"""The metadata layers of one parsed page: title, authors, dates, section, tags, language.

Layers, most trustworthy first: per-site rules (`ExtractionRules`), JSON-LD, OpenGraph/meta
tags, microdata and `<time>`, the visible byline/dateline, and trafilatura's own metadata as the
last resort. Each field takes the first layer with a plausible value; `FieldSources` records
which one it was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from copy import deepcopy
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from newscrawler import dates
from newscrawler.extract import byline, dateline, jsonld
from newscrawler.extract.html import parse_html, select
from newscrawler.extract.meta import MetaTags, read_meta
from newscrawler.extract.rules import ExtractionRules
from newscrawler.extract.title import heading_text, main_heading, strip_site_suffix
from newscrawler.text import normalize_text

logger = logging.getLogger(__name__)

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
_EARLIEST_NEWS_YEAR = 1995


def _plausible_published(iso: str, crawled_at: datetime) -> bool:
    """Not after the crawl and not before there were news sites (a `0001-01-01` or a date in
    the future is a CMS placeholder, not a publication date)."""
    shared = getattr(dates, "is_plausible_published", None)
    if callable(shared):
        return bool(shared(iso, crawled_at))
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return False
    if moment.tzinfo is None:  # a bare day: compare days
        return moment.year >= _EARLIEST_NEWS_YEAR and moment.date() <= crawled_at.date()
    return moment.year >= _EARLIEST_NEWS_YEAR and moment <= crawled_at


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


def _host_names(url: str) -> list[str]:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    label = host.rsplit(".", 1)[0] if "." in host else host
    return [host, label.rsplit(".", 1)[-1]] if host else []


def _foreign_articles(nodes: list[jsonld.Node], page_urls: list[str]) -> int:
    """Number of JSON-LD articles about other pages when there are several and none is about
    this one (a home or section page), else 0."""
    own = {jsonld.page_key(u) for u in page_urls if u}
    articles = [n for n in nodes if jsonld.node_types(n) & jsonld.ARTICLE_TYPES]
    if len(articles) < 3 or any(own & jsonld.node_urls(n) for n in articles):
        return 0
    others = set().union(*(jsonld.node_urls(n) for n in articles))
    return len(articles) if len(others) >= 3 else 0


class FieldSources:
    """(field, layer) pairs in the order the fields were resolved."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def note(self, name: str, layer: str) -> None:
        self.items.append((name, layer))

    def layer_of(self, name: str) -> str | None:
        return next((layer for field, layer in self.items if field == name), None)


def _first(
    sources: FieldSources, name: str, layers: Iterable[tuple[str, Callable[[], Any]]]
) -> Any:
    """Value of the first layer that yields one (layers are evaluated lazily, in order)."""
    for layer, get_value in layers:
        value = get_value()
        if value:
            sources.note(name, layer)
            return value
    return None


def _split_keywords(values: Iterable[Any]) -> list[str]:
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        parts = value if isinstance(value, list) else re.split(r"[,;]", str(value))
        for part in parts:
            tag = jsonld.clean_text(part) if not isinstance(part, str) else normalize_text(part)
            if not tag or tag.isdigit() or len(tag) > 80:
                continue
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                tags.append(tag)
    return tags


_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")


def _untruncated(headline: str | None, others: Iterable[str]) -> str | None:
    """A JSON-LD headline cut off with "…" replaced by the full one from og:title or `<h1>`."""
    if not headline or not _ELLIPSIS.search(headline):
        return headline
    stem = _ELLIPSIS.sub("", headline)
    return next((o for o in others if o.startswith(stem) and len(o) > len(stem)), headline)


def _language_code(value: str | None) -> str | None:
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


_CODE = etree.XPath("//script | //style | //template")


def strip_code(tree: HtmlElement) -> None:
    """Scripts, styles and templates hold no page text (JSON-LD is read before this)."""
    for element in _CODE(tree):
        element.drop_tree()


class ParsedPage:
    """The parsed page and its metadata layers; each field is computed on request."""

    def __init__(self, text: str, url: str, crawled_at: datetime, rules: ExtractionRules):
        self.url = url
        self.crawled_at = crawled_at
        self.rules = rules
        self.tree = parse_html(text)
        self.html = text
        self.meta: MetaTags = read_meta(self.tree)
        self.nodes = jsonld.jsonld_nodes(self.tree)
        strip_code(self.tree)
        self.ids = jsonld.id_index(self.nodes)
        canonical = self.meta.canonical or self.meta.first("og:url")
        self.canonical = urljoin(url, canonical) if canonical else None
        self.article = jsonld.find_article(self.nodes, [url, self.canonical or ""])
        self.foreign_articles = _foreign_articles(self.nodes, [url, self.canonical or ""])
        if self.foreign_articles:
            self.article = None  # an index page: its JSON-LD lists teasers of other pages
        self.heading = main_heading(self.tree)
        self.heading_text = heading_text(self.heading) if self.heading is not None else None
        self.sources = FieldSources()
        self._trafilatura_meta: Any = None

    def ld(self, key: str) -> Any:
        return jsonld.get(self.article, key) if self.article else None

    def trafilatura_meta(self) -> Any:
        """trafilatura's metadata: only computed when a field has no other source."""
        if self._trafilatura_meta is None:
            from trafilatura.metadata import extract_metadata  # noqa: PLC0415 (rarely needed)

            try:  # on a copy: trafilatura prunes what it reads
                self._trafilatura_meta = extract_metadata(deepcopy(self.tree), self.url)
            except Exception:
                logger.debug("trafilatura metadata failed on %s", self.url, exc_info=True)
                self._trafilatura_meta = False
        return self._trafilatura_meta or None

    # -- site identity ----------------------------------------------------------------------
    def site_names(self) -> list[str]:
        names = [self.meta.first("og:site_name"), self.meta.first("application-name")]
        for node in [self.article, *self.nodes]:
            if not node:
                continue
            publisher = jsonld.resolve(jsonld.get(node, "publisher"), self.ids)
            if isinstance(publisher, dict):
                names.append(jsonld.clean_text(jsonld.get(publisher, "name")))
            if jsonld.node_types(node) & {"NewsMediaOrganization", "Organization", "WebSite"}:
                names.append(jsonld.clean_text(jsonld.get(node, "name")))
        return [n for n in names if n] + _host_names(self.url)

    # -- title ------------------------------------------------------------------------------
    def title(self) -> str | None:
        site = self.site_names()
        og, twitter = self.meta.first("og:title"), self.meta.first("twitter:title")
        others = [t for t in (og, twitter, self.heading_text) if t]
        headline = _untruncated(jsonld.clean_text(self.ld("headline")), others)
        alternative = jsonld.clean_text(self.ld("name"))
        if alternative and len(alternative.split()) < 3:  # Spiegel puts an ID into `name`
            alternative = None
        title_tag = self.tree.findtext(".//title")
        raw = _first(
            self.sources,
            "title",
            [
                ("rules", lambda: next(iter(select_texts(self.tree, self.rules.title)), None)),
                ("jsonld", lambda: headline or alternative),
                ("og:title", lambda: og),
                ("twitter:title", lambda: twitter),
                ("meta", lambda: self.meta.first("title", "dc.title", "dcterms.title")),
                ("h1", lambda: self.heading_text),
                ("title-tag", lambda: normalize_text(title_tag) if title_tag else None),
                ("trafilatura", lambda: getattr(self.trafilatura_meta(), "title", None)),
            ],
        )
        if not raw:
            return None
        return strip_site_suffix(normalize_text(raw), site, [o for o in others if o != raw])

    def title_variants(self, title: str | None) -> list[str]:
        """Every form of the headline the page shows or declares: a body block repeating one of
        them is the headline, not text."""
        values = [
            title,
            jsonld.clean_text(self.ld("headline")),
            self.meta.first("og:title"),
            self.meta.first("twitter:title"),
            self.heading_text,
        ]
        return list(dict.fromkeys(v for v in values if v))

    # -- authors ----------------------------------------------------------------------------
    def authors(self) -> list[str]:
        site = self.site_names()

        def organisation(name: str) -> bool:
            return byline.is_organisation(name) or is_site_name(name, site)

        ruled = byline.clean_authors(select_texts(self.tree, self.rules.authors))
        if ruled:
            self.sources.note("authors", "rules")
            return ruled
        ld_entries = jsonld.person_names(self.ld("author") or self.ld("creator"), self.ids)
        ld_names = byline.clean_authors(name for name, _ in ld_entries)
        ld_people = byline.clean_authors(name for name, is_org in ld_entries if not is_org)
        if any(not organisation(name) for name in ld_people):
            self.sources.note("authors", "jsonld")
            return ld_names
        # The metadata names only the site or an agency: a person may still sign the article.
        meta_values = [v for v in self.meta.all(*AUTHOR_META) if not re.match(r"https?://|@", v)]
        meta_names = byline.clean_authors(meta_values)
        people = [n for n in meta_names if not organisation(n)]
        if people:
            self.sources.note("authors", "meta")
            return people
        shown = [n for n in byline.visible_byline(self.tree) if not organisation(n)]
        if shown and _looks_like_people(shown):
            self.sources.note("authors", "byline")
            return shown
        if ld_names:
            self.sources.note("authors", "jsonld:organisation")
            return ld_names
        if meta_names:
            self.sources.note("authors", "meta:organisation")
            return meta_names
        fallback = getattr(self.trafilatura_meta(), "author", None)
        if fallback:
            names = byline.clean_authors(fallback.split(";"))
            if names:
                self.sources.note("authors", "trafilatura")
                return names
        return []

    # -- dates ------------------------------------------------------------------------------
    def _normalized(self, raw: Any) -> str | None:
        if not isinstance(raw, str) or not raw.strip():
            return None
        try:
            return dates.normalize_date(raw, now=self.crawled_at)
        except Exception:  # the date module promises not to raise; a crash must not spread
            logger.debug("normalize_date failed on %r", raw, exc_info=True)
            return None

    def date_published(self) -> tuple[str | None, str | None]:
        """(normalised, raw)."""
        layers: list[tuple[str, Callable[[], Any]]] = [
            (
                "rules",
                lambda: next(iter(select_texts(self.tree, self.rules.date_published)), None),
            ),
            ("jsonld", lambda: jsonld.clean_text(self.ld("datePublished"))),
            ("jsonld:dateCreated", lambda: jsonld.clean_text(self.ld("dateCreated"))),
            ("meta", lambda: self.meta.first(*PUBLISHED_META)),
            ("microdata", lambda: dateline.itemprop_date(self.tree, "datePublished")),
            ("time", lambda: dateline.time_element_date(self.tree)),
            ("dateline", lambda: dateline.visible_dateline(self.tree)),
        ]
        day_only: tuple[str, str, str] | None = None
        for layer, get_raw in layers:
            raw = get_raw()
            value = self._normalized(raw)
            if not value and layer == "rules" and raw:
                # a selected element's text: "Erschienen am 02.06.2024, 10:00 Uhr"
                value = self._normalized(dateline.date_in(raw))
            if not value:
                continue
            if not _plausible_published(value, self.crawled_at):
                logger.debug("implausible published date %r from %s on %s", raw, layer, self.url)
                continue
            if day_only and value.startswith(day_only[0]) and "T" in value:
                # A less trusted layer knows the time of the day the better one gave.
                self.sources.note("date_published", f"{day_only[2]}+{layer}")
                return value, normalize_text(raw)
            if day_only:
                continue
            if "T" in value:
                self.sources.note("date_published", layer)
                return value, normalize_text(raw)
            day_only = (value, normalize_text(raw), layer)
        if day_only:
            self.sources.note("date_published", day_only[2])
            return day_only[0], day_only[1]
        found = getattr(self.trafilatura_meta(), "date", None)
        value = self._normalized(found)
        if value and _plausible_published(value, self.crawled_at):
            self.sources.note("date_published", "trafilatura")
            return value, found
        return None, None

    def date_modified(self) -> str | None:
        raw = _first(
            self.sources,
            "date_modified",
            [
                ("jsonld", lambda: jsonld.clean_text(self.ld("dateModified"))),
                ("meta", lambda: self.meta.first(*MODIFIED_META)),
                ("microdata", lambda: dateline.itemprop_date(self.tree, "dateModified")),
            ],
        )
        return self._normalized(raw)

    # -- section, tags, language, description -----------------------------------------------
    def section(self) -> str | None:
        section = self.ld("articleSection")
        if isinstance(section, list):
            section = next((s for s in section if isinstance(s, str) and s.strip()), None)
        return _first(
            self.sources,
            "section",
            [
                ("jsonld", lambda: jsonld.clean_text(section)),
                ("meta", lambda: self.meta.first("article:section", "section", "parsely-section")),
                ("breadcrumbs", self._breadcrumb_section),
            ],
        )

    def _breadcrumb_section(self) -> str | None:
        crumbs = [name for name, _ in jsonld.breadcrumbs(self.nodes)]
        site = self.site_names()
        crumbs = [
            c
            for c in crumbs
            if c.casefold() not in ("home", "startseite") and not is_site_name(c, site)
        ]
        if crumbs and self.heading_text and crumbs[-1].casefold() == self.heading_text.casefold():
            crumbs = crumbs[:-1]
        if len(crumbs) > 1:
            crumbs = crumbs[:-1] if len(crumbs[-1].split()) > 4 else crumbs  # the article itself
        return " / ".join(crumbs) or None

    def tags(self) -> list[str]:
        keywords = self.ld("keywords")
        if keywords:
            self.sources.note("tags", "jsonld")
            return _split_keywords([keywords])
        values = self.meta.all(*TAG_META)
        if values:
            self.sources.note("tags", "meta")
        return _split_keywords(values)

    def language(self) -> str | None:
        in_language = self.ld("inLanguage")
        if isinstance(in_language, dict):
            in_language = jsonld.get(in_language, "alternateName") or jsonld.get(
                in_language, "name"
            )
        return _language_code(
            _first(
                self.sources,
                "language",
                [
                    ("jsonld", lambda: jsonld.clean_text(in_language)),
                    ("html", lambda: self.meta.language),
                    ("meta", lambda: self.meta.first("content-language", "language", "og:locale")),
                ],
            )
        )

    def descriptions(self) -> list[str]:
        # JSON-LD last: some CMS put the lead image's caption there.
        values = [
            self.meta.first("description"),
            self.meta.first("og:description"),
            jsonld.clean_text(self.ld("description")),
            self.meta.first("twitter:description"),
        ]
        unique: list[str] = []
        for value in values:
            if value and value not in unique:
                unique.append(value)
        return unique


def is_site_name(name: str, site_names: Iterable[str]) -> bool:
    """True when `name` names the site itself ("NDR.de" on ndr.de, "BILD.de", "WELT")."""
    squashed = re.sub(r"\W", "", name.casefold().removeprefix("www."))
    if not squashed:
        return False
    for site in site_names:
        other = re.sub(r"\W", "", site.casefold().removeprefix("www."))
        if not other:
            continue
        if squashed.startswith(other) or (
            other.startswith(squashed) and len(squashed) >= 0.6 * len(other)
        ):
            return True
    return False


def _looks_like_people(names: list[str]) -> bool:
    return all(1 < len(n.split()) <= 4 and not any(ch.isdigit() for ch in n) for n in names)
