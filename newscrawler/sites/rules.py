"""Per-site extraction rules: data, for the few places where general signals are not enough.

A rule set belongs to a site profile (`newscrawler.sites`); `extract_article` looks it up by the
page's host. Selectors are CSS. This module imports nothing of the extractor: the extractor
imports the site registry, never the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml.cssselect import CSSSelector

from newscrawler.items import HEADLINE_KINDS


@dataclass(frozen=True)
class ExtractionRules:
    """Selector overrides for one site. Empty fields mean: use the general extractor."""

    title: str | None = None
    """Element whose text is the headline (for a `<meta>`, its `content`)."""
    headline: str | None = None
    """Which of the page's headlines is the site's headline of record: "shown" (the `<h1>`),
    "declared" (JSON-LD `headline`) or "social" (`og:title`); instead of the general vote."""
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

    def __post_init__(self) -> None:
        # A typo in a profile fails when the profile is loaded, not silently on every page.
        if self.headline not in (None, *HEADLINE_KINDS):
            raise ValueError(f"unknown headline kind in extraction rules: {self.headline!r}")
        singles = (self.title, self.authors, self.date_published, self.body)
        for selector in [s for s in singles if s] + [*self.remove, *self.paywall]:
            try:
                CSSSelector(selector)
            except Exception:  # cssselect raises several types (SelectorSyntaxError, ...)
                raise ValueError(
                    f"unreadable CSS selector in extraction rules: {selector!r}"
                ) from None
        for pattern in self.boilerplate:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as error:
                raise ValueError(f"bad boilerplate pattern {pattern!r}: {error}") from None


NO_RULES = ExtractionRules()
