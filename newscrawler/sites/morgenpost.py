"""morgenpost.de, Berliner Morgenpost (Funke platform, like abendblatt.de): extraction rules only
(no crawl start points). Funke pages show (`<h1>`, `og:title`) a variant of the headline; the
headline of record is the declared one (JSON-LD `headline`).
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

MORGENPOST = SiteProfile(
    name="morgenpost",
    hosts=("www.morgenpost.de", "morgenpost.de"),
    extraction=ExtractionRules(headline="declared"),
)
