"""spiegel.de, DER SPIEGEL: extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is the social one
(`og:title`).
"""

from newscrawler.extract.rules import ExtractionRules
from newscrawler.sites.base import SiteProfile

SPIEGEL = SiteProfile(
    name="spiegel",
    hosts=("www.spiegel.de", "spiegel.de"),
    extraction=ExtractionRules(headline="social"),
)
