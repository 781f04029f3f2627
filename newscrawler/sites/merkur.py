"""merkur.de (Ippen Media): extraction rules only (no crawl start points).

The JSON-LD `headline` here is an SEO variant; the headline of record is `og:title`.
"""

from newscrawler.extract.rules import OG_TITLE, ExtractionRules
from newscrawler.sites.base import SiteProfile

MERKUR = SiteProfile(
    name="merkur",
    hosts=("www.merkur.de", "merkur.de"),
    extraction=ExtractionRules(title=OG_TITLE),
)
