"""shz.de, Schleswig-Holsteinischer Zeitungsverlag (NOZ/mh:n platform)."""

from newscrawler.sites.platforms.mhn import mhn_site

SHZ = mhn_site(
    "shz",
    "www.shz.de",
    sections=("/lokales/flensburg", "/lokales/kiel"),
    local_editions=(("eckernfoerde", "Eckernförde"), ("schleswig", "Schleswig")),
)
