"""abendblatt.de, Hamburger Abendblatt (Funke platform, like morgenpost.de and waz.de).

Starts from the RSS feed `/rss`, the Google News sitemap `/sitemaps/news.xml` and the sitemaps
robots.txt lists (monthly archives). Articles are `/<section>/article<id>/<slug>.html`; author,
topic and section pages are not. Paywall ("Abendblatt+"): JSON-LD `isAccessibleForFree`
"False" with a `hasPart` `cssSelector`. The pages show (`<h1>`, `og:title`) a variant of the
headline; the headline of record is the declared one (JSON-LD `headline`).
"""

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import ExtractionRules

ABENDBLATT = SiteProfile(
    name="abendblatt",
    hosts=("www.abendblatt.de", "abendblatt.de"),
    feeds=("https://www.abendblatt.de/rss",),
    sitemaps=("https://www.abendblatt.de/sitemaps/news.xml",),
    article_url=r"/article\d{6,}/[^/?#]+\.html$",
    extraction=ExtractionRules(
        headline="declared",
        # Funke puts links to other articles inside the body as paragraphs of their own.
        boilerplate=(r"^Lesen Sie auch: .*",),
    ),
)
