"""svz.de, Schweriner Volkszeitung (NOZ/mh:n platform)."""

from newscrawler.sites.platforms.mhn import mhn_site

SVZ = mhn_site(
    "svz",
    "www.svz.de",
    sections=("/lokales/schwerin",),
    local_editions=(("guestrow", "Güstrow"), ("luebz", "Lübz")),
)
