"""br.de, Bayerischer Rundfunk (BR24): extraction rules only (no crawl start points).
On BR's news tickers the `<h1>` and `og:title` follow the latest entry; the headline of record
is the declared one (JSON-LD `headline`), which names the ticker.
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

BR = SiteProfile(
    name="br",
    hosts=("www.br.de", "br.de"),
    extraction=ExtractionRules(headline="declared"),
)
