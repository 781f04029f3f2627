"""Incremental crawls: known articles are not fetched again, unchanged ones not emitted again.

A spider middleware, so it sees both what the spider asks for and what it emits:

- an article request (it carries its `ArticleLead` in `meta[LEAD_META_KEY]`) whose URL the
  state knows is dropped before it reaches the scheduler, unless the listing dates a change
  (`lead.modified`) after we last fetched the page; feeds, sitemaps and section pages carry no
  lead, and they and every other start point (`-a url=`) are always fetched;
- an article the state knows under any of its URLs (listing URL, fetched URL, canonical URL)
  with the same body fingerprint and `date_modified` is dropped; any other article is claimed
  (see `newscrawler.state.base`) and emitted as "new" or "updated". It counts as emitted only
  once a published file holds it (`newscrawler.publish.journal`).

Off with `-a incremental=0`. Counts go to the `incremental/` stats.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from newscrawler.dates import to_datetime
from newscrawler.extensions.crawl_state import CrawlState
from newscrawler.request_meta import LEAD_META_KEY, START_POINT_META_KEY
from newscrawler.state import ArticleRecord, Emission, StateError, StateLost
from newscrawler.text import fingerprint
from newscrawler.urls import state_key
from newscrawler.verdict import url_prior
from newscrawler.versions import VersionBook

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from typing_extensions import Self

    from newscrawler.discovery import ArticleLead

logger = logging.getLogger(__name__)


def listing_says_changed(lead: ArticleLead, record: ArticleRecord) -> bool:
    """The listing dates a change after the version we have: after we last fetched the page
    and after the page's own modification date (which guards against clock skew)."""
    if lead.modified is None:
        return False
    moments = [to_datetime(record.last_checked), to_datetime(record.date_modified)]
    known = [moment for moment in moments if moment is not None]
    return not known or lead.modified > max(known)


def same_version(emission: Emission, record: ArticleRecord) -> bool:
    """The state has this version: the same body, and the same `date_modified` if the page
    gives one."""
    return record.fingerprint == emission.fingerprint and (
        emission.date_modified is None or emission.date_modified == record.date_modified
    )


def http_url(url: Any) -> str | None:
    """`url` if it is an absolute http(s) URL, else None."""
    if isinstance(url, str) and urlsplit(url).scheme in ("http", "https"):
        return url
    return None


