"""`scrapy crawl warc`: articles from web archives instead of the web.

    scrapy crawl warc -a path=CC-NEWS-20240101000000-00001.warc.gz -a site=shz
    scrapy crawl warc -a path=output/shz/ -a site=shz -a days=30
    scrapy crawl warc -a path='/data/cc-news/2024/*/*.warc.gz'

The HTML `response` records of the files (`newscrawler.warc.reader`) of one site (`-a site=`: a
profile name or a host), or of every site, go through the machinery of a live crawl: each is a
request that `ArchiveReplayMiddleware` answers with the archived response, then the middlewares,
the page verdict, the extraction workers, the date pipeline, the incremental state and the
feeds, as for a fetched page. `crawled_at` is the record's WARC-Date; the item's `warc` points
at the record. With `-a site=` the run is the site's (output folder, state, lock), as for
`scrapy crawl news -a site=`; without it the run is named `warc` and each item's `site` is what
a `news` run would name it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy import signals

from newscrawler.discovery import ArticleLead
from newscrawler.options import TEXT, Option, OptionError, Options, parse_site
from newscrawler.request_meta import ARCHIVED_META_KEY, LEAD_META_KEY
from newscrawler.sites import PROFILES, SiteProfile
from newscrawler.spiders.base import NewsSpider
from newscrawler.spiders.news import site_profile_for
from newscrawler.urls import host_of, strip_tracking
from newscrawler.warc.reader import ArchivedResponse, ArchiveScan, Damage, warc_files

logger = logging.getLogger(__name__)

EVERY_SITE = SiteProfile(name="warc", hosts=(), discover_sitemaps=False)


def archive_profile(site: str) -> SiteProfile:
    """`-a site=`: a profile by its name (`shz`), else the site of a host or URL, as for
    `scrapy crawl news -a site=`."""
    return PROFILES.get(site.strip()) or site_profile_for(parse_site(site) or site)


class WarcSpider(NewsSpider):
    """Re-extracts articles from WARC files: `-a path=FILE|DIR|GLOB`, `-a site=NAME|HOST`
    (default: every site), and the arguments of every spider (`days`, `base_url`,
    `incremental`)."""

    name = "warc"
    custom_settings = {  # noqa: RUF012 (Scrapy reads it as a plain class attribute)
        # The pages come from files: nobody to be polite to, no robots.txt to ask.
        "ROBOTSTXT_OBEY": False,
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOADER_MIDDLEWARES": {"newscrawler.middlewares.warc.ArchiveReplayMiddleware": 950},
    }

    fetches_pages = False  # (no revisits: the archive holds one version of each page)
    arguments = NewsSpider.arguments + Options(
        Option("path", TEXT, "WARC files: a file, a folder or a glob pattern"),
        Option("site", TEXT, "a profile name or a host (default: every site)"),
    )
    path: str | None
    site: str | None

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)  # the declared arguments become attributes
        self.name = self.site_profile.name
        self.scan_counts: Counter[str] = Counter()

    def choose_site_profile(self) -> SiteProfile:
        if not self.path:
            raise OptionError("scrapy crawl warc needs -a path=FILE|DIR|GLOB (WARC files)")
        try:
            self.paths = warc_files(self.path)
        except ValueError as error:
            raise OptionError(str(error)) from None
        self.every_site = not self.site
        return archive_profile(self.site) if self.site else EVERY_SITE

    # --- Which records, which site ------------------------------------------------------------

    def takes_host(self, host: str) -> bool:
        """Whether the records of `host` are read (called for every record: keep it cheap)."""
        if self.every_site or self.site_profile.serves(host):
            return True
        return bool(self.base_url) and host == host_of(self.base_url or "")

    def profile_for(self, url: str) -> SiteProfile:
        return site_profile_for(url) if self.every_site else self.site_profile

    # --- Records become requests --------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        scan = ArchiveScan(self.paths, self.takes_host, max_size)
        logger.info("Reading %d WARC files", len(self.paths))
        # One batch is read ahead while the crawl takes the records of the one before: reading
        # and extracting overlap, and memory holds at most two batches of records.
        ahead = asyncio.ensure_future(asyncio.to_thread(scan.next_batch))
        try:
            while (batch := await ahead) is not None:
                ahead = asyncio.ensure_future(asyncio.to_thread(scan.next_batch))
                self._count_scan(scan)
                for found in batch:
                    request = self.record_request(found)
                    if request is None:
                        continue
                    if self.crawler.engine and self.crawler.engine.needs_backout():
                        # (lazily: a record is read when the crawl has room for it)
                        await self.crawler.signals.wait_for(signals.scheduler_empty)
                    yield request
        finally:
            await asyncio.to_thread(scan.close)  # (after a batch being read)
            self._count_scan(scan)

    def record_request(self, found: ArchivedResponse | Damage) -> scrapy.Request | None:
        if isinstance(found, Damage):
            where = f" at offset {found.offset}" if found.offset is not None else ""
            logger.warning("Damaged WARC file %s%s: %s", found.path, where, found.problem)
            self._stat("warc/damaged")
            return None
        url = strip_tracking(self.site_url(found.url))
        self._stat("leads/warc")
        if not self.url_prior(url, "warc"):
            self._stat("leads_skipped/not_article_url")
            return None
        # The capture's time is the listing's "modified": the incremental state extracts a
        # known article again only from a capture newer than the one it has.
        lead = ArticleLead(url=url, source="warc", modified=found.date.replace(microsecond=0))
        return scrapy.Request(
            found.url,
            callback=self.parse_article,
            errback=self.on_article_error,
            meta={LEAD_META_KEY: lead, ARCHIVED_META_KEY: found},
        )

    def _count_scan(self, scan: ArchiveScan) -> None:
        """The reader's counts into the stats (`newscrawler/warc/...`)."""
        for key, total in scan.snapshot.items():
            if total != self.scan_counts[key]:
                self._stat(f"warc/{key}", total - self.scan_counts[key])
                self.scan_counts[key] = total
