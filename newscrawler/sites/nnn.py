"""nnn.de, Norddeutsche Neueste Nachrichten, Rostock (NOZ/mh:n platform)."""

from newscrawler.sites.platforms.mhn import mhn_site

NNN = mhn_site(
    "nnn",
    "www.nnn.de",
    sections=("/lokales/rostock",),
    local_editions=(("guestrow", "Güstrow"),),
)
