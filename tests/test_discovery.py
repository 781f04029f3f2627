"""Feeds, sitemaps, robots.txt and section pages -> article leads (pure functions)."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.discovery import (
    DocumentTooLarge,
    LimitedReader,
    UnsafeDocument,
    absolute_url,
    declares_entities,
    feeds_declared,
    iter_sitemap,
    maybe_gunzip,
    page_links,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
)
from newscrawler.verdict import (
    clearly_not_article,
    has_non_html_extension,
    url_extension,
    url_prior,
)

SHZ = SITES_DIR / "shz"


def test_google_news_sitemap_gives_publication_dates() -> None:
    sitemap = parse_sitemap((SHZ / "sitemaps/news.xml").read_bytes())
    assert not sitemap.is_index
    assert len(sitemap.entries) == 3
    first = sitemap.entries[0]
    assert first.url.endswith("-41250311")
    assert first.published == datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)
    assert first.modified == datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)
    assert sitemap.entries[2].modified is None


def test_a_sitemap_date_without_time_is_the_start_of_that_day_in_berlin() -> None:
    sitemap = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
        b"<loc>https://www.example.de/a-12345678</loc><lastmod>2022-06-21</lastmod></url></urlset>"
    )
    (entry,) = sitemap.entries
    assert entry.modified == datetime(2022, 6, 20, 22, 0, tzinfo=timezone.utc)  # 00:00 CEST


def test_sitemap_index() -> None:
    sitemap = parse_sitemap((SHZ / "sitemaps/sitemap-index.xml").read_bytes())
    assert sitemap.is_index
    assert [e.url.rsplit("/", 1)[1] for e in sitemap.entries] == [
        "news.xml",
        "archive-2021-10.xml.gz",
    ]


def billion_laughs(root: str, body: str) -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]>{body}'.encode()


def test_entity_expansion_bombs_are_refused_unread() -> None:
    sitemap = billion_laughs(
        "urlset", "<urlset><url><loc>https://example.org/a&lol9;</loc></url></urlset>"
    )
    feed = billion_laughs(
        "rss", '<rss version="2.0"><channel><item><title>&lol9;</title>'
        "<link>https://example.org/a-12345678</link></item></channel></rss>"
    )  # fmt: skip
    assert declares_entities(sitemap) and declares_entities(feed)
    with pytest.raises(UnsafeDocument):
        parse_sitemap(sitemap)
    with pytest.raises(UnsafeDocument):
        parse_feed(feed, "https://example.org/rss")
    # A DOCTYPE without entity declarations (old RSS 0.91) is fine.
    rss091 = (
        b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel>'
        b"<item><title>a</title><link>https://example.org/a-12345678</link></item></channel></rss>"
    )
    assert not declares_entities(rss091)
    assert [lead.url for lead in parse_feed(rss091, "https://example.org/rss")] == [
        "https://example.org/a-12345678"
    ]


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(DocumentTooLarge):
        maybe_gunzip(bomb, max_size=1024 * 1024)
    assert maybe_gunzip(b"<urlset/>", 10) == b"<urlset/>"
    assert maybe_gunzip(gzip.compress(b"<urlset/>"), 100) == b"<urlset/>"


def test_rss_feed_entries() -> None:
    leads = parse_feed((SHZ / "rss.xml").read_bytes(), "https://www.shz.de/rss")
    assert len(leads) == 4
    assert leads[0].url.endswith("-41250311?utm_source=rss&utm_medium=feed")
    assert leads[0].published == datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)
    assert leads[1].published == datetime(2022, 1, 21, 5, 0, tzinfo=timezone.utc)
    assert all(lead.source == "feed" for lead in leads)


def test_atom_feed_and_relative_links() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
      <entry><title>a</title><link href="/artikel/a-12345678"/>
        <published>2022-01-21T12:31:00+01:00</published><updated>2022-01-22T08:00:00Z</updated>
      </entry></feed>"""
    (lead,) = parse_feed(atom, "https://www.example.de/feed.atom")
    assert lead.url == "https://www.example.de/artikel/a-12345678"
    assert lead.published == datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)
    assert lead.modified == datetime(2022, 1, 22, 8, 0, tzinfo=timezone.utc)


def test_broken_feed_gives_no_leads() -> None:
    assert parse_feed(b"\x00\x01 not a feed", "https://www.example.de/rss") == []


