"""NOZ/mh:n Digital: shz.de, noz.de, svz.de, nnn.de, prignitzer.de and their siblings.

Every site runs the same stack since the 2021 platform merger:
- articles: `/<section path>/artikel/<slug>-<8-digit id>`; pages of the older mh:n CMS (before
  2021) stay online as `/<section path>/<slug>-id<digits>.html`;
- feeds: `/rss` for the whole site, `/<section path>/rss` per section, which section pages
  declare with `<meta name="feed">`;
- sitemaps: robots.txt lists a sitemap index (a Google News sitemap and monthly archives);
- paywall ("shz+", "noz+", ...): JSON-LD `isAccessibleForFree: false` with a `hasPart`
  `cssSelector` naming the scrambled rest of the text.
"""

from __future__ import annotations

from collections.abc import Sequence

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import NO_RULES, ExtractionRules

ARTICLE_URL = r"/artikel/[^/?#]+-\d{8}/?$|-id\d{6,}\.html$"


def mhn_site(
    name: str,
    host: str,
    *,
    sections: Sequence[str] = (),
    extraction: ExtractionRules = NO_RULES,
    local_editions: Sequence[tuple[str, str]] = (),
) -> SiteProfile:
    """The profile of one site on the platform.

    `host` is the main host (`www.shz.de`); `sections` are local section paths
    (`/lokales/kiel`) whose pages link today's articles and declare their section feed.
    """
    origin = f"https://{host}"
    return SiteProfile(
        name=name,
        hosts=(host, host.removeprefix("www.")),
        feeds=(f"{origin}/rss",),
        sections=(f"{origin}/", *(origin + path for path in sections)),
        article_url=ARTICLE_URL,
        extraction=extraction,
        local_editions=tuple(local_editions),
    )
