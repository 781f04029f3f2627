"""ostsee-zeitung.de, Ostsee-Zeitung, Rostock (RND, Arc XP platform)."""

from newscrawler.sites.platforms.rnd import rnd_site

OZ = rnd_site(
    "oz",
    "www.ostsee-zeitung.de",
    feed_categories=("lokales", "mecklenburg-vorpommern"),
    sections=("/lokales/rostock/",),
    local_editions=(("ruegen", "Rügen"), ("vorpommern-ruegen", "Vorpommern-Rügen")),
)
