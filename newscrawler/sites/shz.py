"""shz.de, Schleswig-Holsteinischer Zeitungsverlag (NOZ/mh:n platform)."""

from newscrawler.sites.base import SiteProfile

# Current platform: /<section path>/artikel/<slug>-<8-digit id>; before 2021: ...-id<digits>.html
NOZ_ARTICLE_URL = r"/artikel/[^/?#]+-\d{8}/?$|-id\d{6,}\.html$"

SHZ = SiteProfile(
    name="shz",
    hosts=("www.shz.de", "shz.de"),
    feeds=("https://www.shz.de/rss",),
    sections=(
        "https://www.shz.de/",
        "https://www.shz.de/lokales/flensburg",
        "https://www.shz.de/lokales/kiel",
    ),
    article_url=NOZ_ARTICLE_URL,
)
