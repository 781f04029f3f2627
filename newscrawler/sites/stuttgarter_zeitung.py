"""stuttgarter-zeitung.de, Stuttgarter Zeitung: extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is the social one
(`og:title`).
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

STUTTGARTER_ZEITUNG = SiteProfile(
    name="stuttgarter_zeitung",
    hosts=("www.stuttgarter-zeitung.de", "stuttgarter-zeitung.de"),
    extraction=ExtractionRules(headline="social"),
)
