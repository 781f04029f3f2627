"""noz.de, Neue Osnabrücker Zeitung (NOZ/mh:n platform)."""

from newscrawler.sites.platforms.mhn import mhn_site

NOZ = mhn_site(
    "noz",
    "www.noz.de",
    sections=("/lokales/osnabrueck", "/lokales/melle"),
    local_editions=(("osnabrueck", "Osnabrück"), ("osnabruecker-land", "Osnabrücker Land")),
)
