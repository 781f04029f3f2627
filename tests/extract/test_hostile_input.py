"""Whatever a server sends, extraction returns an item and never raises."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawler.extract import extract_page

CRAWLED = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
FRAGMENTS = st.sampled_from(
    [
        "<html>", "<head>", "<body>", "<p>", "</p>", "<article>", "<h1>", "</h1>",
        '<meta property="og:title" content="', '<script type="application/ld+json">',
        "</script>", '{"@type": "NewsArticle", "headline": ', '"datePublished": "2024-13-45"',
        '"author": [', "]", "}", ",", '"', "<!--", "-->", "Grünkohl ", "Von Anna Muster ",
        "\x00", "\ufeff", "&amp;", "&#0;", "<div class='paywall'>",
        '"hasPart": {"isAccessibleForFree": false, "cssSelector": "[[["}',
    ]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS | st.text(max_size=40), max_size=40))
def test_markup_soup_never_raises(parts: list[str]) -> None:
    html = "".join(parts)
    page = extract_page(html, "https://x.de/a", crawled_at=CRAWLED)
    assert isinstance(page.article.body, str)
    assert page.article.crawled_at == "2024-07-01T12:00:00+00:00"


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data: bytes) -> None:
    page = extract_page(data, "https://x.de/a", crawled_at=CRAWLED)
    assert isinstance(page.article.body, str)


def test_deeply_nested_json_ld() -> None:
    deep = "[" * 5000 + "]" * 5000
    graph = '{"@graph": ' * 200 + '{"@type": "NewsArticle"}' + "}" * 200
    for block in (deep, graph):
        html = f'<html><head><script type="application/ld+json">{block}</script></head></html>'
        assert not extract_page(html, "https://x.de/a", crawled_at=CRAWLED).is_article
