"""Where article URLs come from: feeds, sitemaps, robots.txt and section pages.

Pure functions from a document's bytes to `ArticleLead`s and further start points. The spiders
turn them into requests; nothing here touches the network.
"""

from __future__ import annotations

import calendar
import io
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.etree
import lxml.html

from newscrawler.dates import normalize_date

logger = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json"}
)  # fmt: skip


@dataclass(frozen=True)
class ArticleLead:
    """A URL that may be an article, with what its listing said about it."""

    url: str
    source: str
    """Where it was found: "feed", "sitemap", "section" or "url" (given by the user)."""
    published: datetime | None = None
    """Publication time the feed or sitemap gives (aware), if any."""
    modified: datetime | None = None
    """Last change the feed or sitemap gives (`lastmod`, `updated`), if any."""

    @property
    def newest(self) -> datetime | None:
        dates = [d for d in (self.published, self.modified) if d is not None]
        return max(dates) if dates else None


class DocumentTooLarge(ValueError):
    """A compressed document expands beyond the allowed size (a gzip bomb)."""


def gunzip_bounded(data: bytes, max_size: int) -> bytes:
    """Decompress gzip data, refusing to produce more than `max_size` bytes."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    chunk = data
    while chunk:
        out.write(decompressor.decompress(chunk, max_size + 1 - out.tell()))
        if out.tell() > max_size:
            raise DocumentTooLarge(f"decompresses to more than {max_size} bytes")
        chunk = decompressor.unconsumed_tail
        if decompressor.eof:
            break
    return out.getvalue()


def maybe_gunzip(data: bytes, max_size: int) -> bytes:
    """`data` decompressed if it is gzip (a `.xml.gz` sitemap), else unchanged."""
    if data[:2] == b"\x1f\x8b":
        return gunzip_bounded(data, max_size)
    return data


def parse_when(value: Any) -> datetime | None:
    """An aware datetime from a sitemap/feed date string, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    iso = normalize_date(value)
    if iso is None:
        return None
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:  # a bare day: take its start, in UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


# --- Sitemaps -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: either an index of further sitemaps or a set of URLs."""

    is_index: bool
    entries: tuple[ArticleLead, ...]


def _local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(data: bytes) -> Sitemap:
    """Parse a sitemap or sitemap index, including Google News `news:publication_date`.

    Entity expansion and external entities are off, so entity bombs stay small.
    """
    parser_events = lxml.etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    is_index = False
    entries: list[ArticleLead] = []
    try:
        for _, element in parser_events:
            name = _local_name(element.tag)
            if name == "sitemapindex":
                is_index = True
            if name not in ("url", "sitemap"):
                continue
            fields: dict[str, str] = {}
            for child in element.iter():
                child_name = _local_name(child.tag)
                if child_name in ("loc", "lastmod", "publication_date") and child.text:
                    fields.setdefault(child_name, child.text.strip())
            element.clear()
            if fields.get("loc"):
                entries.append(
                    ArticleLead(
                        url=fields["loc"],
                        source="sitemap",
                        published=parse_when(fields.get("publication_date")),
                        modified=parse_when(fields.get("lastmod")),
                    )
                )
    except lxml.etree.XMLSyntaxError as error:
        logger.warning("Sitemap parse stopped early: %s", error)
    return Sitemap(is_index=is_index, entries=tuple(entries))


def sitemaps_from_robots(robots_txt: str, base_url: str) -> list[str]:
    """The `Sitemap:` URLs a robots.txt lists."""
    urls = []
    for line in robots_txt.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            urls.append(urljoin(base_url, value.strip()))
    return urls


# --- Feeds ----------------------------------------------------------------------------------


def _struct_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(data: bytes, base_url: str) -> list[ArticleLead]:
    """Article links of an RSS 2.0, RSS 1.0/RDF or Atom feed (parsed by feedparser)."""
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url})
    if parsed.get("bozo") and not parsed.entries:
        logger.warning("Feed %s is not readable: %s", base_url, parsed.get("bozo_exception"))
    leads = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        leads.append(
            ArticleLead(
                url=urljoin(base_url, link),
                source="feed",
                published=_struct_to_datetime(entry.get("published_parsed")),
                # `in` first: feedparser's .get() would fall back to the published date
                modified=_struct_to_datetime(
                    entry["updated_parsed"] if "updated_parsed" in entry else None  # noqa: SIM401
                ),
            )
        )
    return leads


# --- HTML pages -----------------------------------------------------------------------------


def _html_tree(data: bytes | str) -> Any:
    try:
        return lxml.html.fromstring(data)
    except (lxml.etree.ParserError, ValueError):
        return None


def feeds_declared(html: bytes | str, base_url: str) -> list[str]:
    """Feeds a page declares: `<meta name="feed">` and `<link rel="alternate" type=rss/atom>`."""
    tree = _html_tree(html)
    if tree is None:
        return []
    urls = [m for m in tree.xpath('//meta[@name="feed"]/@content') if m.strip()]
    for link in tree.xpath('//link[contains(concat(" ", @rel, " "), " alternate ")][@href]'):
        if (link.get("type") or "").split(";")[0].strip().lower() in FEED_TYPES:
            urls.append(link.get("href"))
    return list(dict.fromkeys(urljoin(base_url, u.strip()) for u in urls))


def page_links(html: bytes | str, base_url: str) -> Iterator[str]:
    """Absolute http(s) URLs of the page's `<a href>` links, in page order, without repeats."""
    tree = _html_tree(html)
    if tree is None:
        return
    base = (tree.xpath("//base/@href") or [base_url])[0]
    seen = set()
    for href in tree.xpath("//a/@href"):
        url = urljoin(urljoin(base_url, base), href.strip())
        if url.startswith(("http://", "https://")) and url not in seen:
            seen.add(url)
            yield url.split("#", 1)[0]


__all__ = [
    "ArticleLead",
    "DocumentTooLarge",
    "Sitemap",
    "feeds_declared",
    "gunzip_bounded",
    "maybe_gunzip",
    "page_links",
    "parse_feed",
    "parse_sitemap",
    "parse_when",
    "sitemaps_from_robots",
]
