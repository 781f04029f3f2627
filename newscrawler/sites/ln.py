"""ln-online.de, Lübecker Nachrichten (RND, Arc XP platform)."""

from newscrawler.sites.platforms.rnd import rnd_site

LN = rnd_site(
    "ln",
    "www.ln-online.de",
    sections=("/lokales/luebeck/",),
    local_editions=(("luebeck", "Lübeck"), ("luebeck-umland", "Lübeck-Umland")),
)
