"""stuttgarter-zeitung.de, Stuttgarter Zeitung: extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is `og:title`.
"""

from newscrawler.extract.rules import OG_TITLE, ExtractionRules
from newscrawler.sites.base import SiteProfile

STUTTGARTER_ZEITUNG = SiteProfile(
    name="stuttgarter_zeitung",
    hosts=("www.stuttgarter-zeitung.de", "stuttgarter-zeitung.de"),
    extraction=ExtractionRules(title=OG_TITLE),
)
