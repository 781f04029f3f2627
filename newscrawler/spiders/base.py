"""The crawl logic every newscrawler spider shares.

A spider starts from a site profile's feeds, sitemaps (also those robots.txt lists) and section
pages, turns what they list into `ArticleLead`s, fetches the leads that look like articles and
emits one `NewsArticle` per article page.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard

import scrapy
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from w3lib.url import canonicalize_url

from newscrawler.dates import to_datetime
from newscrawler.discovery import (
    ArticleLead,
    DocumentTooLarge,
    LimitedReader,
    UnsafeDocument,
    call_in_listing_thread,
    feeds_declared,
    in_listing_thread,
    iter_sitemap,
    page_links,
    parse_feed,
    sitemaps_from_robots,
)
from newscrawler.items import COVERED_FIELDS
from newscrawler.middlewares.html_only import EXPECT_HTML_META_KEY, NotHtml
from newscrawler.middlewares.network import network_failure
from newscrawler.options import (
    CRAWL_ARGUMENTS,
    ORIGIN,
    POSITIVE_NUMBER,
    DeclaredArguments,
    Option,
    Options,
)
from newscrawler.page_checks import count_tags, looks_binary, media_type
from newscrawler.request_meta import (
    DISCOVERY_META_KEY,
    FETCHED_AT_META_KEY,
    LEAD_META_KEY,
    START_POINT_META_KEY,
    SYNDICATION_META_KEY,
    VERDICT_META_KEY,
    WARC_RECORD_META_KEY,
)
from newscrawler.urls import host_of, replace_origin, strip_tracking
from newscrawler.verdict import Judgement, page_verdict, url_prior
from newscrawler.workers import ExtractionCrashed, ExtractionWorkers

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure
    from typing_extensions import Self

    from newscrawler.extract import ExtractedPage
    from newscrawler.items import NewsArticle
    from newscrawler.sites.base import SiteProfile

# Discovery documents are fetched after the articles already found: articles first keeps the
# scheduler's queue short and items flowing.
ARTICLE_PRIORITY = 10
DEFAULT_EXTRACT_MAX_TAGS = 100_000

logger = logging.getLogger(__name__)


def failure_reason(failure: Failure) -> str | None:
    """Why a request failed, as a stat key; None when a middleware dropped it on purpose
    (robots.txt, offsite, already known)."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, DownloadCancelledError):
        return "too_large"  # Scrapy cancels a download that exceeds DOWNLOAD_MAXSIZE
    if isinstance(error, IgnoreRequest):
        # Scrapy gives these two no exception class of their own.
        if "DOWNLOAD_MAXSIZE" in str(error):  # HttpCompressionMiddleware: a decompression bomb
            return "too_large"
        request = getattr(failure, "request", None)
        if request is not None and request.meta.get("redirect_ttl") == 0:
            return "too_many_redirects"  # RedirectMiddleware: REDIRECT_MAX_TIMES reached
        return None
    network = network_failure(error) if error is not None else None
    return network[0] if network is not None else type(error).__name__


def failure_text(failure: Failure, reason: str) -> str:
    """The reason of a failure for a log line, with the network's own words where it has them
    (`dns_lookup_failed: DNS lookup failed: no results for hostname lookup: www.shz.de.`)."""
    network = network_failure(failure.value) if failure.value is not None else None
    return f"{reason}: {network[1]}" if network is not None else reason


