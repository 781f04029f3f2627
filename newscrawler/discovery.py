"""Where article URLs come from: feeds, sitemaps, robots.txt and section pages.

Pure functions from a document's bytes to `ArticleLead`s and further start points. The spiders
turn them into requests; nothing here touches the network.
"""

from __future__ import annotations

import asyncio
import calendar
import gzip
import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import IO, Any, Protocol, TypeVar
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from newscrawler.dates import normalize_date, to_datetime

logger = logging.getLogger(__name__)
T = TypeVar("T")

FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
     "text/xml", "application/feed+json"}
)  # fmt: skip


@dataclass(frozen=True)
class ArticleLead:
    """A URL that may be an article, with what its listing said about it."""

    url: str
    source: str
    """Where it was found: "feed", "sitemap", "section" (a link on a section or start page),
    "link" (a link on an article page) or "url" (given by the user)."""
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


class UnsafeDocument(ValueError):
    """An XML document declares entities: a possible entity-expansion bomb or external-entity
    attack. Sitemaps and feeds never need them, so such documents are refused unread."""


def declares_entities(data: bytes) -> bool:
    """True if an XML document has a DOCTYPE that declares entities (`<!ENTITY ...>`)."""
    doctype = data.find(b"<!DOCTYPE")
    return doctype >= 0 and data.find(b"<!ENTITY", doctype) >= 0


def _refuse_entities(data: bytes) -> None:
    if declares_entities(data):
        raise UnsafeDocument("declares XML entities (a possible entity-expansion bomb)")


def maybe_gunzip(data: bytes, max_size: int) -> bytes:
    """`data` decompressed if it is gzip (a `.xml.gz` sitemap), else unchanged; never more than
    `max_size` bytes (`DocumentTooLarge`: a gzip bomb). A broken file raises `OSError`."""
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gunzip(data, max_size=max_size)
    except ValueError as error:  # Scrapy's "decompressed more than max_size" is a ValueError
        raise DocumentTooLarge(f"decompresses to more than {max_size} bytes") from error


def absolute_url(base_url: str, href: str) -> str | None:
    """`href` resolved against `base_url` if that gives an http(s) URL with a host; None for
    malformed URLs (`http://[broken`, a port `:abc`), `javascript:`, `mailto:` and the like."""
    try:
        url = urljoin(base_url, href.strip())
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not one)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and host else None


def parse_when(value: Any) -> datetime | None:
    """An aware datetime from a sitemap/feed date string (a bare day: the start of that day
    in Berlin, see `newscrawler.dates`), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    return to_datetime(normalize_date(value))


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

    Raises `UnsafeDocument` if the document declares entities; besides, entity expansion and
    external entities are off in the parser.
    """
    is_index, entries = False, []
    for is_index, batch in iter_sitemap(io.BytesIO(data)):  # noqa: B007 (the last one's)
        entries.extend(batch)
    return Sitemap(is_index=is_index, entries=tuple(entries))


SITEMAP_BATCH = 100
"""Entries a streamed sitemap hands over at a time: the requests of a batch are made on the
reactor (about 0.1 ms each), so a batch keeps it for about 10 ms (benchmarks/sitemap_stream.py)."""
_CHUNK_BYTES = 16 * 1024
_HEAD_BYTES = 64 * 1024
"""Bytes read before the parser starts, to refuse a DOCTYPE declaring entities (it precedes the
root element; the parser resolves no entity anyway)."""


class ByteStream(Protocol):
    def read(self, size: int, /) -> bytes: ...


