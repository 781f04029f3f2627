"""The one place that decides what is an article: the URL prior (is a URL worth fetching as
an article?) and the page verdict (does a fetched, extracted page become an item?).

- **URL prior** (`url_prior`). A site profile's article URL pattern is exact: it decides for
  every URL of its site. Without one, URL shapes are priors, not filters:
  - a URL a sitemap or feed lists (or a WARC archive holds) is fetched unless it is clearly
    no article (`clearly_not_article`: the home page, a file that is not a page, a tag,
    author, search or pagination index whose last segment is not an article slug, an imprint
    or account page) — the page decides;
  - a link found on an HTML page must also look like an article (`article_shaped`: a numeric
    id, a date in the path, an id in the query, or a slug of several words), as most links
    on a page lead elsewhere;
  - a URL the user gave (`-a url=`) is always fetched.
- **Page verdict** (`page_verdict`): the page is an article or a live blog by its markup and
  text (`newscrawler.extract.pagetype`: section and index fronts are never articles, also
  when a careless template marks them up as one), has a headline and a body of real length
  (or a paywall); where no profile pattern vouched for the URL, also a date or an author.

Each answer is a `Judgement` that carries its evidence, for the debug line the spider logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

if TYPE_CHECKING:
    from newscrawler.extract import ExtractedPage

LISTED_SOURCES = frozenset({"sitemap", "feed", "warc"})
"""Leads a listing names as articles: fetched unless their URL is clearly no article."""
GIVEN_SOURCE = "url"
"""A lead the user gave (`-a url=`): always fetched."""

MIN_BODY_WORDS = 25
"""Fewer words are not an article's text (a photo gallery's "1 / 24"), unless paywalled."""

# Files a news page never is: skipped without downloading them.
NON_HTML_EXTENSIONS = frozenset(
    {"pdf", "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "ico", "bmp", "tif", "tiff",
     "mp4", "m4v", "webm", "mov", "avi", "mkv", "mp3", "m4a", "aac", "ogg", "oga", "wav",
     "flac", "m3u8", "mpd", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "tar", "exe", "dmg",
     "apk", "iso", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "epub",
     "csv", "json", "xml", "rss", "atom", "txt", "ics", "vcf", "js", "css", "woff", "woff2",
     "ttf", "otf", "eot"}
)  # fmt: skip
# Segments that open an index of articles: what follows names the tag, author or page number.
INDEX_SEGMENTS = frozenset(
    {"tag", "tags", "thema", "themen", "topic", "topics", "schlagwort", "schlagworte",
     "stichwort", "stichworte", "dossier", "autor", "autoren", "autorin", "author", "authors",
     "page", "seite", "kategorie", "category", "categories", "rubrik"}
)  # fmt: skip
# Pages that are never news wherever they sit (search, legal, account, feeds).
SERVICE_SEGMENTS = frozenset(
    {"suche", "search", "feed", "feeds", "rss", "newsletter", "impressum", "datenschutz",
     "kontakt", "agb", "abo", "login", "logout", "account", "konto", "wp-admin", "cdn-cgi"}
)  # fmt: skip
INDEX_PAGES = frozenset({"index", "default", "home", "start", "startseite", "uebersicht"})
PAGINATION_PARAMS = frozenset({"page", "p", "seite", "pg", "offset"})
ID_PARAMS = frozenset({"id", "aid", "artikel", "artikelid", "article", "articleid", "story"})
# Extensions of pages a CMS renders: `.cms` (Times Internet), `.ece` (Escenic), `.amp`.
PAGE_EXTENSIONS = frozenset({"html", "htm", "shtml", "php", "asp", "aspx", "cms", "ece", "amp"})
_NUMERIC_ID = re.compile(r"\d{5,}")
_DATE_IN_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/|/(?:19|20)\d\d-\d\d-\d\d")
_WORD_SEPARATORS = re.compile(r"[-_+]+|%20")
SLUG_WORDS = 4
"""Words of a slug that names an article (two suffice with a page extension)."""


@dataclass(frozen=True)
class Judgement:
    """An answer and its evidence ("listed; slug of 8 words")."""

    yes: bool
    evidence: str

    def __bool__(self) -> bool:
        return self.yes


# --- URL shapes ------------------------------------------------------------------------------


@lru_cache(maxsize=1024)  # (asked several times per URL, for thousands of sitemap entries)
def path_segments(url: str) -> tuple[str, ...]:
    """The URL's path segments, lower case, percent-decoded (`m%C3%BCnster` is `münster`)."""
    return tuple(unquote(s) for s in urlsplit(url).path.lower().split("/") if s)


def last_segment(url: str) -> tuple[str, str]:
    """Stem and lower-case extension of the URL's last path segment."""
    segments = path_segments(url)
    if not segments:
        return "", ""
    stem, dot, extension = segments[-1].rpartition(".")
    return (stem, extension) if dot and stem else (segments[-1], "")


def url_extension(url: str) -> str:
    """Lower-case extension of the URL's last path segment ("" when there is none)."""
    return last_segment(url)[1]


