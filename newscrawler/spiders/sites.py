"""One spider per site profile that has start points (`scrapy list` shows them all).

The classes are generated from `newscrawler.sites.PROFILES`: adding a site is adding a profile.
"""

from __future__ import annotations

from newscrawler.sites import PROFILES, SiteProfile
from newscrawler.spiders.base import NewsSpider


def _spider_class(profile: SiteProfile) -> type[NewsSpider]:
    class_name = "".join(part.capitalize() for part in profile.name.split("_")) + "Spider"
    return type(
        class_name,
        (NewsSpider,),
        {
            "name": profile.name,
            "profile": profile,
            "__module__": __name__,
            "__doc__": f"Crawls {profile.hosts[0]} (site profile `{profile.name}`).",
        },
    )


SITE_SPIDERS = {p.name: _spider_class(p) for p in PROFILES.values() if p.start_urls}
globals().update({cls.__name__: cls for cls in SITE_SPIDERS.values()})
