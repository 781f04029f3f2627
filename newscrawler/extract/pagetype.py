"""What kind of page this is: an article, a live blog, a video, an index (home, section, tag).

Spiders emit items only for articles; the evidence is kept as short strings (`article_signals`)
so a crawl log can say why a page was or was not taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from newscrawler.extract.jsonld import (
    ARTICLE_TYPES,
    INDEX_TYPES,
    LIVE_TYPES,
    VIDEO_TYPES,
    Node,
    node_types,
)
from newscrawler.extract.meta import MetaTags

ARTICLE, LIVEBLOG, VIDEO, INDEX, UNKNOWN = "article", "liveblog", "video", "index", "unknown"
ARTICLE_PAGE_TYPES = frozenset({ARTICLE, LIVEBLOG})

MIN_ARTICLE_WORDS = 150
"""A body this long is an article even without any metadata saying so."""
MIN_DATED_ARTICLE_WORDS = 60
"""A body this long with a publication date is an article (a short news item)."""
_INDEX_PATH = re.compile(
    r"^/(?:$|index\.\w+$|(?:tag|tags|thema|themen|schlagwort|schlagworte|stichwort|autor|autoren|"
    r"author|suche|search|ressort|rubrik|kategorie|category|topics?)(?:/|$))",
    re.IGNORECASE,
)


def classify(
    url: str,
    article: Node | None,
    nodes: Sequence[Node],
    meta: MetaTags,
    word_count: int,
    *,
    foreign_articles: int = 0,
    dated: bool = False,
) -> tuple[str, tuple[str, ...]]:
    """(page_type, signals). `foreign_articles` counts article nodes of other pages (an index
    page lists its teasers as JSON-LD articles); `dated` says a publication date was found."""
    signals: list[str] = []
    types = node_types(article) if article else set()
    for name in sorted(types & ARTICLE_TYPES):
        signals.append(f"jsonld:{name}")
    all_types = set().union(*(node_types(n) for n in nodes)) if nodes else set()
    og_type = (meta.first("og:type") or "").lower()
    if og_type:
        signals.append(f"og:type={og_type}")
    if word_count >= MIN_ARTICLE_WORDS:
        signals.append(f"body>={MIN_ARTICLE_WORDS} words")
    elif dated and word_count >= MIN_DATED_ARTICLE_WORDS:
        signals.append(f"dated body>={MIN_DATED_ARTICLE_WORDS} words")
    if dated:
        signals.append("published date")
    path = urlsplit(url).path or "/"
    index_path = bool(_INDEX_PATH.match(path))
    if index_path:
        signals.append("url:index-path")
    if all_types & INDEX_TYPES:
        signals.append("jsonld:" + sorted(all_types & INDEX_TYPES)[0])
    if foreign_articles >= 3:
        signals.append(f"jsonld:{foreign_articles} articles of other pages")
    has_video = bool(all_types & VIDEO_TYPES) or og_type.startswith("video")
    if has_video:
        signals.append("video")

    if types & LIVE_TYPES:
        return LIVEBLOG, tuple(signals)
    if has_video and word_count < MIN_ARTICLE_WORDS and (not types or og_type.startswith("video")):
        return VIDEO, tuple(signals)
    if types:
        return ARTICLE, tuple(signals)
    if index_path or all_types & INDEX_TYPES or foreign_articles >= 3:
        return INDEX, tuple(signals)
    long_enough = word_count >= MIN_ARTICLE_WORDS or (
        dated and word_count >= MIN_DATED_ARTICLE_WORDS
    )
    if og_type == "article" or long_enough:
        return ARTICLE, tuple(signals)
    if og_type == "website":
        return INDEX, tuple(signals)
    return UNKNOWN, tuple(signals)
