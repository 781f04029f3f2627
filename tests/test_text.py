"""The shared text helpers: what the extraction and the state store rely on."""

from __future__ import annotations

import re
import unicodedata

import pytest

from newscrawler.text import CaselessPattern, normalize_text


def test_format_characters_are_dropped_every_time_they_occur() -> None:
    # Each character's category is looked up once per process: the second text, whose
    # characters are all known by then, must lose its format characters just the same.
    first = "Bür\u00adger\u200bmeis\u2060ter  sagt"
    assert normalize_text(first) == "Bürgermeister sagt"
    assert normalize_text("Stra\u00adßen\u200bbahn\ufeff") == "Straßenbahn"
    assert normalize_text("Grüße ohne Format") == "Grüße ohne Format"


def test_every_format_character_of_the_first_planes_is_dropped() -> None:
    formats = [chr(c) for c in range(0x30000) if unicodedata.category(chr(c)) == "Cf"]
    text = "ä".join(formats)
    assert normalize_text(text) == "ä" * (len(formats) - 1)
    assert normalize_text("x" + "".join(formats) + "é") == "xé"


def test_nfc_and_whitespace() -> None:
    assert normalize_text("Cafe\u0301\n\t  au\u00a0lait ") == "Café au lait"
    assert normalize_text("plain   ascii\n") == "plain ascii"


def test_caseless_pattern_finds_what_ignorecase_finds() -> None:
    pattern = r"author|byline|verfasser|\bnav\b"
    caseless = CaselessPattern(pattern)
    reference = re.compile(pattern, re.IGNORECASE)
    texts = [
        "AUTHOR-box", "c-ByLine", "article__byline", "VERFASSER", "main-nav", "navigation",
        "BYLİNE",  # dotless and dotted i: equal to "i" for sre, not for str.lower()
        "bylıne", "verfaſſer", "Verfaßer", "Autorin", "", "teaser",
    ]  # fmt: skip
    for text in texts:
        assert caseless.search(text) == bool(reference.search(text)), text
    assert caseless.search("BYLİNE") and caseless.search("verfaſſer")
    assert not caseless.search("navigation")


def test_caseless_pattern_takes_only_lower_case_ascii() -> None:
    for pattern in (r"[A-Z]+", r"\S+name", "straße"):
        with pytest.raises(ValueError):
            CaselessPattern(pattern)
