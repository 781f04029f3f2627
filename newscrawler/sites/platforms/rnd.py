"""RND (RedaktionsNetzwerk Deutschland, Madsack) sites on Arc XP: kn-online.de, ln-online.de,
ostsee-zeitung.de, haz.de, lvz.de, maz-online.de, ...

Every site runs the same Arc XP (Fusion) front end:
- articles: `/<section path>/<slug>-<26-character Arc id>.html`, the id upper-case letters and
  digits (`/lokales/kiel/kiel-...-6XQOZ5MLNZG5JCTQGBKQZ3N2TI.html`); section, topic and author
  pages never carry such an id;
- feeds: Arc outbound feeds, `/arc/outboundfeeds/rss/` for the site and
  `/arc/outboundfeeds/rss/category/<section>/` per section; they also list RND network articles
  on other hosts (rnd.de), which are offsite and skipped;
- sitemaps: robots.txt lists the Arc news sitemap;
- paywall ("KN+", "LN+", "OZ+"): JSON-LD `isAccessibleForFree: false` with a `hasPart`
  `cssSelector`; the page shows the opening paragraphs and blurred placeholder text, while the
  full text sits in the `Fusion.globalContent` script, which is not the visible article.
"""

from __future__ import annotations

from collections.abc import Sequence

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import NO_RULES, ExtractionRules

ARTICLE_URL = r"/[^/?#]+-[A-Z0-9]{26}\.html$"


def rnd_site(
    name: str,
    host: str,
    *,
    feed_categories: Sequence[str] = ("lokales",),
    sections: Sequence[str] = (),
    extraction: ExtractionRules = NO_RULES,
    local_editions: Sequence[tuple[str, str]] = (),
) -> SiteProfile:
    """The profile of one RND site: `host` is the main host (`www.kn-online.de`),
    `feed_categories` the Arc categories with their own feed, `sections` local section paths
    whose pages link today's articles."""
    origin = f"https://{host}"
    feeds = f"{origin}/arc/outboundfeeds/rss/"
    return SiteProfile(
        name=name,
        hosts=(host, host.removeprefix("www.")),
        feeds=(feeds, *(f"{feeds}category/{category}/" for category in feed_categories)),
        sections=(f"{origin}/", *(origin + path for path in sections)),
        article_url=ARTICLE_URL,
        extraction=extraction,
        local_editions=tuple(local_editions),
    )