def test_sitemaps_from_robots() -> None:
    robots = (SHZ / "robots.txt").read_text()
    assert sitemaps_from_robots(robots, "https://www.shz.de/robots.txt") == [
        "https://www.shz.de/sitemaps/sitemap-index.xml"
    ]
    assert sitemaps_from_robots("sitemap: /a.xml\nSITEMAP:/b.xml", "https://x.de/") == [
        "https://x.de/a.xml",
        "https://x.de/b.xml",
    ]


def test_section_page_declares_feed_and_links() -> None:
    html = (SHZ / "lokales/flensburg/index.html").read_bytes()
    url = "https://www.shz.de/lokales/flensburg"
    assert feeds_declared(html, url) == ["https://www.shz.de/lokales/flensburg/rss"]
    links = list(page_links(html, url))
    assert "https://www.shz.de/lokales/flensburg?page=2" in links
    home = (SHZ / "index.html").read_bytes()
    assert feeds_declared(home, "https://www.shz.de/") == ["https://www.shz.de/rss"]
    assert all("#" not in link for link in page_links(home, "https://www.shz.de/"))
    assert list(page_links(b"", "https://www.shz.de/")) == []


def test_rdf_feed_entries() -> None:
    rdf = b"""<?xml version="1.0" encoding="utf-8"?>
    <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
             xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel rdf:about="https://www.example.de/"><title>t</title><link>https://www.example.de/</link>
        <items><rdf:Seq><rdf:li rdf:resource="https://www.example.de/a-12345678"/></rdf:Seq></items>
      </channel>
      <item rdf:about="https://www.example.de/a-12345678"><title>a</title>
        <link>https://www.example.de/a-12345678</link><dc:date>2022-01-21T12:31:00+01:00</dc:date>
      </item>
    </rdf:RDF>"""
    (lead,) = parse_feed(rdf, "https://www.example.de/rdf")
    assert lead.url == "https://www.example.de/a-12345678"
    # feedparser reads dc:date as the entry's update time: enough for the `days` limit
    assert lead.newest == datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)


ARTICLE_URLS = [
    # numeric id, with and without prefix or extension
    "https://www.shz.de/lokales/kiel/artikel/kieler-woche-2022-programm-steht-fest-41251577",
    "https://www.example.de/lokales/kiel/neue-radwege-id34567890.html",
    "https://www.example.de/politik/12345678/merz-in-kiel",
    # date in the path
    "https://www.example.de/2022/01/21/merz",
    "https://www.example.de/lokales/2022-01-21/kiel",
    # a slug of four or more words, or two with an .html-like extension
    "https://www.example.de/politik/merz-trifft-macron-in-paris",
    "https://www.example.de/sport/hsv_gewinnt_in_kiel_knapp",
    "https://www.example.de/sport/hsv-siegt.html",
    # "all pages on one" is no pagination
    "https://www.heise.de/news/Ionos-Phishing-Masche-9691259.html?wt_mc=rss&seite=all",
]
NOT_ARTICLE_URLS = [
    "https://www.example.de/",
    "https://www.example.de/politik",
    "https://www.example.de/schleswig-holstein/",
    "https://www.example.de/kiel-und-umgebung",
    "https://www.example.de/sport.html",
    "https://www.example.de/politik/index.html",
    "https://www.example.de/thema/ukraine-krieg-russland-123456",  # a tag page, despite the id
    "https://www.example.de/autor/anna-petersen-mit-vielen-worten",
    "https://www.example.de/suche?q=kieler+woche",
    "https://www.example.de/politik/merz-trifft-macron-in-paris?page=2",
    "https://www.example.de/politik/page/2",
    "https://www.example.de/impressum",
    "https://www.example.de/media/haushaltsplan-2022-der-stadt-kiel-123456.pdf",
    "https://www.example.de/bilder/kieler-woche-feuerwerk-ueber-der-foerde-2022.jpg",
]


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_looks_like_article_url(url: str) -> None:
    assert url_prior(url, "section")  # a link on a page
    assert clearly_not_article(url) is None


@pytest.mark.parametrize("url", NOT_ARTICLE_URLS)
def test_does_not_look_like_article_url(url: str) -> None:
    assert not url_prior(url, "section")


