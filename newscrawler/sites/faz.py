"""faz.net, Frankfurter Allgemeine Zeitung: extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is the social one
(`og:title`).
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

FAZ = SiteProfile(
    name="faz",
    hosts=("www.faz.net", "faz.net"),
    extraction=ExtractionRules(headline="social"),
)