class NewsSpider(DeclaredArguments, scrapy.Spider):
    """Base of all newscrawler spiders. Subclasses set `profile` (or choose one in
    `choose_site_profile`) and declare arguments of their own in `arguments`."""

    arguments = CRAWL_ARGUMENTS + Options(
        Option("days", POSITIVE_NUMBER, "keep only articles published in the last N days"),
        Option(
            "base_url",
            ORIGIN,
            "fetch every URL of the site from another origin (a mirror, a local replica)",
        ),
    )
    days: float | None
    base_url: str | None
    incremental: bool
    revisit: bool
    fetches_pages: ClassVar[bool] = True
    """False for a spider whose pages come from files (`warc`): nothing to revisit."""

    profile: ClassVar[SiteProfile]
    site_profile: SiteProfile
    workers: ExtractionWorkers
    extract_max_tags: int = DEFAULT_EXTRACT_MAX_TAGS

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)  # the declared arguments become attributes
        self.site_profile = self.choose_site_profile()
        self.cutoff = datetime.now(timezone.utc) - timedelta(days=self.days) if self.days else None
        hosts = list(self.site_profile.hosts)
        if self.base_url:
            hosts.append(host_of(self.base_url))
        self.allowed_domains = hosts

    def choose_site_profile(self) -> SiteProfile:
        """The profile of the site to crawl (a site spider's own; the news spider's depends on
        its arguments)."""
        return self.profile

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.workers = ExtractionWorkers.from_crawler(crawler)
        spider.extract_max_tags = crawler.settings.getint(
            "NEWSCRAWLER_EXTRACT_MAX_TAGS", DEFAULT_EXTRACT_MAX_TAGS
        )
        crawler.signals.connect(spider.on_request_dropped, signal=signals.request_dropped)
        return spider

    # --- URLs: the site's own, and where we fetch them from ------------------------------

    def fetch_url(self, url: str) -> str:
        """Where to fetch a URL of the site: on the replica/mirror when base_url is set."""
        if self.base_url and self.site_profile.serves(host_of(url)):
            return replace_origin(url, self.base_url)
        return url

    def profile_for(self, url: str) -> SiteProfile:
        """The profile of the site a fetched page belongs to: the spider's (a `warc` run over
        every site names each page's own)."""
        return self.site_profile

    def site_url(self, fetched_url: str) -> str:
        """The site's own URL for a fetched one (inverse of `fetch_url`)."""
        if self.base_url and host_of(fetched_url) == host_of(self.base_url):
            return replace_origin(fetched_url, f"https://{self.site_profile.hosts[0]}")
        return fetched_url

    def url_prior(self, url: str, source: str) -> Judgement:
        """Whether a lead from `source` is worth fetching as an article
        (`newscrawler.verdict.url_prior`, with the site profile's pattern)."""
        return url_prior(url, source, self.profile_for(url).article_url_re)

    def is_article_url(self, url: str) -> bool:
        """Whether a listed URL (feed, sitemap) is to be fetched as an article."""
        return self.url_prior(url, "sitemap").yes

    def link_worth_following(self, lead: ArticleLead) -> bool:
        """A link on a page that may be an article (most links lead elsewhere: not counted
        as leads)."""
        prior = self.url_prior(lead.url, lead.source)
        if not prior:
            logger.debug("URL prior skip (%s): %s", prior.evidence, lead.url)
        return prior.yes

    def _stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newscrawler/{key}", count)

    # --- Start points ---------------------------------------------------------------------

    def start_points(self) -> Iterator[scrapy.Request]:
        profile = self.site_profile
        for url in profile.feeds:
            yield self.discovery_request(url, self.parse_feed)
        for url in profile.sitemaps:
            yield self.discovery_request(url, self.parse_sitemap)
        if profile.discover_sitemaps:
            robots = f"https://{profile.hosts[0]}/robots.txt"
            yield self.discovery_request(robots, self.parse_robots)
        for url in profile.sections:
            yield self.discovery_request(url, self.parse_section)

    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_points():
            self._stat("start_points")
            request.meta[START_POINT_META_KEY] = True
            yield request

    def discovery_request(
        self, url: str, callback: Any, *, offsite_ok: bool = False, **meta: Any
    ) -> scrapy.Request:
        """A request for a feed, sitemap or page listing articles. `offsite_ok` for start
        points given by the user, which may live on another host (a feed service)."""
        return scrapy.Request(
            self.fetch_url(url),
            callback=callback,
            errback=self.on_discovery_error,
            meta={DISCOVERY_META_KEY: callback.__name__, "allow_offsite": offsite_ok, **meta},
        )

    # --- Discovery callbacks ----------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        robots_txt = response.body if isinstance(response, TextResponse) else b""
        for url in sitemaps_from_robots(robots_txt, self.site_url(response.url)):
            yield self.discovery_request(url, self.parse_sitemap)

    def _refuse_listing(self, response: Response, kind: str, reason: str, error: Any) -> None:
        logger.warning("%s refused (%s): %s", kind.capitalize(), error, response.url)
        self._stat(f"discovery_failed/{reason}")

    async def parse_sitemap(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """The sitemap streamed (`iter_sitemap`: bounded memory) and parsed in the listing
        thread (`in_listing_thread`), never on the reactor: a sitemap of 200,000 URLs would
        stall the crawl for seconds."""
        max_size = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        entries = 0
        batches = iter_sitemap(LimitedReader(response.body, max_size))
        try:
            async for is_index, batch in in_listing_thread(batches):
                entries += len(batch)
                for request in self.sitemap_requests(is_index, batch):
                    yield request
        except DocumentTooLarge as error:
            self._refuse_listing(response, "sitemap", "too_large", error)
            return
        except (OSError, EOFError) as error:  # a broken .gz
            self._refuse_listing(response, "sitemap", "bad_gzip", error)
            return
        except UnsafeDocument as error:
            self._refuse_listing(response, "sitemap", "xml_entities", error)
            return
        if not entries:
            logger.info("Sitemap lists no URLs: %s", response.url)
            self._stat("discovery_empty/sitemap")

    def sitemap_requests(
        self, is_index: bool, entries: list[ArticleLead]
    ) -> Iterator[scrapy.Request]:
        if not is_index:
            yield from self.lead_requests(entries)
            return
        for entry in entries:
            if self.is_recent(entry):
                yield self.discovery_request(entry.url, self.parse_sitemap)

    async def parse_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        """The feed parsed in the listing thread (feedparser reads a whole document: a feed's
        size is bounded by DOWNLOAD_MAXSIZE)."""
        try:
            leads = await call_in_listing_thread(
                parse_feed, response.body, self.site_url(response.url)
            )
        except UnsafeDocument as error:
            self._refuse_listing(response, "feed", "xml_entities", error)
            return
        if not leads:
            logger.info("Feed lists no articles: %s", response.url)
            self._stat("discovery_empty/feed")
        for request in self.lead_requests(leads):
            yield request

    def is_listing_page(self, response: Response) -> TypeGuard[TextResponse]:
        """False, with a warning and a stat, for a section page not to parse for links: not
        HTML, or with more tags than NEWSCRAWLER_EXTRACT_MAX_TAGS (parsing it would take
        hundreds of megabytes)."""
        if not isinstance(response, TextResponse):
            logger.warning("Section page is not HTML: %s", response.url)
            self._stat("discovery_failed/not_html")
            return False
        tags = count_tags(response.body)
        if tags > self.extract_max_tags:
            logger.warning("Section page too complex (%d tags): %s", tags, response.url)
            self._stat("discovery_failed/too_complex")
            return False
        return True

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        if not self.is_listing_page(response):
            return
        page_url = self.site_url(response.url)
        for feed_url in feeds_declared(response.text, page_url):
            yield self.discovery_request(feed_url, self.parse_feed)
        leads = (ArticleLead(url=u, source="section") for u in page_links(response.text, page_url))
        yield from self.lead_requests(lead for lead in leads if self.link_worth_following(lead))

    # --- Article leads -------------------------------------------------------------------

    def is_recent(self, lead: ArticleLead) -> bool:
        """False only when the listing dates the lead before the `days` cutoff."""
        when = lead.published or lead.modified
        return self.cutoff is None or when is None or when >= self.cutoff

    def lead_requests(self, leads: Iterable[ArticleLead]) -> Iterator[scrapy.Request]:
        for lead in leads:
            request = self.lead_request(lead)
            if request is not None:
                yield request

    def lead_request(
        self, lead: ArticleLead, meta: dict[str, Any] | None = None
    ) -> scrapy.Request | None:
        """The request for an article lead, or None when the lead is not to be followed.
        A lead given by the user (source "url") is fetched whatever its URL looks like."""
        lead = replace(lead, url=strip_tracking(lead.url))
        self._stat(f"leads/{lead.source}")
        if not self.site_profile.serves(host_of(lead.url)):
            self._stat("leads_skipped/offsite")
            return None
        prior = self.url_prior(lead.url, lead.source)
        verb = "fetch" if prior else "skip"
        logger.debug("URL prior %s (%s): %s", verb, prior.evidence, lead.url)
        if not prior:
            self._stat("leads_skipped/not_article_url")
            return None
        if not self.is_recent(lead):
            self._stat("leads_skipped/too_old")
            return None
        return scrapy.Request(
            self.fetch_url(lead.url),
            callback=self.parse_article,
            errback=self.on_article_error,
            priority=ARTICLE_PRIORITY,
            meta={LEAD_META_KEY: lead, EXPECT_HTML_META_KEY: True, **(meta or {})},
        )

    def is_extractable(self, response: Response) -> TypeGuard[TextResponse]:
        """False, with a log line and a stat, for a page not to hand to the extractor: not HTML,
        empty, binary, or so many tags that extraction would take minutes and gigabytes."""
        if "download_stopped" in response.flags or not isinstance(response, TextResponse):
            kind = media_type(response.headers.get(b"Content-Type")) or "unknown type"
            logger.info("Not an HTML page (%s), skipped: %s", kind, response.url)
            self._stat("articles_skipped/not_html")
            return False
        body = response.body
        if not body or body.isspace():  # (strip() would copy the page)
            logger.warning("Empty page, no article: %s", response.url)
            self._stat("articles_dropped/empty")
            return False
        if looks_binary(body):
            logger.warning("Binary data served as a page, no article: %s", response.url)
            self._stat("articles_dropped/binary")
            return False
        tags = count_tags(body)
        if tags > self.extract_max_tags:
            logger.warning(
                "Page too complex to extract (%d tags, NEWSCRAWLER_EXTRACT_MAX_TAGS is %d): %s",
                tags, self.extract_max_tags, response.url,
            )  # fmt: skip
            self._stat("articles_dropped/too_complex")
            return False
        return True

    def follow_links(self, response: TextResponse) -> Iterable[scrapy.Request]:
        """Further requests from an article page; none here (the generic spider follows links
        from a start page to a depth)."""
        return ()

    async def parse_article(self, response: Response) -> AsyncIterator[Any]:
        if not self.is_extractable(response):
            return
        for request in self.follow_links(response):
            yield request
        page = await self.extracted(response)
        if page is None:
            return
        if page.is_article:
            self._count_fields(page.article)
        verdict = self.page_verdict(page, response.url)
        if not verdict:
            # (remembered by the state, so that it is not fetched again as a lead for a while)
            response.meta[VERDICT_META_KEY] = verdict.evidence
        if not self.is_wanted(page, verdict, response.url):
            return
        article = page.article
        if page.signature is not None:  # for the syndication middleware
            response.meta[SYNDICATION_META_KEY] = page.signature
        article.url = strip_tracking(response.url)
        article.site = self.profile_for(response.url).name
        article.warc = response.meta.get(WARC_RECORD_META_KEY)
        self._stat("articles_extracted")
        yield article

    def _count_fields(self, article: NewsArticle) -> None:
        """Field coverage of the article pages extracted, for the run history's monitors
        (`newscrawler.monitoring`): counted before a page is judged, so a template change that
        loses the headline shows as lost title coverage, not only as fewer items."""
        self._stat("pages_extracted")
        for name in COVERED_FIELDS:
            if getattr(article, name, None):
                self._stat(f"pages_with/{name}")

    async def extracted(self, response: TextResponse) -> ExtractedPage | None:
        """The page extracted (in a worker); None, with a warning and a stat, when its
        extraction failed: one page the extractor cannot handle costs that page."""
        declared = response.encoding if response.headers.get("Content-Type") else None
        try:
            return await self.workers.extract(
                response.body,
                self.site_url(response.url),
                declared_encoding=declared,
                crawled_at=response.meta.get(FETCHED_AT_META_KEY) or datetime.now(timezone.utc),
            )
        except ExtractionCrashed as error:  # a crash in C code, out of memory, a hang
            logger.warning("Extraction worker lost this page (%s): %s", error, response.url)
            self._stat(f"articles_failed/{error.reason}")
        except Exception as error:
            logger.warning("Extraction failed (%r): %s", error, response.url)
            logger.debug("Extraction traceback for %s", response.url, exc_info=True)
            self._stat("articles_failed/extraction_error")
        return None

    def is_wanted(self, page: ExtractedPage, verdict: Judgement, url: str) -> bool:
        """Whether an extracted page becomes an item: an article (the page verdict) within
        the `days` limit; else a log line and a stat."""
        for warning in page.warnings:  # a misfiring extraction rule: counted, not fatal
            logger.debug("Extraction warning %s: %s", warning, url)
            self._stat(f"extraction_warnings/{warning}")
        if not verdict:
            logger.info("Not an article page (%s), skipped: %s", verdict.evidence, url)
            self._stat("articles_dropped/not_article")
            return False
        logger.debug("Page verdict article (%s): %s", verdict.evidence, url)
        if not self.is_recent_article(page.article):
            logger.debug("Older than %s days, skipped: %s", self.days, url)
            self._stat("articles_dropped/too_old")
            return False
        return True

    def is_recent_article(self, article: NewsArticle) -> bool:
        """The `days` limit applied to the page's own date, for leads no listing dated."""
        published = to_datetime(article.date_published)  # a bare day: its start, in Berlin
        return self.cutoff is None or published is None or published >= self.cutoff

    def page_verdict(self, page: ExtractedPage, url: str) -> Judgement:
        """Whether the page becomes an item (`newscrawler.verdict.page_verdict`): a URL the
        site profile's pattern matches needs no date or author on the page."""
        pattern = self.profile_for(page.article.url or url).article_url_re
        return page_verdict(page, pattern_vouches=pattern is not None)

    # --- Failures: a bad page costs that page, not the run --------------------------------
    # Every page-level failure is a WARNING and a stat, never an ERROR: the exit status
    # reports run-level failures only.

    @staticmethod
    def _failed_url(failure: Failure) -> str:
        request = getattr(failure, "request", None)  # set by Scrapy on errback failures
        return request.url if request is not None else "?"

    def on_article_error(self, failure: Failure) -> None:
        url = self._failed_url(failure)
        if failure.check(NotHtml):
            logger.info("Not an HTML page (%s), skipped: %s", failure.value, url)
            self._stat("articles_skipped/not_html")
            return
        reason = failure_reason(failure)
        if reason is None:
            # Dropped on purpose by a middleware (robots.txt, offsite, known article).
            logger.debug("Not fetched (%s): %s", failure.value, url)
            self._stat("articles_not_fetched")
            return
        logger.warning("Article failed (%s): %s", failure_text(failure, reason), url)
        self._stat(f"articles_failed/{reason}")

    def on_discovery_error(self, failure: Failure) -> None:
        reason = failure_reason(failure)
        # (no reason: dropped on purpose, e.g. forbidden by robots.txt)
        detail = failure_text(failure, reason) if reason else f"not fetched: {failure.value}"
        logger.warning("Start point or listing failed (%s): %s", detail, self._failed_url(failure))
        self._stat(f"discovery_failed/{reason or 'not_fetched'}")

    def on_request_dropped(self, request: scrapy.Request) -> None:
        """A redirect the scheduler dropped as already seen: a loop if the target is a URL
        of its own redirect chain, else a page known under another URL (fine)."""
        chain = request.meta.get("redirect_urls")
        if not chain:
            return  # a plain duplicate lead: the dupefilter counts those
        kind = "articles" if LEAD_META_KEY in request.meta else "discovery"
        target = canonicalize_url(request.url)
        if any(canonicalize_url(url) == target for url in chain):
            logger.warning("Redirect loop, given up: %s", " -> ".join([*chain, request.url]))
            self._stat(f"{kind}_failed/redirect_loop")
        else:
            logger.debug("Redirects to a page already fetched: %s", request.url)
            self._stat(f"{kind}_not_fetched")
