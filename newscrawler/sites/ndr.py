"""ndr.de, Norddeutscher Rundfunk: news from Hamburg, Schleswig-Holstein, Niedersachsen and
Mecklenburg-Vorpommern.

Starts from the Google News sitemap and the four regional sitemaps (full sitemaps of each
state's news; `-a days` skips their old entries by `lastmod`). Article pages end in
`,<name><number>.html` (`/nachrichten/hamburg/Some-Title,hafen1234.html`, since 2025 also
`/nachrichten/niedersachsen/.../some-title,name-100.html`); section pages are `.../index.html`,
and audio, video and podcast pages (`,audio1234.html`) are not articles. A public broadcaster:
no paywall.
"""

from newscrawler.sites.base import SiteProfile

SITEMAP = "https://www.ndr.de/index~sitemap_f-sitemap--ndr--{}--100.xml"
REGIONS = ("hamburg", "schleswig--holstein", "niedersachsen", "mecklenburg--vorpommern")

NDR = SiteProfile(
    name="ndr",
    hosts=("www.ndr.de", "ndr.de"),
    sitemaps=(
        "https://www.ndr.de/news-102~news.xml",
        *(SITEMAP.format(region) for region in REGIONS),
    ),
    article_url=(
        r"^/(?:nachrichten|sport|kultur|ratgeber|geschichte)/(?:[^/]+/)*"
        r"[^/,]+,(?!(?:audio|video|podcast)\d)[a-z][a-z0-9_-]*\.html$"
    ),
)
