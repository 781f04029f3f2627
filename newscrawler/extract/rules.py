"""Per-site extraction rules: data, for the few places where general signals are not enough.

A rule set belongs to a site profile (`newscrawler.sites`); `extract_article` looks it up by the
page's host. Selectors are CSS.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractionRules:
    """Selector overrides for one site. Empty fields mean: use the general extractor."""

    title: str | None = None
    """Element whose text is the headline (for a `<meta>`, its `content`)."""
    authors: str | None = None
    """Elements whose texts are author names or a byline."""
    date_published: str | None = None
    """Element whose text, `datetime` or `content` attribute is the publication date."""
    body: str | None = None
    """Container of the article text, when the main-text heuristics pick the wrong one."""
    remove: tuple[str, ...] = ()
    """Elements dropped before anything is extracted (teasers of other articles, promos)."""
    paywall: tuple[str, ...] = ()
    """Elements that mark a paywall; the page is paywalled when one is present, and they and
    the (scrambled) text inside them never reach the body."""
    boilerplate: tuple[str, ...] = ()
    """Regular expressions of whole body lines that are page furniture on this site."""


NO_RULES = ExtractionRules()

OG_TITLE = 'meta[property="og:title"]'
"""`title` selector for sites whose headline of record is the OpenGraph title: their JSON-LD
`headline` is an SEO variant that differs from it."""
