"""Feeds, sitemaps, robots.txt and section pages -> article leads (pure functions)."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.discovery import (
    DocumentTooLarge,
    feeds_declared,
    gunzip_bounded,
    maybe_gunzip,
    page_links,
    parse_feed,
    parse_sitemap,
    sitemaps_from_robots,
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


def test_sitemap_index() -> None:
    sitemap = parse_sitemap((SHZ / "sitemaps/sitemap-index.xml").read_bytes())
    assert sitemap.is_index
    assert [e.url.rsplit("/", 1)[1] for e in sitemap.entries] == [
        "news.xml",
        "archive-2021-10.xml.gz",
    ]


def test_entity_expansion_bomb_stays_small() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'.encode()
            for i in range(1, 10)
        )
        + b"]><urlset><url><loc>https://example.org/a&lol9;</loc></url></urlset>"
    )
    sitemap = parse_sitemap(bomb)
    assert all(len(entry.url) < 1000 for entry in sitemap.entries)


def test_gzip_bomb_is_refused() -> None:
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    assert len(bomb) < 100_000
    with pytest.raises(DocumentTooLarge):
        gunzip_bounded(bomb, max_size=1024 * 1024)
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
