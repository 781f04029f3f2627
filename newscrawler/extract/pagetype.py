"""What kind of page this is: an article, a live blog, a video, an index (home, section, tag).

Spiders emit items only for articles; the evidence is kept as short strings (`article_signals`)
so a crawl log can say why a page was or was not taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from newscrawler.extract.jsonld import (
    ARTICLE_TYPES,
    INDEX_TYPES,
    LIVE_TYPES,
    VIDEO_TYPES,
    Node,
    node_types,
)
from newscrawler.text import collapse_whitespace

ARTICLE, LIVEBLOG, VIDEO, INDEX, UNKNOWN = "article", "liveblog", "video", "index", "unknown"
ARTICLE_PAGE_TYPES = frozenset({ARTICLE, LIVEBLOG})

MIN_ARTICLE_WORDS = 150
"""A body this long is an article even without any metadata saying so."""
MIN_DATED_ARTICLE_WORDS = 60
"""A body this long with a publication date is an article (a short news item)."""
SECTION_FRONT_TEASERS = 6
"""Teasers (a headline linking elsewhere, a summary beside it) whose summaries the body repeats,
from which a page is an index (a section front whose teaser list the extractor took for the
text), whatever its markup says."""
WORDS_PER_TEASER = 60
"""...provided they come at least one per this many words of the body (an article's text may
repeat a few linked headlines; a teaser list is mostly headlines and their summaries)."""
_MIN_SUMMARY_WORDS = 5
_SUMMARY_WORDS = 12
"""The start of a summary that is looked for in the body (its end may be cut off there)."""
_INDEX_PATH = re.compile(
    r"^/(?:$|index\.\w+$|(?:tag|tags|thema|themen|schlagwort|schlagworte|stichwort|autor|autoren|"
    r"author|suche|search|ressort|rubrik|kategorie|category|topics?)(?:/|$))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PageEvidence:
    """What tells the kind of a page."""

    url: str
    article: Node | None
    """The JSON-LD node of the page's own article."""
    nodes: Sequence[Node]
    og_type: str
    words: int
    """Words of the extracted body (0 for a body that is not prose)."""
    foreign_articles: int = 0
    """JSON-LD article nodes of other pages (an index lists its teasers so)."""
    dated: bool = False
    """The page states a publication date."""
    teasers: int = 0
    """Teasers of other pages whose summary the body repeats (`teasers_in_body`)."""

    @property
    def article_types(self) -> set[str]:
        return node_types(self.article) & ARTICLE_TYPES if self.article else set()

    @property
    def all_types(self) -> set[str]:
        return set().union(*(node_types(n) for n in self.nodes)) if self.nodes else set()

    @property
    def long_enough(self) -> bool:
        return self.words >= MIN_ARTICLE_WORDS or (
            self.dated and self.words >= MIN_DATED_ARTICLE_WORDS
        )

    @property
    def section_front(self) -> bool:
        return (
            self.teasers >= SECTION_FRONT_TEASERS and self.teasers * WORDS_PER_TEASER >= self.words
        )

    @property
    def has_video(self) -> bool:
        return bool(self.all_types & VIDEO_TYPES) or self.og_type.startswith("video")

    @property
    def index_path(self) -> bool:
        return bool(_INDEX_PATH.match(urlsplit(self.url).path or "/"))


def signals(evidence: PageEvidence) -> tuple[str, ...]:
    """The evidence as short strings for the log ("jsonld:NewsArticle", "body>=150 words")."""
    found = [f"jsonld:{name}" for name in sorted(evidence.article_types)]
    if evidence.og_type:
        found.append(f"og:type={evidence.og_type}")
    if evidence.words >= MIN_ARTICLE_WORDS:
        found.append(f"body>={MIN_ARTICLE_WORDS} words")
    elif evidence.long_enough:
        found.append(f"dated body>={MIN_DATED_ARTICLE_WORDS} words")
    if evidence.dated:
        found.append("published date")
    if evidence.index_path:
        found.append("url:index-path")
    if evidence.all_types & INDEX_TYPES:
        found.append("jsonld:" + sorted(evidence.all_types & INDEX_TYPES)[0])
    if evidence.foreign_articles >= 3:
        found.append(f"jsonld:{evidence.foreign_articles} articles of other pages")
    if evidence.has_video:
        found.append("video")
    if evidence.teasers >= SECTION_FRONT_TEASERS:
        found.append(f"body repeats {evidence.teasers} teasers")
    return tuple(found)


def classify(evidence: PageEvidence) -> tuple[str, tuple[str, ...]]:
    """(page_type, signals)."""
    return _page_type(evidence), signals(evidence)


def _page_type(evidence: PageEvidence) -> str:
    types, og_type = evidence.article_types, evidence.og_type
    if types & LIVE_TYPES:
        return LIVEBLOG
    short = evidence.words < MIN_ARTICLE_WORDS
    if evidence.has_video and short and (not types or og_type.startswith("video")):
        return VIDEO
    if types and not evidence.section_front:  # (a careless template's article markup)
        return ARTICLE
    if (
        evidence.section_front
        or evidence.index_path
        or evidence.all_types & INDEX_TYPES
        or evidence.foreign_articles >= 3
    ):
        return INDEX
    if og_type == "article" or evidence.long_enough:
        return ARTICLE
    return INDEX if og_type == "website" else UNKNOWN


def teasers_in_body(teasers: Iterable[tuple[str, str]], page_url: str, body: str) -> int:
    """Of the page's teasers (a headline link's URL, absolute or relative to the page, and the
    summary beside it), those to other pages whose summary the body repeats: a section front's
    teaser list taken for text."""
    # paragraph breaks as spaces: the same words, and a clean body needs no split
    flat_body = collapse_whitespace(body.replace("\n\n", " "))
    found = set()
    for link, summary in teasers:
        words = summary.split()
        if len(words) < _MIN_SUMMARY_WORDS or " ".join(words[:_SUMMARY_WORDS]) not in flat_body:
            continue
        url = urljoin(page_url, link)  # only for a repeated summary: most are not
        if url != page_url:
            found.add(url)
    return len(found)
