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
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response, TextResponse

from newscrawler.discovery import ArticleLead, is_listing_url, looks_like_article_url, page_links
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


def parse_http_url(name: str, value: str) -> str:
    """A `-a name=URL` argument: an absolute http(s) URL."""
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} must be an http(s) URL, got {value!r}")
    return url


def parse_site(value: str) -> str:
    """`-a site=`: the home page URL for a host name (https) or a URL."""
    text = value.strip()
    url = parse_http_url("site", text if "://" in text else f"https://{text}")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def parse_depth(value: str | int | None) -> int | None:
    """`-a depth=N`: link hops from the start page, at least 1; None when not given."""
    if value is None or value == "":
        return None
    depth = int(value)
    if depth < 1:
        raise ValueError(f"depth must be 1 or more, got {value!r}")
    return depth


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

    def __init__(
        self,
        *args: Any,
        site: str | None = None,
        url: str | None = None,
        start: str | None = None,
        sitemap: str | None = None,
        feed: str | None = None,
        depth: str | int | None = None,
        **kwargs: Any,
    ):
        self.home_page = parse_site(site) if site else None
        self.article_page = parse_http_url("url", url) if url else None
        self.start_page = parse_http_url("start", start) if start else None
        self.sitemap_url = parse_http_url("sitemap", sitemap) if sitemap else None
        self.feed_url = parse_http_url("feed", feed) if feed else None
        given = [
            u for u in (self.article_page, self.start_page, self.sitemap_url, self.feed_url) if u
        ]
        if not given and not self.home_page:
            raise ValueError(
                "scrapy crawl news needs one of -a sitemap=URL, -a feed=URL, -a url=URL, "
                "-a start=URL or -a site=HOST"
            )
        self.site_profile = site_profile_for(self.home_page or given[0])
        if self.home_page is None and not all(self.site_profile.serves(host_of(u)) for u in given):
            raise ValueError(
                "the URLs given are on different sites: add -a site=HOST to say whose "
                "articles to take"
            )
        self.depth_argument = parse_depth(depth)
        super().__init__(*args, **kwargs)
        # The run is the site's: its output folder, state, run lock and frontier are those of
        # `scrapy crawl <profile>` (or of the host, for a site without a profile), so crawls of
        # two sites never block each other and two ways into one site share one memory.
        self.name = self.site_profile.name

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.follow_depth = spider.depth_argument or crawler.settings.getint(
            "NEWSCRAWLER_FOLLOW_DEPTH", DEFAULT_FOLLOW_DEPTH
        )
        return spider

    # --- Which URLs are articles ------------------------------------------------------------

    def is_article_url(self, url: str) -> bool:
        """Listed URLs: the profile's pattern, else anything the URL does not mark as a
        listing (a feed or sitemap lists articles, and a fetch too many costs little)."""
        if self.site_profile.article_url_re is not None:
            return super().is_article_url(url)
        return not is_listing_url(url)

    def is_article_link(self, url: str) -> bool:
        """Links on a page: the profile's pattern, else the article URL heuristic (most links
        on a page lead elsewhere)."""
        if self.site_profile.article_url_re is not None:
            return super().is_article_url(url)
        return looks_like_article_url(url)

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
            if url == page_url or not self.is_article_link(url):
                continue
            lead = ArticleLead(url=url, source=source)
            request = self.lead_request(lead, meta={DEPTH_META_KEY: depth})
            if request is not None:
                yield request
