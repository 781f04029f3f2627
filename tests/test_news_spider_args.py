"""The generic spider's command-line arguments and site resolution (no crawl)."""

from __future__ import annotations

from datetime import datetime

import pytest

from newscrawler.dates import BERLIN
from newscrawler.items import NewsArticle
from newscrawler.options import OptionError
from newscrawler.spiders.news import GenericNewsSpider, site_profile_for


def test_site_accepts_hosts_and_urls() -> None:
    assert GenericNewsSpider(site="www.example.de").home_page == "https://www.example.de/"
    spider = GenericNewsSpider(site=" http://127.0.0.1:8080/any/path ")
    assert spider.home_page == "http://127.0.0.1:8080/"
    with pytest.raises(OptionError, match="argument 'site' expects a host name"):
        GenericNewsSpider(site="ftp://example.de")


def test_url_arguments_and_depth() -> None:
    spider = GenericNewsSpider(feed="https://x.de/rss", depth="3")
    assert spider.feed_url == "https://x.de/rss" and spider.depth_arg == 3
    assert GenericNewsSpider(feed="https://x.de/rss").depth_arg is None
    with pytest.raises(OptionError, match="argument 'feed' expects an http"):
        GenericNewsSpider(feed="x.de/rss")
    with pytest.raises(OptionError, match="argument 'depth' expects a whole number of 1 or more"):
        GenericNewsSpider(feed="https://x.de/rss", depth="0")


def test_unknown_site_is_named_after_its_host() -> None:
    profile = site_profile_for("https://www.foerde-kurier.de/sitemap.xml")
    assert profile.name == "www.foerde-kurier.de"
    assert profile.article_url_re is None
    assert profile.serves("www.foerde-kurier.de") and profile.serves("foerde-kurier.de")
    assert profile.serves("m.foerde-kurier.de") and not profile.serves("www.ndr.de")
    assert site_profile_for("http://127.0.0.1:8080/").hosts == ("127.0.0.1",)


def test_known_site_keeps_its_profile() -> None:
    profile = site_profile_for("https://shz.de/rss")
    assert profile.name == "shz"
    assert profile.article_url_re is not None


def test_spider_needs_a_start() -> None:
    with pytest.raises(ValueError, match="needs one of"):
        GenericNewsSpider()


def test_urls_on_different_sites_need_a_site_argument() -> None:
    with pytest.raises(ValueError, match="different sites"):
        GenericNewsSpider(feed="https://feeds.example.com/x", sitemap="https://www.example.de/s")
    spider = GenericNewsSpider(feed="https://feeds.example.com/x", site="www.example.de")
    assert spider.site_profile.name == "www.example.de"
    assert "www.example.de" in spider.allowed_domains


def test_site_and_base_url() -> None:
    spider = GenericNewsSpider(
        sitemap="https://www.foerde-kurier.de/sitemap.xml", base_url="http://127.0.0.1:9"
    )
    assert spider.fetch_url("https://www.foerde-kurier.de/a-12345678") == (
        "http://127.0.0.1:9/a-12345678"
    )
    assert spider.site_url("http://127.0.0.1:9/a-12345678") == (
        "https://www.foerde-kurier.de/a-12345678"
    )


def test_the_days_limit_reads_a_bare_day_as_its_start_in_berlin() -> None:
    spider = GenericNewsSpider(url="https://www.example.de/a-12345678", days="1")
    spider.cutoff = datetime(2022, 6, 21, 1, 0, tzinfo=BERLIN)

    def recent(date_published: str) -> bool:
        return spider.is_recent_article(NewsArticle(date_published=date_published))

    assert recent("2022-06-22")
    assert not recent("2022-06-21")  # its start, 00:00 in Berlin, is before the cutoff
    assert recent("2022-06-21T01:00:00+02:00")
    assert not recent("2022-06-20T22:59:59+00:00")  # 00:59:59 in Berlin
    assert recent("")  # undated: kept
