"""`scrapy crawl news`: any news site, from a sitemap, a feed, one article, a start page, or
just the site's name.

    scrapy crawl news -a sitemap=https://www.example.de/sitemap.xml
    scrapy crawl news -a feed=https://www.example.de/rss
    scrapy crawl news -a url=https://www.example.de/politik/ein-artikel-123456.html
    scrapy crawl news -a start=https://www.example.de/lokales [-a depth=2]
    scrapy crawl news -a site=www.example.de

Articles are taken from one site: the host of the URL given (`www.example.de` also covers
`example.de` and its other subdomains), or `-a site=`. A site with a profile in
`newscrawler.sites` keeps its profile's article URL pattern and name; any other site is named
after its host and its article URLs are recognised by `looks_like_article_url`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from scrapy.http import Response, TextResponse

from newscrawler.discovery import ArticleLead, page_links
from newscrawler.options import HTTP_URL, POSITIVE_COUNT, SITE, Option, OptionError, Options
from newscrawler.sites import SiteProfile, profile_for_url
from newscrawler.spiders.base import NewsSpider
from newscrawler.urls import host_of

if TYPE_CHECKING:
    import scrapy
    from scrapy.crawler import Crawler
    from typing_extensions import Self

DEPTH_META_KEY = "newscrawler_depth"
"""Request meta key: link hops from the `-a start=` page (the start page is 0)."""

DEFAULT_FOLLOW_DEPTH = 1


def site_profile_for(url: str) -> SiteProfile:
    """The known profile of the site serving `url`, or an ad-hoc one named after its host that
    covers the host and, for `www.` hosts, the domain without `www.` and its subdomains."""
    known = profile_for_url(url)
    if known is not None:
        return known
    host = host_of(url)
    hosts = (host, host.removeprefix("www.")) if host.startswith("www.") else (host,)
    return SiteProfile(name=host, hosts=hosts, discover_sitemaps=False)


class GenericNewsSpider(NewsSpider):
    """Crawls any news site from what the command line gives: `-a sitemap=`, `-a feed=`,
    `-a url=`, `-a start=` (with `-a depth=`), or only `-a site=`. Several may be combined
    when they are on one site."""

    name = "news"
    follow_depth: int = DEFAULT_FOLLOW_DEPTH

    arguments = NewsSpider.arguments + Options(
        Option("sitemap", HTTP_URL, "a sitemap or sitemap index", attribute="sitemap_url"),
        Option("feed", HTTP_URL, "an RSS or Atom feed", attribute="feed_url"),
        Option("url", HTTP_URL, "one article", attribute="article_page"),
        Option("start", HTTP_URL, "a home or section page to follow", attribute="start_page"),
        Option("depth", POSITIVE_COUNT, "link hops from the start page", attribute="depth_arg"),
        Option(
            "site", SITE, "the site (alone: its sitemaps, feeds, home page)", attribute="home_page"
        ),
    )
    home_page: str | None
    article_page: str | None
    start_page: str | None
    sitemap_url: str | None
    feed_url: str | None
    depth_arg: int | None

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The run is the site's: its output folder, state, run lock and frontier are those of
        # `scrapy crawl <profile>` (or of the host, for a site without a profile), so crawls of
        # two sites never block each other and two ways into one site share one memory.
        self.name = self.site_profile.name

    def choose_site_profile(self) -> SiteProfile:
        given = [
            u for u in (self.article_page, self.start_page, self.sitemap_url, self.feed_url) if u
        ]
        if not given and not self.home_page:
            raise OptionError(
                "scrapy crawl news needs one of -a sitemap=URL, -a feed=URL, -a url=URL, "
                "-a start=URL or -a site=HOST"
            )
        profile = site_profile_for(self.home_page or given[0])
        if self.home_page is None and not all(profile.serves(host_of(u)) for u in given):
            raise OptionError(
                "the URLs given are on different sites: add -a site=HOST to say whose "
                "articles to take"
            )
        return profile

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.follow_depth = spider.depth_arg or crawler.settings.getint(
            "NEWSCRAWLER_FOLLOW_DEPTH", DEFAULT_FOLLOW_DEPTH
        )
        return spider

    # --- Start points -------------------------------------------------------------------------

    def start_points(self) -> Iterator[scrapy.Request]:
        if self.article_page:
            request = self.lead_request(ArticleLead(url=self.article_page, source="url"))
            if request is not None:
                yield request
        if self.sitemap_url:
            yield self.discovery_request(self.sitemap_url, self.parse_sitemap, offsite_ok=True)
        if self.feed_url:
            yield self.discovery_request(self.feed_url, self.parse_feed, offsite_ok=True)
        if self.start_page:
            yield self.discovery_request(
                self.start_page, self.parse_start_page, offsite_ok=True, **{DEPTH_META_KEY: 0}
            )
        if self.home_page and not (
            self.article_page or self.sitemap_url or self.feed_url or self.start_page
        ):
            yield from self.site_start_points(self.home_page)

    def site_start_points(self, home_page: str) -> Iterator[scrapy.Request]:
        """Only `-a site=`: a profiled site's own start points; any other site's sitemaps from
        robots.txt, and the feeds and article links of its home page."""
        if self.site_profile.start_urls:
            yield from super().start_points()
            return
        yield self.discovery_request(urljoin(home_page, "/robots.txt"), self.parse_robots)
        yield self.discovery_request(home_page, self.parse_section)

    # --- Following links from the start page --------------------------------------------------

    def parse_start_page(self, response: Response) -> Iterator[scrapy.Request]:
        if not self.is_listing_page(response):
            return
        yield from self.article_links(response, depth=1, source="section")

    def follow_links(self, response: TextResponse) -> Iterable[scrapy.Request]:
        depth = response.meta.get(DEPTH_META_KEY)
        if depth is None or depth >= self.follow_depth:
            return ()
        return self.article_links(response, depth=depth + 1, source="link")

    def article_links(
        self, response: TextResponse, *, depth: int, source: str
    ) -> Iterator[scrapy.Request]:
        page_url = self.site_url(response.url)
        for url in page_links(response.text, page_url):
            lead = ArticleLead(url=url, source=source)
            if url == page_url or not self.link_worth_following(lead):
                continue
            request = self.lead_request(lead, meta={DEPTH_META_KEY: depth})
            if request is not None:
                yield request
