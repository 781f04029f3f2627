"""What is not article text among trafilatura's blocks, removed in a few named passes.

Each pass is a pure function: it reads the blocks, the reasons given so far (a block with a
reason is gone) and the page's `CleanupContext`, and returns the blocks it removes with its
reason. `clean_blocks` runs them in order. Universal passes rely on what holds in any language:
links (link lists, link-only lines), the page's own headlines and authors, symbols (©), position
(a heading with nothing under it), repetition, scrambled letters on a paywalled page. Passes that
read German words (`newscrawler.extract.german`) run only when `context.german` is set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from newscrawler import dates
from newscrawler.extract import german
from newscrawler.extract.body import HEADING, ITEM, PARAGRAPH, Block
from newscrawler.extract.byline import name_line
from newscrawler.extract.paywall import LetterProfile, looks_scrambled

_I = re.IGNORECASE
_WORD = re.compile(r"\w+")
# Symbols and markup words that mark a credit or a pointer in any language.
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s)|(?:©|\(c\)\s|copyright:)\s*[^.!?]{2,100}$", _I)
_AGENCY_ONLY = re.compile(r"^\(\s*[\w.]{2,8}(?:\s*/\s*[\w.]{2,8})*\s*\)$")
_ARROW = re.compile(r"^(?:>>|»|→|►|▶)")

Reasons = Mapping[int, str]
Pass = Callable[[Sequence[Block], Reasons, "CleanupContext"], dict[int, str]]


# Every pass counts and compares the words of the same blocks: each block's are found once
# (before: 2,583 counts and 1,882 squashes of devset's 640 blocks).
_BLOCKS_CACHED = 2048


@lru_cache(maxsize=_BLOCKS_CACHED)
def _words(text: str) -> int:
    return len(_WORD.findall(text))


def words_in(blocks: Iterable[Block]) -> int:
    """`count_words` of the blocks' texts joined by a separator without word characters
    ("\\n\\n", " "): a word never spans two blocks, so it is the sum of each block's cached
    count (counting the joined body and trafilatura's text again: 0.26 ms a page on devset)."""
    return sum(_words(block.text) for block in blocks)


@lru_cache(maxsize=_BLOCKS_CACHED)
def squash(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


@dataclass(frozen=True)
class CleanupContext:
    """What the cleanup needs to know about the page besides the body."""

    titles: Sequence[str] = ()
    """Every form of the headline the page shows or declares: a block repeating one is the
    headline, not text."""
    authors: Sequence[str] = ()
    site_patterns: Sequence[re.Pattern[str]] = ()
    """The site profile's boilerplate patterns (`ExtractionRules.boilerplate`)."""
    german: bool = False
    """The page reads as German: the German passes run."""
    scramble_reference: LetterProfile | None = None
    """Letter pairs of the page's readable text, on pages with paywall evidence only: blocks
    whose spelling is unlike it are scrambled (`paywall.looks_scrambled`)."""
    captions: Sequence[str] = ()
    """Texts of the page's figures and captions (`<figure>`, `<figcaption>`)."""
    kicker: str | None = None
    """The kicker above the headline: a block repeating it before the text is not text."""
    squashed_titles: frozenset[str] = field(init=False)
    squashed_captions: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        titles = frozenset(squash(t) for t in self.titles if t and squash(t))
        object.__setattr__(self, "squashed_titles", titles)
        captions = frozenset(squash(t) for t in self.captions if t and squash(t))
        object.__setattr__(self, "squashed_captions", captions)


def is_furniture(text: str, context: CleanupContext) -> bool:
    """A block that is page furniture: the site's own boilerplate, a credit line, an agency
    tag alone, and on German pages the German furniture phrases."""
    if any(p.search(text) for p in context.site_patterns):
        return True
    if (_words(text) <= 60 and _COPYRIGHT.search(text)) or _AGENCY_ONLY.match(text):
        return True
    return context.german and german.is_furniture(text)


def _kept(blocks: Sequence[Block], reasons: Reasons) -> Iterator[tuple[int, Block]]:
    return ((i, b) for i, b in enumerate(blocks) if i not in reasons)


# -- passes -------------------------------------------------------------------------------------
def link_lists(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """Lists whose items are mostly links elsewhere: related articles, navigation."""
    groups: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.kind == ITEM and block.group >= 0:
            groups.setdefault(block.group, []).append(index)
    dropped = {}
    for members in groups.values():
        linked = sum(blocks[i].link_share >= 0.6 for i in members)
        if linked >= max(1, len(members) / 2):
            dropped.update(dict.fromkeys(members, "link list"))
    return dropped


def furniture(blocks: Sequence[Block], reasons: Reasons, context: CleanupContext) -> dict[int, str]:
    return {i: "furniture" for i, b in _kept(blocks, reasons) if is_furniture(b.text, context)}


def captions(blocks: Sequence[Block], reasons: Reasons, context: CleanupContext) -> dict[int, str]:
    """A short block that is (part of) the text of one of the page's figures or captions."""
    return {i: "caption" for i, b in _kept(blocks, reasons) if _is_caption(b.text, context)}


def _is_caption(text: str, context: CleanupContext) -> bool:
    if not 3 <= _words(text) <= 40:
        return False
    squashed = squash(text)
    return any(squashed in caption for caption in context.squashed_captions)


def pointers(blocks: Sequence[Block], reasons: Reasons, context: CleanupContext) -> dict[int, str]:
    """Short lines that point elsewhere: a line that is (almost) all link, an arrow before a
    link, and on German pages "Lesen Sie auch: ..." with a link."""
    return {i: "pointer" for i, b in _kept(blocks, reasons) if _is_pointer(b, context.german)}


def _is_pointer(block: Block, is_german: bool) -> bool:
    words = _words(block.text)
    if words > 30:
        return False
    if _ARROW.match(block.text) and (block.link_share >= 0.2 or block.text.startswith(">>")):
        return True
    if is_german and german.POINTER.match(block.text) and block.link_share >= 0.2:
        return True
    return block.kind in (PARAGRAPH, HEADING) and block.link_share >= 0.8 and words <= 20


def scrambled(blocks: Sequence[Block], reasons: Reasons, context: CleanupContext) -> dict[int, str]:
    """Text scrambled by the publisher, on pages that show paywall evidence."""
    reference = context.scramble_reference
    if reference is None:
        return {}
    return {i: "scrambled" for i, b in _kept(blocks, reasons) if looks_scrambled(b.text, reference)}


def orphaned_headings(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """A heading or a lead-in line ("Mehr zum Thema:") right before removed blocks, with no
    text of its own after them."""
    dropped = {}
    for index, block in _kept(blocks, reasons):
        if not _is_title_like(block) or _words(block.text) > 15:
            continue
        if index + 1 >= len(blocks) or (index + 1) not in reasons:
            continue
        following = next((i for i in range(index + 1, len(blocks)) if i not in reasons), None)
        if following is None or blocks[following].kind == HEADING or block.kind != HEADING:
            dropped[index] = "orphaned heading"
    return dropped


_CLOSING = re.compile(r"[.!?…\"“”)]$")


def _is_title_like(block: Block) -> bool:
    """A heading, a lead-in ending in ":" or a short line without a full stop."""
    text = block.text
    # a closing mark is the last character or the one before a final newline (`$`): the
    # search starts there, not at the start of the block
    return (
        block.kind == HEADING
        or text.endswith(":")
        or (_words(text) <= 10 and not _CLOSING.search(text, max(len(text) - 2, 0)))
    )


_HEADER_BLOCKS = 4
"""The byline may follow the teaser: it is looked for among the first blocks."""


def page_header(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """Before the text starts: the headline and its kicker repeated and, on German pages, the
    date line; among the first blocks (also after a teaser): the byline."""
    dropped = {}
    text_started = False
    for number, (index, block) in enumerate(_kept(blocks, reasons)):
        if number >= _HEADER_BLOCKS and text_started:
            break
        if _is_byline(block, context):
            dropped[index] = "byline"
        elif text_started:
            continue
        elif block.kind == PARAGRAPH and _words(block.text) > 12:
            text_started = True
        elif _is_headline(block.text, context):
            dropped[index] = "headline"
        elif context.kicker and squash(block.text) == squash(context.kicker):
            dropped[index] = "kicker"
        elif context.german and dates.date_line_label(block.text) is not None:
            dropped[index] = "dateline"
    return dropped


def _is_headline(text: str, context: CleanupContext) -> bool:
    """The block is a headline of the page: the same words, or the headline with its kicker."""
    squashed = squash(text)
    return bool(squashed) and any(
        squashed == title
        or (title in squashed and len(squashed) <= len(title) + 60)  # kicker + headline
        or (squashed in title and len(squashed) >= 0.5 * len(title))  # headline without kicker
        for title in context.squashed_titles
    )


def _is_byline(block: Block, context: CleanupContext) -> bool:
    """A short line naming an author together with a date or time ("14.10.2021 um 09:15 Uhr
    von Lars Janßen", "Anna Petersen | 20.01.2022"), on German pages also "Von Anna Petersen";
    or a line of nothing but the authors' names."""
    text = block.text
    if _words(text) > 20 or not any(name in text for name in context.authors if name):
        return False
    if _is_signature(text, context):
        return True
    return dates.mentions_date_or_time(text) or bool(context.german and german.VON.match(text))


def _is_signature(text: str, context: CleanupContext) -> bool:
    """The text is the authors' names and nothing else."""
    names = name_line(text)
    return bool(names) and {n.casefold() for n in names} <= {a.casefold() for a in context.authors}


def displaced_headline(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """Anywhere: the page header (kicker, headline) that trafilatura placed after the text."""
    dropped = {}
    for index, block in _kept(blocks, reasons):
        if squash(block.text) in context.squashed_titles:
            dropped[index] = "headline"
            kicker = index - 1
            if kicker >= 0 and kicker not in reasons and _words(blocks[kicker].text) <= 3:
                dropped[kicker] = "kicker"
    return dropped


def source_lists(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """German pages: a list that names the article's sources ("Eigene Recherche", "mit
    Material von dpa"), and a list right after it (the publications it cites)."""
    sources: set[int] = set()
    previous_group = -1
    for block in blocks:
        if block.kind != ITEM or block.group < 0:
            previous_group = -1
            continue
        if german.SOURCE_ITEM.match(block.text) or (
            previous_group in sources and block.group != previous_group
        ):
            sources.add(block.group)
        previous_group = block.group
    return {
        i: "source list" for i, b in _kept(blocks, reasons) if b.kind == ITEM and b.group in sources
    }


def author_bio(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """German pages: an author bio among the last two blocks."""
    names = [a for a in context.authors if " " in a]
    dropped = {}
    for index, block in reversed(list(_kept(blocks, reasons))[-2:]):
        if not german.is_bio(block.text, names):
            break
        dropped[index] = "author bio"
    return dropped


def signature(blocks: Sequence[Block], reasons: Reasons, context: CleanupContext) -> dict[int, str]:
    """The authors' names alone on the last line: a signature."""
    last = list(_kept(blocks, reasons))[-1:]
    return {
        i: "signature" for i, b in last if b.kind == PARAGRAPH and _is_signature(b.text, context)
    }


def trailing_headings(
    blocks: Sequence[Block], reasons: Reasons, context: CleanupContext
) -> dict[int, str]:
    """Headings at the end with nothing under them."""
    dropped = {}
    for index, block in reversed(list(_kept(blocks, reasons))):
        if block.kind != HEADING:
            break
        dropped[index] = "trailing heading"
    return dropped


def repeated(blocks: Sequence[Block], reasons: Reasons, context: CleanupContext) -> dict[int, str]:
    """A block of four words or more that the body already has."""
    seen: set[str] = set()
    dropped = {}
    for index, block in _kept(blocks, reasons):
        key = squash(block.text)
        if key in seen and _words(block.text) >= 4:
            dropped[index] = "repeated"
        seen.add(key)
    return dropped


UNIVERSAL_PASSES: tuple[Pass, ...] = (
    link_lists, furniture, captions, pointers, scrambled, orphaned_headings, page_header,
    displaced_headline,
)  # fmt: skip
CLOSING_PASSES: tuple[Pass, ...] = (signature, trailing_headings, repeated)
GERMAN_PASSES: tuple[Pass, ...] = (source_lists, author_bio)


def passes_for(context: CleanupContext) -> tuple[Pass, ...]:
    """The passes that may act on the page, in order: German ones only on German pages."""
    return UNIVERSAL_PASSES + (GERMAN_PASSES if context.german else ()) + CLOSING_PASSES


@dataclass
class CleanedBody:
    blocks: list[Block]
    """The blocks that are article text, in order."""
    dropped: list[tuple[str, str]]
    """(reason, text) of every block that was removed, for debugging a page."""

    @property
    def scrambled(self) -> bool:
        """Scrambled (obfuscated paywall) text was removed."""
        return any(reason == "scrambled" for reason, _ in self.dropped)


def clean_blocks(blocks: Sequence[Block], context: CleanupContext) -> CleanedBody:
    """Remove what is not article text from trafilatura's blocks."""
    reasons: dict[int, str] = {}
    for step in passes_for(context):
        reasons.update(step(blocks, reasons, context))
    return CleanedBody(
        blocks=[b for i, b in enumerate(blocks) if i not in reasons],
        dropped=[(reasons[i], b.text) for i, b in enumerate(blocks) if i in reasons],
    )
