"""Dates shown on the page: microdata."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from newscrawler.extract.dateline import itemprop_date

# What `itemprop_date` reads, as one XPath over every element (slower; the reference).
_REFERENCE = etree.XPath(
    "//*[@itemprop=$prop][@datetime or @content]/@datetime | "
    "//*[@itemprop=$prop][not(@datetime)]/@content"
)


def _by_reference(tree: lxml.html.HtmlElement, prop: str) -> str | None:
    return next((str(v).strip() for v in _REFERENCE(tree, prop=prop) if str(v).strip()), None)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<time itemprop="datePublished" datetime="2024-05-01">1. Mai</time>', "2024-05-01"),
        ('<meta itemprop="datePublished" content=" 2024-05-02 ">', "2024-05-02"),
        # datetime before content; an empty datetime hides the element's content
        ('<span itemprop="datePublished" datetime="2024-05-03" content="2024-01-01"></span>',
         "2024-05-03"),
        ('<span itemprop="datePublished" datetime=" " content="2024-01-01"></span>'
         '<meta itemprop="datePublished" content="2024-05-04">', "2024-05-04"),
        # an element with neither, another property, a property that only contains the name
        ('<span itemprop="datePublished">1. Mai</span><meta itemprop="dateModified" content="x">'
         '<meta itemprop="datePublished dateModified" content="y">'
         '<div><meta itemprop="datePublished" content="2024-05-05"></div>', "2024-05-05"),
        ('<meta itemprop="dateModified" content="2024-05-06">', None),
        ("<p>no microdata</p>", None),
    ],
)  # fmt: skip
def test_itemprop_date_reads_what_the_xpath_over_every_element_reads(
    body: str, expected: str | None
) -> None:
    tree = lxml.html.fromstring(f"<html><body>{body}</body></html>")
    assert itemprop_date(tree, "datePublished") == expected
    assert _by_reference(tree, "datePublished") == expected