def iter_sitemap(
    stream: ByteStream, batch_size: int = SITEMAP_BATCH
) -> Iterator[tuple[bool, list[ArticleLead]]]:
    """Stream a sitemap or sitemap index from a file-like object: (is_index, entries) in
    batches, each `<url>` element freed once read, so memory holds one batch and the parser's
    buffer, not the document's tree or all its entries. `UnsafeDocument` as `parse_sitemap`."""
    head = stream.read(_HEAD_BYTES)
    _refuse_entities(head)
    parser = lxml.etree.XMLPullParser(
        events=("start", "end"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    is_index, batch, yielded = False, [], False
    chunk = head
    while chunk:
        try:
            parser.feed(chunk)
            for event, element in parser.read_events():
                name = _local_name(element.tag)
                if event == "start":
                    is_index = is_index or name == "sitemapindex"
                elif name in ("url", "sitemap"):
                    entry = _sitemap_entry(element)
                    _free(element)
                    if entry is not None:
                        batch.append(entry)
                    if len(batch) >= batch_size:
                        yield is_index, batch
                        batch, yielded = [], True
        except lxml.etree.XMLSyntaxError as error:
            logger.warning("Sitemap parse stopped early: %s", error)
            break
        chunk = stream.read(_CHUNK_BYTES)
    if batch or not yielded:
        yield is_index, batch


_DONE = object()
_LISTING_THREAD = ThreadPoolExecutor(1, thread_name_prefix="newscrawler-listings")
"""Where listings are parsed: off the reactor, and always in this one thread (an lxml parser
must not move between threads)."""


async def call_in_listing_thread(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` run in the listing thread."""
    return await asyncio.get_running_loop().run_in_executor(_LISTING_THREAD, function, *args)


async def in_listing_thread(batches: Iterator[T]) -> AsyncIterator[T]:
    """The items of a blocking iterator, each computed in the listing thread."""
    while (batch := await call_in_listing_thread(next, batches, _DONE)) is not _DONE:
        yield batch


def _free(element: Any) -> None:
    """Drop a read element and the siblings before it (the tree would grow otherwise)."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


class LimitedReader:
    """A stream of a document's bytes, gunzipped when gzip (a `.xml.gz` sitemap), that raises
    `DocumentTooLarge` past `max_size` bytes (a gzip bomb). A broken gzip raises `OSError` or
    `EOFError` when read."""

    def __init__(self, data: bytes, max_size: int):
        raw: IO[bytes] = io.BytesIO(data)
        self._source = gzip.GzipFile(fileobj=raw) if data[:2] == b"\x1f\x8b" else raw
        self._left = max_size

    def read(self, size: int = -1, /) -> bytes:
        data = self._source.read(size if size >= 0 else self._left + 1)
        self._left -= len(data)
        if self._left < 0:
            raise DocumentTooLarge("decompresses to more than the allowed size")
        return data


def _sitemap_entry(element: Any) -> ArticleLead | None:
    """The lead a `<url>` or `<sitemap>` element names, None without a usable `<loc>`."""
    fields: dict[str, str] = {}
    for child in element.iter():
        child_name = _local_name(child.tag)
        if child_name in ("loc", "lastmod", "publication_date") and child.text:
            fields.setdefault(child_name, child.text.strip())
    url = absolute_url("", fields.get("loc", ""))
    if not url:
        return None
    return ArticleLead(
        url=url,
        source="sitemap",
        published=parse_when(fields.get("publication_date")),
        modified=parse_when(fields.get("lastmod")),
    )


def sitemaps_from_robots(robots_txt: bytes | str, base_url: str) -> list[str]:
    """The `Sitemap:` URLs a robots.txt lists (read by Scrapy's `sitemap_urls_from_robots`),
    absolute; malformed ones are left out."""
    data = robots_txt.encode() if isinstance(robots_txt, str) else robots_txt
    # (no base for Scrapy: its urljoin raises on a malformed URL; absolute_url drops it)
    listed = (absolute_url(base_url, url) for url in sitemap_urls_from_robots(data))
    return [url for url in listed if url]


# --- Feeds ----------------------------------------------------------------------------------


def _struct_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (TypeError, ValueError, OverflowError):
        return None


def parse_feed(data: bytes, base_url: str) -> list[ArticleLead]:
    """Article links of an RSS 2.0, RSS 1.0/RDF or Atom feed (parsed by feedparser).

    Raises `UnsafeDocument` if the feed declares entities.
    """
    _refuse_entities(data)
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base_url})
    if parsed.get("bozo") and not parsed.entries:
        logger.warning("Feed %s is not readable: %s", base_url, parsed.get("bozo_exception"))
    leads = []
    for entry in parsed.entries:
        link = entry.get("link")
        url = absolute_url(base_url, link) if link else None
        if not url:
            continue
        leads.append(
            ArticleLead(
                url=url,
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
    absolute = (absolute_url(base_url, u) for u in urls)
    return list(dict.fromkeys(u for u in absolute if u))


def page_links(html: bytes | str, base_url: str) -> Iterator[str]:
    """Absolute http(s) URLs of the page's `<a href>` links, in page order, without repeats."""
    tree = _html_tree(html)
    if tree is None:
        return
    base = absolute_url(base_url, (tree.xpath("//base/@href") or [base_url])[0]) or base_url
    seen = set()
    for href in tree.xpath("//a/@href"):
        url = absolute_url(base, href)
        if url is None:
            continue
        url = url.split("#", 1)[0]
        if url not in seen:
            seen.add(url)
            yield url


__all__ = [
    "ArticleLead",
    "DocumentTooLarge",
    "Sitemap",
    "UnsafeDocument",
    "absolute_url",
    "declares_entities",
    "feeds_declared",
    "maybe_gunzip",
    "page_links",
    "parse_feed",
    "parse_sitemap",
    "parse_when",
    "sitemaps_from_robots",
]