def test_listing_urls_are_only_the_clear_cases() -> None:
    # What a sitemap of an unknown site may list: only clear non-articles are skipped unread.
    clear = [u for u in NOT_ARTICLE_URLS if not url_prior(u, "sitemap")]
    assert "https://www.example.de/politik" not in clear  # could be anything: fetched, judged
    assert "https://www.example.de/" in clear
    assert "https://www.example.de/thema/ukraine-krieg-russland-123456" in clear
    assert "https://www.example.de/media/haushaltsplan-2022-der-stadt-kiel-123456.pdf" in clear


def test_non_html_extensions() -> None:
    assert url_extension("https://x.de/a/Plan.PDF?download=1") == "pdf"
    assert url_extension("https://x.de/a/artikel-123") == ""
    assert url_extension("https://x.de/a/.hidden") == ""
    assert has_non_html_extension("https://x.de/video/clip.mp4")
    assert not has_non_html_extension("https://x.de/a/artikel.html")
    assert not has_non_html_extension("https://x.de/a/v1.2-release-notes")


def test_malformed_urls_are_dropped_not_raised() -> None:
    assert absolute_url("https://x.de/a/", "b-12345678") == "https://x.de/a/b-12345678"
    bad_urls = ("http://[broken/x", "javascript:alert(1)", "mailto:a@x.de", "ftp://x.de/a",
                "https://x.de:abc/a-12345678", "https://x.de:99999/a-12345678")  # fmt: skip
    for bad in bad_urls:
        assert absolute_url("https://x.de/", bad) is None, bad
    html = (
        b'<a href="http://[broken/x">a</a><a href="mailto:a@x.de">b</a>'
        b'<a href="/ok-12345678#top">c</a><a href="/ok-12345678#kommentare">d</a>'
    )
    assert list(page_links(html, "https://x.de/")) == ["https://x.de/ok-12345678"]
    sitemap = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>http://[broken/x</loc></url><url><loc>https://x.de/a-12345678</loc></url>"
        b"</urlset>"
    )
    assert [entry.url for entry in sitemap.entries] == ["https://x.de/a-12345678"]
    feed = b'<rss version="2.0"><channel><item><link>http://[broken/x</link></item></channel></rss>'
    assert parse_feed(feed, "https://x.de/rss") == []
    assert sitemaps_from_robots("Sitemap: http://[broken/s.xml", "https://x.de/robots.txt") == []


def test_feeds_declared_by_meta_and_link() -> None:
    html = b"""<html><head>
      <meta name="feed" content="/feeds/kiel.xml">
      <link rel="alternate" type="application/atom+xml" href="https://x.de/atom">
      <link rel="alternate" type="application/rss+xml; charset=utf-8" href="/rss">
      <link rel="alternate" hreflang="en" href="/en/">
      <link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
    </head><body></body></html>"""
    assert feeds_declared(html, "https://x.de/kiel") == [
        "https://x.de/feeds/kiel.xml",
        "https://x.de/atom",
        "https://x.de/rss",
    ]


def test_a_sitemap_is_streamed_in_batches() -> None:
    urls = [
        f"https://www.example.de/politik/artikel-nummer-{n}-{10000000 + n}" for n in range(2500)
    ]
    body = "".join(f"<url><loc>{url}</loc><lastmod>2022-01-21</lastmod></url>" for url in urls)
    xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
    batches = list(iter_sitemap(LimitedReader(gzip.compress(xml.encode()), 10**7), batch_size=1000))
    assert [is_index for is_index, _ in batches] == [False] * len(batches)
    assert all(len(batch) <= 1000 for _, batch in batches)
    assert [lead.url for _, batch in batches for lead in batch] == urls
    # a gzip bomb stops the stream at the size allowed; entities are refused unread
    bomb = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    with pytest.raises(DocumentTooLarge):
        list(iter_sitemap(LimitedReader(bomb, 1_000_000)))
    entities = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><urlset>&a;</urlset>'
    with pytest.raises(UnsafeDocument):
        list(iter_sitemap(LimitedReader(entities, 10**6)))
    index = b"<sitemapindex><sitemap><loc>https://x.de/s1.xml</loc></sitemap></sitemapindex>"
    assert [
        (i, [lead.url for lead in b]) for i, b in iter_sitemap(LimitedReader(index, 10**6))
    ] == [(True, ["https://x.de/s1.xml"])]