def has_non_html_extension(url: str) -> bool:
    """True for URLs of PDFs, images, media, archives and other files that are not pages."""
    return url_extension(url) in NON_HTML_EXTENSIONS


def slug_words(stem: str) -> int:
    return len([word for word in _WORD_SEPARATORS.split(stem) if word])


def is_slug(url: str) -> bool:
    """The last segment names one article: an id, or a slug of several words."""
    stem, extension = last_segment(url)
    if _NUMERIC_ID.search(stem):
        return True
    return slug_words(stem) >= (2 if extension in PAGE_EXTENSIONS else SLUG_WORDS)


def query_id(url: str) -> bool:
    """An article id in the query (`article.php?id=123`)."""
    query = parse_qsl(urlsplit(url).query)
    return any(key.lower() in ID_PARAMS and value.isdigit() for key, value in query)


def clearly_not_article(url: str) -> str | None:
    """Why the URL alone says the page is no article, or None: the home page, a file that is
    not a page, an index page, pagination, search, legal or account pages, and a tag, author
    or page index whose last segment is not an article slug behind the index's own name
    (`/autoren/<name>/<slug>` is an article, `/autoren/<name>` and `/thema/<name>` not)."""
    segments = path_segments(url)
    if has_non_html_extension(url):
        return f"a .{url_extension(url)} file"
    if not segments:
        return None if query_id(url) else "the home page"
    query = parse_qsl(urlsplit(url).query)
    if any(key.lower() in PAGINATION_PARAMS and value.isdigit() for key, value in query):
        return "pagination"
    return _index_or_service(url, segments)


def _index_or_service(url: str, segments: tuple[str, ...]) -> str | None:
    service = SERVICE_SEGMENTS.intersection(segments)
    if service:
        return f"a {sorted(service)[0]} page"
    if last_segment(url)[0] in INDEX_PAGES:
        return "an index page"
    opened = [i for i, segment in enumerate(segments) if segment in INDEX_SEGMENTS]
    if opened and (len(segments) - 1 <= opened[-1] + 1 or not is_slug(url)):
        return f"a {segments[opened[-1]]} index"
    return None


def article_shaped(url: str) -> str | None:
    """What makes the URL look like an article's, or None: a numeric id, a date in the path,
    an id in the query, or a slug of several words."""
    path = unquote(urlsplit(url).path)
    if _NUMERIC_ID.search(path):
        return "numeric id"
    if _DATE_IN_PATH.search(path):
        return "date in the path"
    if query_id(url):
        return "id in the query"
    stem, extension = last_segment(url)
    words = slug_words(stem)
    if words >= (2 if extension in PAGE_EXTENSIONS else SLUG_WORDS):
        return f"slug of {words} words" + (f" .{extension}" if extension else "")
    return None


# --- The URL prior ---------------------------------------------------------------------------


def url_prior(url: str, source: str, pattern: re.Pattern[str] | None = None) -> Judgement:
    """Whether a lead found in `source` ("sitemap", "feed", "warc", "section", "link", "url")
    is worth fetching as an article; `pattern` is the site profile's article URL pattern."""
    if source == GIVEN_SOURCE:
        return Judgement(True, "given")
    if has_non_html_extension(url):
        return Judgement(False, f"a .{url_extension(url)} file")
    if pattern is not None:
        matched = bool(pattern.search(urlsplit(url).path))
        return Judgement(matched, "profile pattern" + ("" if matched else " not matched"))
    not_article = clearly_not_article(url)
    if not_article is not None:
        return Judgement(False, not_article)
    if source in LISTED_SOURCES:
        return Judgement(True, f"listed in a {source}")
    shape = article_shaped(url)
    return Judgement(shape is not None, f"link: {shape or 'no article shape'}")


# --- The page verdict ------------------------------------------------------------------------


def page_verdict(page: ExtractedPage, *, pattern_vouches: bool) -> Judgement:
    """Whether an extracted page becomes an item. `pattern_vouches`: a site profile's article
    URL pattern matched the URL (else the page must show a date or an author, which only
    article markup gives: home, section and tag pages have a title and teaser text too)."""
    article = page.article
    evidence = ", ".join(page.article_signals) or "no signals"
    if not page.is_article:
        return Judgement(False, f"{page.page_type} page ({evidence})")
    if not article.title:
        return Judgement(False, f"no headline ({evidence})")
    if article.word_count < MIN_BODY_WORDS and not article.is_paywalled:
        # a gallery or video page marked up as an article
        return Judgement(False, f"body of {article.word_count} words ({evidence})")
    if pattern_vouches:
        return Judgement(True, f"profile pattern, {evidence}")
    if not (article.date_published or article.authors):
        return Judgement(False, f"no date, no author ({evidence})")
    return Judgement(True, evidence)


__all__ = [
    "Judgement",
    "article_shaped",
    "clearly_not_article",
    "has_non_html_extension",
    "page_verdict",
    "url_extension",
    "url_prior",
]
