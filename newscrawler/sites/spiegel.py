"""spiegel.de, DER SPIEGEL: extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is the social one
(`og:title`).
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

SPIEGEL = SiteProfile(
    name="spiegel",
    hosts=("www.spiegel.de", "spiegel.de"),
    extraction=ExtractionRules(headline="social"),
)
