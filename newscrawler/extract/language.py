"""The page's language, and whether rules written for German may act on it.

Rules that read words (German furniture phrases, month names, "Von" before a name) act only on
German pages: the same steps on a Spanish, Russian or Plattdeutsch page delete article text. The
arbiter is the text trafilatura extracted, not the declaration alone: publishers declare `de`
site-wide, also over their Danish, Frisian, Sorbian or Plattdeutsch pages, and some declare
nothing. Text in German is made of function words ("der", "und", "nicht"); measured on the
two dev sets, a quarter or more of the first 400 words of every German body are on the list
below (0.22-0.35), and at most 0.05 of any other language's (Dutch, Danish and Norwegian
included). A page with too little text to tell falls back to what it declares.
"""

from __future__ import annotations

import re

GERMAN_FUNCTION_WORDS = frozenset(
    {
        "der", "die", "das", "und", "ist", "nicht", "mit", "den", "dem", "des", "ein", "eine",
        "einer", "einen", "sich", "auf", "für", "von", "zu", "zum", "zur", "im", "auch", "wird",
        "wurde", "werden", "sind", "bei", "nach", "wie", "aus", "noch", "über", "dass", "sie",
        "er", "es",
    }
)  # fmt: skip
GERMAN_SHARE = 0.12
"""Share of function words above which a text is German (German: >= 0.22, others: <= 0.05)."""
MIN_WORDS = 30
"""Fewer words than this say nothing about the language."""
SAMPLE_WORDS = 400

_LETTERS = re.compile(r"[^\W\d_]+")
_SUBTAG_SEPARATOR = re.compile(r"[-_]")
_PRIMARY_SUBTAG = re.compile(r"[a-z]{2,3}")


def language_code(value: str | None) -> str | None:
    """The primary subtag of a language tag, lower case: "de" for "de-DE", "de_AT" or "DE"."""
    if not value:
        return None
    primary = _SUBTAG_SEPARATOR.split(value.strip())[0].lower()
    return primary if _PRIMARY_SUBTAG.fullmatch(primary) else None


def german_share(text: str) -> float | None:
    """Share of German function words among the text's first words; None for too little text."""
    words = _LETTERS.findall(text[: SAMPLE_WORDS * 12].casefold())[:SAMPLE_WORDS]
    if len(words) < MIN_WORDS:
        return None
    return sum(word in GERMAN_FUNCTION_WORDS for word in words) / len(words)


def is_german(declared: str | None, text: str) -> bool:
    """True when German rules may act on a page: its text reads as German, or, with too
    little text to tell, it declares German."""
    share = german_share(text)
    if share is None:
        return language_code(declared) == "de"
    return share >= GERMAN_SHARE


_ENGLISH_FUNCTION_WORDS = frozenset(
    {
        "the", "and", "of", "to", "is", "in", "that", "for", "it", "with", "was", "on", "are",
        "as", "be", "by", "this", "from", "at", "have", "has",
    }
)  # fmt: skip


def guess_language(text: str) -> str | None:
    """ "de" or "en" for text that reads as German or English (the `language` field of a page
    that declares none); None otherwise."""
    words = _LETTERS.findall(text[: SAMPLE_WORDS * 12].casefold())[:SAMPLE_WORDS]
    if len(words) < MIN_WORDS:
        return None
    german = sum(word in GERMAN_FUNCTION_WORDS for word in words) / len(words)
    english = sum(word in _ENGLISH_FUNCTION_WORDS for word in words) / len(words)
    if max(german, english) < GERMAN_SHARE:
        return None
    return "de" if german > english else "en"
