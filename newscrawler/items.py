"""The one item newscrawler emits: a news article.

Field order here is the export order of every JSON line. The published JSON Schema
(`schema/news_article.schema.json`) is generated from this class; see `newscrawler.schema`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ISO 8601 with a UTC offset when the time is known, a bare day when only the day is known.
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2})?$"
HEADLINE_KINDS = ("shown", "declared", "social")
UTC_TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+00:00$"
VERSIONED_FIELDS = ("title", "body", "authors", "date_modified", "is_paywalled")
"""The fields whose change makes a new version of an article (`changed_fields`)."""
COVERED_FIELDS = ("title", "date_published", "authors", "body", "image_url")
"""The fields whose coverage of a run's article pages is recorded and monitored
(`newscrawler.monitoring`)."""
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}
SYNDICATION = {
    "properties": {
        "cluster": {"type": "string", "minLength": 1}, "first_url": {"type": "string"},
        "first_site": {"type": "string"},
        "first_seen": {"type": "string", "pattern": UTC_TIMESTAMP_PATTERN},
        "similarity": _SHARE, "own_share": _SHARE,
    },
    "required": ["cluster", "first_url", "first_site", "first_seen", "similarity", "own_share"],
    "additionalProperties": False,
}  # fmt: skip


def _schema(**extra: Any) -> dict[str, Any]:
    return {"json_schema_extra": extra}


@dataclass
class NewsArticle:
    """A news article as published on a site, with its metadata and clean body text."""

    url: str = field(default="", metadata=_schema(format="uri", minLength=1))
    """URL the article was fetched from, after redirects, tracking parameters removed."""

    canonical_url: str | None = None
    """The URL the page declares as canonical (`<link rel=canonical>`, og:url, JSON-LD)."""

    site: str = field(default="", metadata=_schema(minLength=1))
    """Key of the site or spider that produced the article, e.g. `shz`."""

    title: str | None = None
    """The headline most of the page's sources agree on (of `headlines`, or the site
    profile's choice), without the site-name suffix of `<title>`."""

    headlines: dict[str, str | None] = field(
        default_factory=lambda: dict.fromkeys(HEADLINE_KINDS),
        metadata=_schema(
            properties={kind: {"type": ["null", "string"]} for kind in HEADLINE_KINDS},
            required=list(HEADLINE_KINDS),
        ),
    )
    """The page's three headlines, each without site suffixes, null where the page has none:
    `shown` (the `<h1>`, without its kicker), `declared` (JSON-LD `headline`, often written for
    search engines), `social` (`og:title`, else `twitter:title`, else `<title>`)."""

    kicker: str | None = None
    """The kicker (Dachzeile, Spitzmarke, overline) above the shown headline."""

    teaser: str | None = None
    """Lead paragraph / summary as the site shows it."""

    authors: list[str] = field(default_factory=list)
    """Author names, one per entry; agencies (`dpa`) where the page names no person."""

    date_published: str | None = field(default=None, metadata=_schema(pattern=DATE_PATTERN))
    """Publication time, ISO 8601 with the Europe/Berlin offset, or `YYYY-MM-DD` when only the
    day is known; null when unknown."""

    date_published_raw: str | None = None
    """The string `date_published` was read from, as the page gives it."""

    date_modified: str | None = field(default=None, metadata=_schema(pattern=DATE_PATTERN))
    """Last modification time, same format as `date_published`."""

    section: str | None = None
    """Section or department, e.g. `Politik` or `Lokales / Flensburg`."""

    tags: list[str] = field(default_factory=list)
    """Keywords / topics the site attaches to the article."""

    # --- What the article is made of (agencies, dateline, local edition, copies) ---
    agencies: list[str] = field(default_factory=list)
    """News agencies the article credits (`dpa`, `AFP`, `Reuters`, `epd`, `RND`, ...; regional
    services as their agency: `dpa/lno` is `dpa`), from dateline, byline and credit lines."""
    dateline: list[str] = field(default_factory=list)
    """Places of the dateline opening the text ("Kiel (dpa) –" → `["Kiel"]`)."""
    local_edition: str | None = None
    """The local section the site files the article under (`Flensburg`); null for national news."""
    syndication: dict[str, Any] | None = field(default=None, metadata=_schema(**SYNDICATION))
    """Earlier copy of this text (the first of its cluster, on any site sharing the state):
    cluster id, its URL, site and first sighting, similarity, and this text's own share."""

    language: str | None = None
    """Language code of the article, e.g. `de`."""

    body: str = ""
    """Clean article text: paragraphs and subheadings separated by one blank line."""

    word_count: int = field(default=0, metadata=_schema(minimum=0))
    """Number of words in `body`."""

    image_url: str | None = None
    """URL of the lead image."""

    image_caption: str | None = None
    """Caption of the lead image."""

    image_credit: str | None = None
    """Credit of the lead image, e.g. `dpa/Pool AP`."""

    is_paywalled: bool = False
    """True when the article is behind a paywall; `body` then holds only the visible text."""

    crawled_at: str = field(default="", metadata=_schema(pattern=UTC_TIMESTAMP_PATTERN))
    """When the page was fetched, UTC, ISO 8601."""

    fingerprint: str = field(default="", metadata=_schema(pattern=r"^[0-9a-f]{32}$"))
    """Stable hash of the normalised body; changes when the text changes."""

    version: int = field(default=1, metadata=_schema(minimum=1))
    """Which version of the article this line holds: 1 for the first line of an article, one
    more for each later line of it (a revisit or a listing found it changed)."""

    previous_fingerprint: str | None = field(
        default=None, metadata=_schema(pattern=r"^[0-9a-f]{32}$")
    )
    """The `fingerprint` of the version before this one; null in version 1."""

    changed_fields: list[str] = field(
        default_factory=list,
        metadata=_schema(items={"enum": list(VERSIONED_FIELDS)}, uniqueItems=True),
    )
    """What changed since the previous version, of `title`, `body`, `authors`, `date_modified`
    and `is_paywalled`; [] in version 1."""

    warc: dict[str, str | int] | None = field(
        default=None,
        metadata=_schema(
            properties={
                "file": {"type": "string", "minLength": 1},
                "offset": {"type": "integer", "minimum": 0},
                "length": {"type": "integer", "minimum": 1},
                "record_id": {"type": "string", "pattern": r"^<\S+>$"},
            },
            required=["file", "offset", "length", "record_id"],
            additionalProperties=False,
        ),
    )
    """Where the page is archived (`-s NEWSCRAWLER_WARC=True`, or the record a `warc` run read
    it from): the WARC file relative to the JSON lines file's folder, offset and length of the
    response record's gzip member, its WARC-Record-ID; null when not archived."""
