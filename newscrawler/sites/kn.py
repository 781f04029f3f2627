"""kn-online.de, Kieler Nachrichten (RND, Arc XP platform)."""

from newscrawler.sites.platforms.rnd import rnd_site

KN = rnd_site(
    "kn",
    "www.kn-online.de",
    sections=("/lokales/kiel/",),
    local_editions=(("ploen", "Plön"), ("rendsburg", "Rendsburg")),
)