class IncrementalMiddleware(BaseSpiderMiddleware):
    """Spider middleware: skip known article leads, drop unchanged articles, claim the rest."""

    def __init__(self, crawler: Crawler, state: CrawlState):
        super().__init__(crawler)
        self.state = state
        self.store = state.store
        self.skipped: set[str] = set()  # a lead listed twice counts once
        self.versions = VersionBook(self.store, crawler.stats)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = crawler.get_extension(CrawlState)
        if state is None or not state.incremental:
            # (no message: Scrapy logs a message as a WARNING, and `-a incremental=0` is a
            # choice; the state extension logs it at INFO)
            raise NotConfigured
        return cls(crawler, state)

    def _stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"incremental/{key}", count)

    # --- Requests: skip what we have --------------------------------------------------------

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        lead: ArticleLead | None = request.meta.get(LEAD_META_KEY)
        if lead is None or request.meta.get(START_POINT_META_KEY):
            return request
        key = state_key(lead.url)
        try:
            record = self.store.lookup([key]).get(key)
        except StateLost:  # reported once by the state extension, which stops the run
            self._stat("leads_dropped_state_lost")
            return None
        except StateError as error:
            logger.error("State lookup failed, fetching %s anyway: %s", lead.url, error)
            return request
        if record is None:
            return request
        if listing_says_changed(lead, record):
            logger.debug("Known article changed per its listing, fetching again: %s", lead.url)
            self._stat("leads_refetched_changed")
            return request
        if key not in self.skipped:
            self.skipped.add(key)
            logger.debug("Known article, not fetched: %s", lead.url)
            self._stat("leads_skipped_known")
        return None

    # --- Items: emit what is new or changed -------------------------------------------------

    def article_keys(self, adapter: ItemAdapter, response: Response | None) -> list[str]:
        """Every URL the article is known by, canonicalised: the listing's, the fetched one
        (as the site's own URL when crawling a mirror) and the page's canonical URL."""
        spider = self.crawler.spider
        urls = []
        lead = response.meta.get(LEAD_META_KEY) if response is not None else None
        if lead is not None:
            urls.append(lead.url)
        site_url = getattr(spider, "site_url", None)
        url = str(adapter.get("url"))
        urls.append(site_url(url) if site_url else url)
        canonical = http_url(adapter.get("canonical_url"))
        if canonical is not None and self.trust_canonical(canonical):
            urls.append(canonical)
        return list(dict.fromkeys(state_key(u) for u in urls))

    def trust_canonical(self, canonical: str) -> bool:
        """Some sites declare their home page, or a section, as every article's canonical URL:
        such a key would make every article look like one."""
        if urlsplit(canonical).path in ("", "/"):
            return False
        profile = getattr(self.crawler.spider, "site_profile", None)
        return url_prior(canonical, "sitemap", profile and profile.article_url_re).yes

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        adapter = ItemAdapter(item)
        if not adapter.get("url"):
            self._stat("items_without_url")
            return item
        try:
            verdict = self.claim_or_skip(adapter, response)
        except StateLost:  # reported once by the state extension, which stops the run
            self._stat("items_held_back")
            return None
        except StateError as error:
            # Not emitted now, not recorded either: the next run fetches it again.
            logger.error("State unavailable, article held back: %s (%s)", adapter["url"], error)
            self._stat("items_held_back")
            return None
        self._stat(f"items_{verdict}")
        return item if verdict in ("new", "updated") else None

    def claim_or_skip(self, adapter: ItemAdapter, response: Response | None) -> str:
        """ "new" or "updated" when the article is claimed for this run; "unchanged" when the
        state has this version; "duplicate" when another claim holds it."""
        keys = self.article_keys(adapter, response)
        emission = Emission(
            keys=tuple(keys),
            item_url=adapter["url"],
            kind="new",
            fingerprint=adapter.get("fingerprint") or fingerprint(adapter.get("body") or ""),
            date_published=adapter.get("date_published"),
            date_modified=adapter.get("date_modified"),
            crawled_at=adapter.get("crawled_at") or datetime.now(timezone.utc).isoformat(),
        )
        # (versions first: the lookup stays right before the claim, and a version published
        # while we look is seen as that version, not as an unknown article)
        versions = self.store.version_records(keys)
        known = self.store.lookup(keys)
        same = next((record for record in known.values() if same_version(emission, record)), None)
        revision = self.versions.revise(versions, adapter, emission.fingerprint, response, known)
        # A recorded version: all its fields decide.
        unchanged = same is not None if revision.previous is None else not revision.changed
        if unchanged:
            record = same or next(iter(known.values()), None)
            if record is not None:  # (else its publication is being committed right now)
                self.store.note_unchanged(keys, record, emission.crawled_at)
            self.versions.keep_validators(keys, revision, response)
            self.log_unchanged(adapter["url"], response)
            return "unchanged"
        if known:
            emission = replace(emission, kind="updated")
        if not self.store.claim(self.state.owner, emission):
            logger.debug("Already emitted in this run or by another one: %s", adapter["url"])
            return "duplicate"
        if self.store.lookup(keys) != known:
            # Another run recorded the article between our lookup and our claim (a claim ends
            # when its article is recorded), most likely this very version: not emitted; our
            # claim, attached to no file, is released when the run ends.
            logger.debug("Recorded by another run just now: %s", adapter["url"])
            return "duplicate"
        self.versions.stage(self.state.owner, adapter, revision, response)
        return emission.kind

    @staticmethod
    def log_unchanged(url: str, response: Response | None) -> None:
        asked_for = response is not None and response.meta.get(START_POINT_META_KEY)
        logger.log(
            logging.INFO if asked_for else logging.DEBUG,
            "Unchanged since emitted, not emitted again%s: %s",
            " (-a incremental=0 emits it anyway)" if asked_for else "",
            url,
        )
