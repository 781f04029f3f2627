"""Headlines: the three a news page carries, the kicker above them, and the one that is `title`.

A page declares a headline for search engines (JSON-LD `headline`), one for social networks
(`og:title`, `twitter:title`, or `<title>`, usually with " | Site" after it) and shows one in its
`<h1>`, often under a kicker (Dachzeile, Spitzmarke, overline). They differ on many pages, and
which one a reader calls "the" headline differs by publisher. `title` is the one most of the
page's sources agree on; on a tie the social one, then the declared one (measured on both dev
sets, where no single source is right on every site, see README "Extraction").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml.html import HtmlElement

from newscrawler.text import normalize_text

_SEPARATOR = re.compile(r"\s+(?:\||-|–|—|·|•|::|»|/|\*)\s+")
_KICKER_INSIDE = re.compile(
    r"kicker|dachzeile|topline|top-line|overline|roofline|eyebrow|spitzmarke|label|flag",
    re.IGNORECASE,
)
"""Elements inside an `<h1>` that are its kicker, not its headline."""
_KICKER_BEFORE = re.compile(
    r"kicker|dachzeile|topline|top-line|overline|roofline|eyebrow|spitzmarke|pretitle|"
    r"supertitle",
    re.IGNORECASE,
)
"""Elements right before an `<h1>` that are its kicker (not "label": section names use it)."""
_KICKER_PREFIX = re.compile(r"^(?P<kicker>.{2,80}?)\s*[:|–—-]\s+(?P<rest>.+)$")
_MAX_KICKER_WORDS = 10
_WORD = re.compile(r"\w+")
_EDGE_PUNCTUATION = " :|–—-·•"


def squash(text: str) -> str:
    """Letters and digits only, case-folded: how two forms of one headline are compared
    ("Kohberger’s" and "Kohberger's", "Rückbau - Kühltürme" and "Rückbau: Kühltürme")."""
    return "".join(_WORD.findall(text.casefold()))


def _is_site_name(segment: str, site_names: Iterable[str]) -> bool:
    squashed = squash(segment)
    if not squashed:
        return False
    for name in site_names:
        site = squash(name)
        if not site:
            continue
        if squashed.startswith(site) or (
            site.startswith(squashed) and len(squashed) >= 0.6 * len(site)
        ):
            return True
    return False


def strip_site_suffix(
    title: str, site_names: Iterable[str] = (), other_titles: Iterable[str] = ()
) -> str:
    """`title` without what surrounds the headline: " | Section | Site" after it when another
    source of the page shows the headline alone (or the trailing segment names the site), and a
    leading "Site | " segment."""
    names = [n for n in site_names if n]
    title = _cut_after_headline(title, other_titles)
    for _ in range(3):  # "Headline - Section - Site": trailing segments naming the site
        separators = list(_SEPARATOR.finditer(title))
        if not separators:
            break
        last = separators[-1]
        head, tail = title[: last.start()].strip(), title[last.end() :].strip()
        if not head or not _is_site_name(tail, names):
            break
        title = head
    separators = list(_SEPARATOR.finditer(title))
    if separators:  # "Site | Headline" (some CMS put the brand first)
        first = separators[0]
        head, tail = title[: first.start()].strip(), title[first.end() :].strip()
        if tail and _is_site_name(head, names):
            title = tail
    return title


def _cut_after_headline(title: str, others: Iterable[str]) -> str:
    """`title` cut after the longest head that ends with another headline of the page:
    "Headline | Bhopal News | Site", "Kicker: Headline | Site", "Headline-Politik | Site" (a
    suffix glued to the headline)."""
    anchors = [o for o in others if squash(o)]
    for separator in reversed(list(_SEPARATOR.finditer(title))):
        head = title[: separator.start()].strip()
        if head and any(squash(head).endswith(squash(a)) for a in anchors):
            return head
    folded = title.casefold()
    for anchor in sorted(anchors, key=len, reverse=True):
        end = len(anchor)
        tail = title[end:]
        # a glued suffix names something ("-Politik"); "…" or "?!" after it is the headline's
        glued = tail and not tail[0].isalnum() and any(ch.isalpha() for ch in tail)
        if glued and folded.startswith(anchor.casefold()):
            return title[:end].strip()
    return title


def heading_text(heading: HtmlElement) -> str:
    """Text of an `<h1>` without its kicker (elements marked as kicker/overline)."""
    parts: list[str] = []

    def collect(element: HtmlElement) -> None:
        if element.text:
            parts.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not _KICKER_INSIDE.search(child.get("class") or ""):
                collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(heading)
    return normalize_text(" ".join(parts)).strip(_EDGE_PUNCTUATION)


def main_heading(tree: HtmlElement) -> HtmlElement | None:
    """The page's headline element: the first `<h1>` inside `<article>`/`<main>`, else the first
    `<h1>` with text."""
    # The page's few <h1>s, tested for an ancestor: the XPaths `//article//h1`, `//main//h1`
    # and `//h1` walked the tree three times (0.22 against 0.15 ms a page on both dev sets,
    # most of it this one walk).
    headings = list(tree.iter("h1"))
    for container in ("article", "main", None):
        for heading in headings:
            inside = container is None or next(heading.iterancestors(container), None) is not None
            if inside and normalize_text(heading.text_content()):
                return heading
    return None


def marked_kicker(heading: HtmlElement) -> str | None:
    """The kicker the markup names: an element inside the `<h1>`, or right before it (or before
    the container it opens), whose class says kicker, Dachzeile, topline or overline."""
    for element in heading.iterdescendants():
        if isinstance(element.tag, str) and _KICKER_INSIDE.search(element.get("class") or ""):
            text = _kicker_text(element)
            if text:
                return text
    for node in (heading, heading.getparent()):
        previous = node.getprevious() if node is not None else None
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()
        if previous is not None and _KICKER_BEFORE.search(previous.get("class") or ""):
            return _kicker_text(previous)
    return None


def _kicker_text(element: HtmlElement) -> str | None:
    text = normalize_text(element.text_content()).strip(_EDGE_PUNCTUATION)
    return text if text and len(_WORD.findall(text)) <= _MAX_KICKER_WORDS else None


def prefix_kicker(shown: str | None, others: Iterable[str | None]) -> str | None:
    """The kicker glued to a declared or social headline: "Kicker: Headline", where "Headline"
    is what the `<h1>` shows."""
    if not shown:
        return None
    for other in others:
        match = _KICKER_PREFIX.match(other or "")
        if match and squash(match["rest"]) == squash(shown):
            kicker = match["kicker"].strip(_EDGE_PUNCTUATION)
            if len(_WORD.findall(kicker)) <= _MAX_KICKER_WORDS:
                return kicker
    return None


@dataclass(frozen=True)
class Headlines:
    """The page's headlines, each without site suffixes; None where the page has none."""

    shown: str | None = None
    """The `<h1>`, without its kicker."""
    declared: str | None = None
    """JSON-LD `headline` (written for search engines)."""
    social: str | None = None
    """`og:title`, else `twitter:title`, else `<title>`."""

    def as_dict(self) -> dict[str, str | None]:
        return {"shown": self.shown, "declared": self.declared, "social": self.social}


def choose_title(candidates: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """(source, headline) that most sources agree on, in the spelling most of them use.
    `candidates` are (source, headline) in the order that breaks ties; a headline several social
    sources repeat (og:title copied to twitter:title and `<title>`) counts once for them."""
    headline_votes = _votes((squash(h), source) for source, h in candidates)
    spelling_votes = _votes((h, source) for source, h in candidates)
    best: tuple[str, str] | None = None
    for source, headline in candidates:
        if not squash(headline):
            continue
        rank = (headline_votes[squash(headline)], spelling_votes[headline])
        if best is None or rank > (headline_votes[squash(best[1])], spelling_votes[best[1]]):
            best = (source, headline)
    return best


def _votes(keyed: Iterable[tuple[str, str]]) -> dict[str, int]:
    votes: dict[str, int] = {}
    counted: set[tuple[str, str]] = set()
    for key, source in keyed:
        family = "social" if source in SOCIAL_SOURCES else source
        if key and (family, key) not in counted:
            counted.add((family, key))
            votes[key] = votes.get(key, 0) + 1
    return votes


SOCIAL_SOURCES = frozenset({"og:title", "twitter:title", "title-tag"})
