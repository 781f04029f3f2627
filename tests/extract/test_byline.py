"""Author names from bylines and metadata values."""

from __future__ import annotations

import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.extract import byline
from newscrawler.extract.byline import clean_authors, is_organisation, visible_byline


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Von Anna Muster", ["Anna Muster"]),
        ("von Anna Muster und Max Beispiel", ["Anna Muster", "Max Beispiel"]),
        ("Anna Muster, Max Beispiel", ["Anna Muster", "Max Beispiel"]),
        ("Anna Muster & Max Beispiel", ["Anna Muster", "Max Beispiel"]),
        ("Anna Muster, Redakteurin", ["Anna Muster"]),
        ("Von Jens Beispiel, Redakteur, und Katrin Muster", ["Jens Beispiel", "Katrin Muster"]),
        ("Redakteurin Anna Muster", ["Anna Muster"]),
        ("Von Anna Muster, Hamburg", ["Anna Muster"]),
        ("Anna Muster, dpa", ["Anna Muster", "dpa"]),
        ("Elena Oberholzer (obe)", ["Elena Oberholzer"]),
        ("Ein Kommentar von Jan Sellner", ["Jan Sellner"]),
        ("Text: Max Beispiel", ["Max Beispiel"]),
        ("Von Anna Muster | 15.06.2024, 18:05 Uhr", ["Anna Muster"]),
        ("anna.muster@zeitung.de", []),
        ("dpa", ["dpa"]),
        ("ndr.de", ["ndr.de"]),
        ("JÖRG ZSCHOCHE", ["JÖRG ZSCHOCHE"]),
        ("Lesezeit: 3 Minuten", []),
    ],
)
def test_clean_authors(raw: str, names: list[str]) -> None:
    assert clean_authors([raw]) == names


def test_duplicates_are_dropped_in_order() -> None:
    assert clean_authors(["Anna Muster", "Von anna muster und Max Beispiel"]) == [
        "Anna Muster",
        "Max Beispiel",
    ]


@pytest.mark.parametrize("name", ["dpa", "ndr.de", "FOCUS online", "BR24 Redaktion", "AFP"])
def test_organisations(name: str) -> None:
    assert is_organisation(name)


@pytest.mark.parametrize("name", ["Anna Muster", "Jemima Kelly", "Frank Wunderlich-Pfeiffer"])
def test_people(name: str) -> None:
    assert not is_organisation(name)


def test_visible_byline_skips_teasers_of_other_articles() -> None:
    html = """<html><body>
    <div class="authors"><span class="brand">capital</span>
      <ul><li class="authors__item">von Jemima Kelly</li></ul></div>
    <div class="teaser"><span class="teaser-footer__author">von Niels Kruse</span></div>
    </body></html>"""
    assert visible_byline(lxml.html.fromstring(html)) == ["Jemima Kelly"]


def test_visible_byline_from_author_link() -> None:
    html = """<html><body><p>Text</p><p class="story-authors">Von: <a
    href="https://www.zeitung.de/autoren/6601/">Nadja Muster</a></p></body></html>"""
    assert visible_byline(lxml.html.fromstring(html)) == ["Nadja Muster"]


def test_author_words_are_the_plain_words_of_the_pattern() -> None:
    words = byline._AUTHOR_CLASS.plain_words
    assert words and all(word.isalpha() and word.isascii() for word in words)


@settings(max_examples=400)
@given(
    st.lists(
        st.sampled_from(
            ["author", "AUTHOR", "Autor", "byLine", "verfaſſer", "VERFASSER", "creator", "auth",
             "utor", "by", "line", "-", " ", "_", "x", "İ", "ı", "é", "K"]
        ),
        max_size=8,
    ).map("".join)
)  # fmt: skip
def test_author_marker_test_agrees_with_the_caseless_pattern(marker: str) -> None:
    caseless = re.compile(byline._AUTHOR_CLASS.pattern, re.IGNORECASE)
    assert byline._AUTHOR_CLASS.search(marker) == (caseless.search(marker) is not None)
