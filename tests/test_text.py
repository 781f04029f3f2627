"""The shared text helpers: what the extraction and the state store rely on."""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata

import pytest

from newscrawler.text import (
    CaselessPattern,
    collapse_whitespace,
    fingerprint,
    letter_share,
    normalize_text,
)


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


def test_format_characters_and_whitespace_are_not_printable_but_the_space() -> None:
    # normalize_text returns the collapsed text as it is when it is printable: exact only if
    # no format character is whitespace (split would drop it) or printable (the check would
    # pass it), in the whole of Unicode
    formats = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert formats and not any(ch.isspace() or ch.isprintable() for ch in formats)
    # and printable text without a space at its ends or two in a row is already collapsed
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert [ch for ch in spaces if ch.isprintable()] == [" "]


def test_text_with_other_unprintable_characters_keeps_them() -> None:
    # control characters that are not whitespace take the long way and stay, like before
    assert normalize_text("a\x00 b\u200b c\x7f") == "a\x00 b c\x7f"
    assert normalize_text("ä\ue000  ö\u00ad") == "ä\ue000 ö"
    for collapsed in ("a b", " a b", "a b ", "a  b", "a\u00a0b", "Straße \u2014 weiter"):
        assert normalize_text(collapsed) == " ".join(collapsed.split())


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


def _letter_share_by_tally(text: str) -> float:
    """letter_share's definition, character by character."""
    visible = sum(not ch.isspace() for ch in text)
    letters = sum(ch.isalpha() or unicodedata.category(ch).startswith("M") for ch in text)
    return letters / visible if visible else 0.0


def test_letter_share_counts_as_a_tally_of_every_character() -> None:
    every_ascii = "".join(map(chr, range(128)))
    texts = [
        "", " \n\t", every_ascii, every_ascii + "äöü ß „Zitat“ – …", "Straße 12, 3.5 %",
        "नमस्ते दुनिया", "日本語のテキスト。", "½ ² Ⅻ ①", "Cafe\u0301\u00a0\u2003x\u200b",
        "\x00\x1c\x1f binary \ufffd\ufffd\x7f", "emoji 🙂🙂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ]  # fmt: skip
    for text in texts:
        assert letter_share(text) == _letter_share_by_tally(text), text
    assert letter_share("abc 123") == 0.5


def test_paragraph_breaks_do_not_change_the_fingerprint_as_spaces() -> None:
    # fingerprint reads "\n\n" as " ": the same normalized text when no canonical
    # decomposition holds a space or a line feed (so neither composes with a neighbour)
    for code in range(sys.maxunicode + 1):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<"):
            assert not {"0020", "000A"} & set(decomposition.split()), hex(code)
    bodies = [
        "Erster Absatz.\n\nZweiter Absatz.", "e\n\n\u0301 accent", "a \n\n b", "\n\nStart",
        "x\u200b\n\n\u200by", "a\n\n\n\nb\n\n", "Straße\n\nSTRASSE", "",
    ]  # fmt: skip
    for body in bodies:
        reference = normalize_text(body).casefold().encode("utf-8")
        expected = hashlib.blake2b(reference, digest_size=16).hexdigest()
        assert fingerprint(body) == expected, repr(body)
    assert fingerprint("Erster Absatz.\n\nZweiter") == fingerprint("erster  absatz. zweiter")


def test_collapse_whitespace_is_split_and_join() -> None:
    texts = [
        "", " ", "a", "a b", " a b", "a b ", "a  b", "a\nb", "a\u00a0b", "a\u200bb", "Straße — x",
        "\ta\r\nb\x1c", "a\u2003b\u3000", "nur ein Satz.",
    ]  # fmt: skip
    for text in texts:
        assert collapse_whitespace(text) == " ".join(text.split()), repr(text)
