"""When trafilatura's fast mode is rerun as its full cascade (`body._may_have_missed`)."""

from __future__ import annotations

import lxml.html

from newscrawler.extract.body import PARAGRAPH, Block, _may_have_missed

SENTENCE = (
    "Der Rat beschloss am Abend nach langer Debatte, die alte Brücke bis zum Herbst zu sanieren."
)


def _page(*containers: int, paragraphs_per_container: int = 1) -> lxml.html.HtmlElement:
    """A page of `containers` divs, the i-th holding that many paragraphs of SENTENCE."""
    divs = "".join("<div>" + f"<p>{SENTENCE}</p>" * count + "</div>" for count in containers)
    return lxml.html.document_fromstring(f"<html><body>{divs}</body></html>")


def _blocks(count: int) -> list[Block]:
    return [Block(PARAGRAPH, SENTENCE) for _ in range(count)]


def test_a_container_holding_more_than_was_found_sends_the_page_to_the_full_run() -> None:
    # an article of 12 paragraphs, the fast mode found 3 of them
    tree = _page(12, 1, 1)
    found = 3 * len(SENTENCE)
    assert _may_have_missed(tree, found, _blocks(3))


def test_paragraphs_spread_over_small_containers_do_not() -> None:
    # 4 paragraphs found; 20 teasers of one paragraph each in a list elsewhere on the page:
    # less than half the page's paragraph text was found, but no container holds more
    teasers = "".join(f"<li><article><p>{SENTENCE}</p></article></li>" for _ in range(20))
    article = f"<p>{SENTENCE}</p>" * 4
    tree = lxml.html.document_fromstring(
        f"<html><body><main><div>{article}</div></main><ul>{teasers}</ul></body></html>"
    )
    found = 4 * len(SENTENCE)
    assert not _may_have_missed(tree, found, _blocks(4))


def test_little_text_found_always_goes_to_the_full_run() -> None:
    tree = _page(1, *[1] * 20)
    assert _may_have_missed(tree, len(SENTENCE), _blocks(2))


def test_one_glued_block_always_goes_to_the_full_run() -> None:
    tree = _page(4)
    assert _may_have_missed(tree, 4 * len(SENTENCE), _blocks(1))


def test_half_of_the_paragraph_text_found_is_enough() -> None:
    tree = _page(6, 4)
    assert not _may_have_missed(tree, 6 * len(SENTENCE), _blocks(6))


def test_a_grandparent_counts_half_of_its_grandchildren() -> None:
    # 10 paragraphs, each in a div of its own, all in one section: the section holds half of
    # their text (5 paragraphs' worth), more than the 3 paragraphs found
    items = "".join(f"<div><p>{SENTENCE}</p></div>" for _ in range(10))
    tree = lxml.html.document_fromstring(f"<html><body><section>{items}</section></body></html>")
    found = 3 * len(SENTENCE)
    assert _may_have_missed(tree, found, _blocks(3))
