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
