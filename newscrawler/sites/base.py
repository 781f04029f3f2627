"""What a site profile is: data that tells the crawler where a site's articles are."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from newscrawler.sites.rules import NO_RULES, ExtractionRules


@dataclass(frozen=True)
class SiteProfile:
    """One news site. Profiles with start points become spiders named `name`."""

    name: str
    """Site key: the spider name and the `site` field of its items."""
    hosts: tuple[str, ...]
    """Hosts the site serves articles from; the first is the main one."""
    feeds: tuple[str, ...] = ()
    """RSS/Atom feeds to start from (absolute URLs)."""
    sitemaps: tuple[str, ...] = ()
    """Sitemaps or sitemap indexes to start from (absolute URLs)."""
    sections: tuple[str, ...] = ()
    """Home/section pages: their article links and their declared feeds are followed."""
    discover_sitemaps: bool = True
    """Also read the `Sitemap:` lines of the main host's robots.txt."""
    article_url: str | None = None
    """Regular expression an article URL's path must match (searched, not anchored)."""
    extraction: ExtractionRules = field(default=NO_RULES)
    """Selector overrides for `extract_article` on this site's pages."""
    local_editions: tuple[tuple[str, str], ...] = ()
    """(URL slug, name as the site writes it) of the local editions whose slug does not spell
    the name ("luebeck" → "Lübeck"): the item's `local_edition`."""

    @cached_property
    def article_url_re(self) -> re.Pattern[str] | None:
        return re.compile(self.article_url) if self.article_url else None

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.sections

    def serves(self, host: str) -> bool:
        """True if `host` is one of the site's hosts (or a subdomain of one)."""
        host = host.lower()
        return any(host == h or host.endswith("." + h) for h in self.hosts)
