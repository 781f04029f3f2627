"""When trafilatura's fast mode is rerun as its full cascade (`body._may_have_missed`), and
text for screen readers only."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest
import trafilatura

from newscrawler.extract.body import (
    _SCREEN_READER_ONLY,
    PARAGRAPH,
    Block,
    _extractor,
    _head_set_aside,
    _may_have_missed,
    _run_trafilatura,
    drop_screen_reader_text,
    screen_reader_names,
)

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


def _every_name_tested(values: list[str]) -> set[str]:
    return {name for value in values for name in value.split() if _SCREEN_READER_ONLY.search(name)}


@pytest.mark.parametrize(
    "values",
    [
        ["link sr-only", "a11y-hidden", "teaser"],
        ["SR-ONLY", "u-Visually-Hidden\tx", "screenreader-text\nfoo", "c-offscreen"],
        ["min-vh-100 h-100vh", "vh", "foo_vh", "vhx", "d-none"],  # Bootstrap's viewport names
        ["visuallyhidden visually-hidden-focusable", "screen-reader-only screen"],
        ["ſr-only", "K-vh", "Überschrift sr-only"],  # letters that fold to ASCII under re.I
        [],
    ],
)
def test_screen_reader_names_are_the_names_testing_every_name_finds(values: list[str]) -> None:
    assert screen_reader_names(values) == _every_name_tested(values)


def test_text_for_screen_readers_goes_and_the_tail_stays() -> None:
    tree = lxml.html.document_fromstring(
        '<html><body><p><a href="/x">Bericht<span class="sr-only"> (öffnet im neuen Fenster)'
        '</span></a> lesen.</p><div class="min-vh-100">Seite</div></body></html>'
    )
    drop_screen_reader_text(tree, tree.xpath("//@class"))
    assert tree.text_content() == "Bericht lesen.Seite"


HEAD = (
    '<head><meta charset="utf-8"><title>Titel</title><link rel="canonical" href="/a">'
    '<noscript><img src="/pixel.gif"></noscript></head>'
)


def test_trafilatura_reads_the_same_page_without_its_head_and_the_head_comes_back() -> None:
    page = f"<html>{HEAD}<body><article>" + f"<p>{SENTENCE}</p>" * 6 + "</article></body></html>"
    tree = lxml.html.document_fromstring(page)
    before = lxml.html.tostring(tree)
    with _head_set_aside(tree):
        assert len(tree.find("head")) == 0
        inside = _run_trafilatura(tree, fast=True, favor_recall=False)
    assert lxml.html.tostring(tree) == before
    plain = trafilatura.bare_extraction(
        lxml.html.document_fromstring(page), options=_extractor(fast=True, favor_recall=False)
    )
    assert inside is not None
    assert lxml.etree.tostring(inside) == lxml.etree.tostring(getattr(plain, "body", None))


def test_a_head_holding_more_than_inert_elements_is_left_as_it_is() -> None:
    tree = lxml.html.document_fromstring(f"<html>{HEAD}<body><p>x</p></body></html>")
    tree.find("head").append(lxml.html.fromstring("<div class='x'>y</div>"))
    before = lxml.html.tostring(tree)
    with _head_set_aside(tree):
        assert lxml.html.tostring(tree) == before
