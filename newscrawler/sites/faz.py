"""faz.net, Frankfurter Allgemeine Zeitung: extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is `og:title`.
"""

from newscrawler.extract.rules import OG_TITLE, ExtractionRules
from newscrawler.sites.base import SiteProfile

FAZ = SiteProfile(
    name="faz",
    hosts=("www.faz.net", "faz.net"),
    extraction=ExtractionRules(title=OG_TITLE),
)
