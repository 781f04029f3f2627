"""Small text helpers shared by extraction, the item's derived fields and the state store."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

_WORD = re.compile(r"\w+")


# The characters seen so far, and those among them of category Cf (format). Each distinct
# character's category is looked up once per process, then two set operations in C serve every
# text: calling unicodedata.category() per distinct character of each text cost 2.3 M
# instructions a page on both dev sets (a third of this function). Bounded by the characters
# of Unicode; a few thousand in practice.
_SEEN_CHARACTERS: set[str] = set()
_FORMAT_CHARACTERS: set[str] = set()


def _format_characters(characters: set[str]) -> set[str]:
    """The characters of category Cf (soft hyphen, zero-width space, ...) among `characters`."""
    unseen = characters - _SEEN_CHARACTERS
    if unseen:
        _FORMAT_CHARACTERS.update(ch for ch in unseen if unicodedata.category(ch) == "Cf")
        _SEEN_CHARACTERS.update(unseen)
    return characters & _FORMAT_CHARACTERS


def _is_collapsed(text: str) -> bool:
    """No whitespace but single spaces between words, and no format character: no whitespace
    but the space is printable, and no format character is (tested over all of Unicode)."""
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


def collapse_whitespace(text: str) -> str:
    """`" ".join(text.split())`, without splitting a text that has nothing to collapse (a scan
    in C instead of a list of its words)."""
    return text if _is_collapsed(text) else " ".join(text.split())


def normalize_text(text: str) -> str:
    """NFC, format characters (soft hyphen, zero-width space) dropped; spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    if _is_collapsed(text):  # 86% of devset's texts
        return text
    collapsed = " ".join(text.split())
    # A printable result had no format characters to drop either, and is the answer. Scans in C
    # instead of a set of the text's characters: 0.15 against 0.38 ms a page on devset's
    # 3,642 texts.
    if collapsed.isprintable():
        return collapsed
    if not text.isascii():  # ASCII has no format characters
        formats = _format_characters(set(text))
        if formats:
            text = text.translate(dict.fromkeys(map(ord, formats)))
    # (str.split splits on the characters `\s` matches: five times faster than re.sub)
    return " ".join(text.split())


def count_words(text: str) -> int:
    """Number of word tokens, as a reader would count them."""
    return len(_WORD.findall(text))


# ASCII is counted as bytes (translate deletes in C): whitespace and non-letters as Python
# classifies them (no ASCII character is a mark); only the other characters are tallied.
_ASCII_SPACES = bytes(c for c in range(128) if chr(c).isspace())
_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")


def letter_share(text: str) -> float:
    """Share of letters (and the vowel signs of scripts like Devanagari) among the visible
    characters: 0.77-0.98 in the article texts of both dev sets, in any script; about 0.5 in
    binary data decoded as text."""
    # The same counts as tallying every character (tested): 0.055 against 0.19 ms a page for
    # devset's bodies, which are mostly ASCII.
    ascii_part = text.encode("ascii", "ignore")
    visible = len(ascii_part.translate(None, _ASCII_SPACES))
    letters = len(ascii_part.translate(None, _ASCII_NOT_LETTERS))
    if len(ascii_part) < len(text):
        for char, count in Counter(_ASCII_RUN.sub("", text)).items():  # each distinct once
            if char.isspace():
                continue
            visible += count
            if char.isalpha() or unicodedata.category(char).startswith("M"):
                letters += count
    return letters / visible if visible else 0.0


def fingerprint(body: str) -> str:
    """Stable 128-bit hash of a body: insensitive to case, whitespace and invisible characters."""
    # Paragraph breaks as spaces first: the same normalized text (whitespace for whitespace;
    # neither composes in NFC, tested), and a body of clean paragraphs is then already
    # collapsed (normalize_text's early return): 0.08 against 0.12 ms a page on devset.
    normalized = normalize_text(body.replace("\n\n", " ")).casefold()
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=16).hexdigest()


UNLIKE_THEIR_LOWER_CASE = frozenset("\u0130\u0131\u017f")
"""The characters a case-insensitive pattern matches to an ASCII letter that `str.lower` does
not turn into that letter (İ, ı, ſ; found by a test over all of Unicode,
tests/extract/test_cleanup.py). In a text without them, searching the lower-cased text for
lower-case ASCII needles answers as a case-insensitive search does (German furniture; ASCII
text, which never holds them, in `CaselessPattern`)."""


class CaselessPattern:
    """`re.compile(pattern, re.IGNORECASE).search`, cheaper on ASCII text: that text is
    lower-cased in C and searched case-sensitively (sre matches each letter of a caseless
    pattern through a case-folding table at every position: five times the instructions for
    the author markers of every element of both dev sets, callgrind).

    Exact because the pattern is lower-case ASCII: in ASCII text a letter matches it caselessly
    only in its upper or lower case (the other forms sre equates, `ſ`, `ı`, `İ`, Kelvin `K`,
    are not ASCII), and lower-casing changes no `\\w`, `\\s`, `\\d` or `\\b` of ASCII text.
    Other text goes to the caseless pattern itself."""

    def __init__(self, pattern: str):
        if not pattern.isascii() or pattern != pattern.lower():
            raise ValueError(f"not a lower-case ASCII pattern: {pattern!r}")
        self.pattern = pattern
        self._lower = re.compile(pattern)
        self._caseless = re.compile(pattern, re.IGNORECASE)
        # An alternation of plain words is looked for with `in`, word by word: sre tries the
        # alternation at every position (1.8 times the time for the author markers of every
        # element, devset).
        words = tuple(pattern.split("|"))
        self.plain_words = words if all(word.isalnum() for word in words) else None

    def search(self, text: str) -> bool:
        """Whether the pattern occurs in `text`, in any case."""
        if not text.isascii():
            return self._caseless.search(text) is not None
        lowered = text.lower()
        if self.plain_words is None:
            return self._lower.search(lowered) is not None
        for word in self.plain_words:  # noqa: SIM110 (any() over a generator: twice the time)
            if word in lowered:
                return True
        return False
