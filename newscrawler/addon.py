"""Settings derived from other settings once the command line has been applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import Settings

DEFAULT_CONTACT_URL = "https://github.com/newscrawler/newscrawler"


class NewscrawlerAddon:
    """Builds the honest User-Agent from `NEWSCRAWLER_CONTACT_URL`.

    Done in an add-on rather than in settings.py so that `-s NEWSCRAWLER_CONTACT_URL=...`
    reaches the header; an explicit `-s USER_AGENT=...` still wins (higher priority).
    """

    def update_settings(self, settings: Settings) -> None:
        from newscrawler import __version__  # noqa: PLC0415 (the package imports this module)

        contact = settings.get("NEWSCRAWLER_CONTACT_URL") or DEFAULT_CONTACT_URL
        settings.set("USER_AGENT", f"newscrawler/{__version__} (+{contact})", priority="addon")
