"""Publishing platforms several sites share: one place for their common facts.

A platform module holds what is true for every site built on it (feed and sitemap locations,
article URL scheme, page markup) and a small function that builds a site's `SiteProfile` from
the few facts that differ (host, local sections). Site modules call it; this package defines
no profiles itself.
"""
