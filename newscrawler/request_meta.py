"""Request meta keys the spiders set and other components (middlewares, extensions) read.

A module of its own so that components need not import the spiders.
"""

LEAD_META_KEY = "newscrawler_lead"
"""The `ArticleLead` an article request was made for."""

START_POINT_META_KEY = "newscrawler_start_point"
"""Marks the requests `start()` made: feeds, sitemaps, robots.txt, sections, a given URL."""

DISCOVERY_META_KEY = "newscrawler_discovery"
"""On requests for listings (feeds, sitemaps, robots.txt, section pages): the callback name."""

SYNDICATION_META_KEY = "newscrawler_signature"
"""On an article's response: the body's syndication signature, from the extraction worker."""

WARC_RECORD_META_KEY = "newscrawler_warc"
"""`scrapy crawl warc`: the item's `warc` field, the record the response was read from."""

CAPTURE_META_KEY = "newscrawler_capture"
"""`NEWSCRAWLER_WARC`: the exchange as received, until it is written to the WARC file
(`newscrawler.middlewares.warc`)."""

FETCHED_AT_META_KEY = "newscrawler_fetched_at"
"""When the response was fetched (aware datetime): its WARC-Date. Extraction reads relative
dates from it and the item's `crawled_at` is it; without it, the time of extraction."""

ARCHIVED_META_KEY = "newscrawler_archived"
"""On the requests of `scrapy crawl warc`: the archived response that answers them."""

VERDICT_META_KEY = "newscrawler_not_article"
"""On a lead's response the spider judged no article: why (`newscrawler.verdict`), for the
state to remember it (`newscrawler.middlewares.fetch_once`)."""

REVISIT_META_KEY = "newscrawler_revisit"
"""On a revisit's request (`newscrawler.revisits`): the state key of the article fetched again."""
