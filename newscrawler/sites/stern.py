"""stern.de (RTL News): extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is the social one
(`og:title`).
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

STERN = SiteProfile(
    name="stern",
    hosts=("www.stern.de", "stern.de"),
    extraction=ExtractionRules(headline="social"),
)
