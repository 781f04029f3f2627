"""Settings derived from other settings once the command line has been applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newscrawler import __version__
from newscrawler.options import check_settings

if TYPE_CHECKING:
    from scrapy.settings import Settings

DEFAULT_CONTACT_URL = "https://github.com/newscrawler/newscrawler"


DEFAULT_FEED = "%(name)s/%(time)s-%(batch_id)04d.jsonl"
"""Output files of a crawl without -o/-O, under `NEWSCRAWLER_OUTPUT_DIR`: one per run, or per
`DEFAULT_BATCH_SIZE` articles of a long run (a crash costs at most one batch)."""
DEFAULT_BATCH_SIZE = 200


class NewscrawlerAddon:
    """Settings that depend on what the command line said.

    - The honest User-Agent from `NEWSCRAWLER_CONTACT_URL`, so that
      `-s NEWSCRAWLER_CONTACT_URL=...` reaches the header (an explicit `-s USER_AGENT=...` wins).
    - A misspelt `NEWSCRAWLER_*` setting stops the crawl (`newscrawler.options`).
    - The default output file, only when no feed is configured: Scrapy writes a FEEDS entry
      from settings.py *in addition to* `-o`/`-O`, so the default cannot live there.
    """

    def update_settings(self, settings: Settings) -> None:
        # (`scrapy crawl` checks before the spider exists; this is for other ways to crawl)
        check_settings(settings)
        summary_path = settings.get("NEWSCRAWLER_SUMMARY_PATH")
        if summary_path:
            try:
                str(summary_path) % {"name": "shz", "time": "20220121T113100Z"}
            except (KeyError, ValueError, TypeError) as error:
                # now, not after the whole crawl when the summary is written
                raise ValueError(
                    f"NEWSCRAWLER_SUMMARY_PATH {summary_path!r} is not a path template"
                    f" (placeholders: %(name)s, %(time)s; a literal % is %%): {error!r}"
                ) from None
        contact = settings.get("NEWSCRAWLER_CONTACT_URL") or DEFAULT_CONTACT_URL
        settings.set("USER_AGENT", f"newscrawler/{__version__} (+{contact})", priority="addon")
        if not settings.getdict("FEEDS"):
            output_dir = settings.get("NEWSCRAWLER_OUTPUT_DIR") or "output"
            uri = f"{output_dir.rstrip('/')}/{DEFAULT_FEED}"
            options = {
                "format": "jsonlines",
                "batch_item_count": DEFAULT_BATCH_SIZE,
                "store_empty": False,  # a run that emits nothing publishes no file
            }
            settings.set("FEEDS", {uri: options}, priority="addon")
