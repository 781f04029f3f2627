"""What German news sites put between the paragraphs of an article, and how it is removed.

Every rule here is general: page furniture lines ("zur Startseite", "Foto: dpa"), link lists
to other articles, pointers ("Lesen Sie auch: ..."), newsletter/app promos, embed consent
placeholders, syndication and agency notes, author bios, scrambled paywall text, and the headline
repeated at the top. Per-site patterns come from `ExtractionRules.boilerplate`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newscrawler.extract.body import HEADING, ITEM, PARAGRAPH, Block
from newscrawler.extract.paywall import looks_scrambled

_I = re.IGNORECASE

# Whole blocks that are page furniture, whatever their length.
FURNITURE = re.compile(
    r"^(?:zur(?:ück zur)? startseite|startseite|diskutieren sie mit\b.{0,80}|"
    r"(?:leser)?kommentare? (?:anzeigen|lesen|schreiben|ausblenden)|kommentieren|"
    r"\d+\s+kommentare?|avatar_\S*.*|weiterlesen nach der anzeige|anzeige|werbung|"
    r"artikel weiterlesen|weiterlesen|mehr anzeigen|mehr infos|mehr erfahren|"
    r"(?:artikel )?teilen|drucken|versenden|merken|link kopieren|feedback|"
    r"lesezeit:?\s*\d+\s*min\w*\.?|\d+\s*min(?:\.|uten)?\s*lesezeit|"
    r"bild \d+ von \d+|\d+ bilder|bildergalerie|zur bildergalerie|"
    r"dieses thema im programm:?.*|mehr zum thema:?|auch interessant:?|lesen sie auch:?|"
    r"das könnte sie auch interessieren:?|empfehlungen der redaktion|weitere artikel:?|"
    r"meistgelesen|top-?themen|mehr aus (?:dem|der) \S+|mehr nachrichten:?|"
    r"verwendete quellen:?|quellen:?|mit agenturmaterial\.?|"
    r"mit material (?:von|der) .{1,60}|(?:author|autor(?:in)?|text)\s*:\s*\S.{0,60}|"
    r"(?:dpa|afp|apa|reuters)[- ]?(?:infografik|grafik)|grafik-\w+ nr\.\s*\d+.*|"
    r"[-–]?\s*(?:aktualisiert|veröffentlicht|erschienen|stand)(?: am)?:?[\d.:, ]*(?:uhr)?|"
    r"\(\s*[\w.]{2,8}(?:\s*/\s*[\w.]{2,8})*\s*\))$",
    _I,
)

# A broadcast slot after "Dieses Thema im Programm:": "NDR 1 Welle Nord | 12.05.2024 | 14:00 Uhr".
_PROGRAMME_SLOT = re.compile(r"^(?:[^|]{1,60}\|){2,}[^|]{0,60}$")
_DATE_OR_TIME = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}:\d{2}")

# Captions and credits: short blocks that start or end with a credit.
_CREDIT_START = re.compile(
    r"^(?:fotos?|bild(?:er)?|grafik|illustration|video|quelle|symbolbild|archivbild|"
    r"archivfoto|titelbild|bildquelle|copyright)\s*:|^(?:©|\(c\)\s)",
    _I,
)
_CREDIT_END = re.compile(r"(?:[.!?“\"]\s+|\s)(?:fotos?|bild|foto/grafik)\s*:\s*[^.!?]{2,80}$", _I)
_CREDIT_PARENTHESES = re.compile(r"\((?:fotos?|bild|quelle)\s*:[^)]{2,80}\)\s*$", _I)
_COPYRIGHT_END = re.compile(r"(?:©|\(c\)\s|copyright:)\s*[^.!?]{2,100}$", _I)

# Promotional or navigational blocks, recognised by what they say to the reader.
_PROMO = [
    re.compile(p, _I)
    for p in (
        r"newsletter.{0,300}(?:anmeld|abonnier|bestell|registrier|kostenlos|postfach|hier geht)",
        r"(?:anmeld|abonnier|bestell|registrier).{0,200}newsletter",
        r"\bunsere[rn]? (?:kostenlose[n]? )?(?:[\w-]+-)?apps?\b|"
        r"(?:laden|holen) sie .{0,60}\bapps?\b",
        r"(?:folgen sie|folgt) uns (?:auf|bei)",
        r"hier geht(?:'|’)?s zu(?:r|m)? ",
        r"affiliate-links?|(?:erhalten|bekommen) wir (?:eine |ggf\. )?provision",
        # consent placeholders of embedded posts, videos and charts
        r"(?:externe[rn]? inhalt|redaktioneller inhalt|inhalt(?:e)? von (?:youtube|twitter|x|"
        r"instagram|facebook|tiktok|spotify|datawrapper|podigee|glomex)).{0,300}"
        r"(?:datenschutz|zustimm|einverstanden|aktivier|anzeigen|laden|akzeptier)|"
        r"einverstanden, dass (?:mir )?(?:externe|inhalte)",
        r"^dieser (?:artikel|beitrag|text) (?:ist|erschien|wurde) (?:zuerst|ursprünglich)",
        r"^mit informationen (?:von|der|aus) ",
        r"partnermarke",
    )
]
_PROMO_MAX_WORDS = 70
# Paywall prompts: only as short lines, the words also occur in articles about subscriptions.
_PAYWALL_PROMPT = re.compile(
    r"(?:jetzt|hier) (?:weiter)?lesen mit|weiterlesen mit|(?:jetzt|zum) abo(?:nnement)?$|"
    r"abo abschließen|sie haben bereits ein (?:abo|abonnement)|nur für abonnenten|"
    r"jetzt (?:\d+ )?(?:wochen|monate|tage) (?:für|gratis|kostenlos)|(?:jetzt|hier) anmelden$",
    _I,
)
_PAYWALL_PROMPT_MAX_WORDS = 25
# A promo line ending in a call to action ("Podcast: Hamburg hat einen Plan. Jetzt anhören").
_CALL_TO_ACTION = re.compile(
    r"\b(?:jetzt|hier) (?:anhören|reinhören|ansehen|anschauen|abonnieren|herunterladen|"
    r"downloaden|entdecken|bestellen)\W*$",
    _I,
)
_CALL_TO_ACTION_MAX_WORDS = 15
# A publisher's appeal to its readers ("Unterstützen Sie unabhängigen Journalismus"): longer
# than a promo line; it addresses the reader and names journalism or paying for it.
_APPEAL_ADDRESS = re.compile(
    r"jetzt unterstützen|unterstützen sie (?:uns|unsere|die|den|unabhängigen|freien|guten)|"
    r"(?:freiwillig|solidarisch) (?:zahlen|bezahlen)",
    _I,
)
_APPEAL_SUBJECT = re.compile(
    r"journalismus|zeitung|redaktion|abo\b|abonnement|spende|zahl ich|beitrag|recherche", _I
)
_APPEAL_MAX_WORDS = 160
_POINTER = re.compile(
    r"^(?:>>|»|→|►|▶|(?:lesen sie (?:auch|hier|mehr)|auch interessant|mehr (?:dazu|zum thema)|"
    r"zum (?:artikel|thema|beitrag|video|liveblog|newsblog|ticker)|lesetipp|passend dazu|"
    r"weiterlesen|hier lesen sie|mehr informationen|mehr zu|siehe auch|"
    r"alles (?:zum|zur|über)|jetzt (?:anhören|ansehen|lesen))\b)",
    _I,
)
_BIO_ROLE = re.compile(
    r"redakteur|korrespondent|reporter|autor|ressort|volontär|journalist|kolumnist|redaktion|"
    r"schreibt (?:seit|für|über)|arbeitet (?:seit|für|als)",
    _I,
)
# A date line on its own before the text ("21. Januar 2022, 12:31 Uhr"): the dateline.
_DATE_LINE = re.compile(
    r"^(?:(?:am|vom|stand|aktualisiert|veröffentlicht|erschienen)(?: am)?:?\s*)?"
    r"(?:[A-Za-zäÄ]+,?\s+)?\d{1,2}\.\s*(?:\d{1,2}\.|[A-Za-zäÄ]+\.?)\s*(?:\d{2,4})?"
    r"(?:,?\s*(?:um\s*)?\d{1,2}[:.]\d{2}(?:\s*uhr)?)?$",
    _I,
)
_WORD = re.compile(r"\w+")


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _squash(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


@dataclass(frozen=True)
class CleanupContext:
    """What the cleanup needs to know about the page besides the body."""

    titles: Sequence[str] = ()
    """Headline candidates (JSON-LD, og:title, `<h1>`): a block repeating one is not body."""
    authors: Sequence[str] = ()
    site_patterns: Sequence[re.Pattern[str]] = ()


def is_furniture(text: str, site_patterns: Iterable[re.Pattern[str]] = ()) -> bool:
    """True for a block that is page furniture: a fixed phrase, a caption/credit, a promo."""
    if FURNITURE.match(text) or any(p.search(text) for p in site_patterns):
        return True
    words = _words(text)
    if words <= 25 and _PROGRAMME_SLOT.match(text) and _DATE_OR_TIME.search(text):
        return True
    if words <= 25 and _CREDIT_START.search(text):
        return True
    if words <= 60 and (
        _CREDIT_END.search(text) or _CREDIT_PARENTHESES.search(text) or _COPYRIGHT_END.search(text)
    ):
        return True
    if words <= _PAYWALL_PROMPT_MAX_WORDS and _PAYWALL_PROMPT.search(text):
        return True
    if words <= _CALL_TO_ACTION_MAX_WORDS and _CALL_TO_ACTION.search(text):
        return True
    if words <= _APPEAL_MAX_WORDS and _APPEAL_ADDRESS.search(text) and _APPEAL_SUBJECT.search(text):
        return True
    return words <= _PROMO_MAX_WORDS and any(p.search(text) for p in _PROMO)


def _is_title_like(block: Block) -> bool:
    """A heading, a lead-in ending in ":" or a short line without a full stop."""
    return (
        block.kind == HEADING
        or block.text.endswith(":")
        or (_words(block.text) <= 10 and not re.search(r"[.!?…\"“”)]$", block.text))
    )


def _is_link_list(items: list[Block]) -> bool:
    linked = sum(item.link_share >= 0.6 for item in items)
    return linked >= max(1, len(items) / 2)


def _is_pointer(block: Block) -> bool:
    words = _words(block.text)
    if words > 30:
        return False
    if _POINTER.match(block.text) and (block.link_share >= 0.2 or block.text.startswith(">>")):
        return True
    return block.kind in (PARAGRAPH, HEADING) and block.link_share >= 0.8 and words <= 20


def _is_title(block: Block, titles: set[str]) -> bool:
    text = _squash(block.text)
    return bool(text) and any(
        text == title
        or (title in text and len(text) <= len(title) + 60)  # kicker + headline
        or (text in title and len(text) >= 0.5 * len(title))  # headline without its kicker
        for title in titles
    )


@dataclass
class CleanedBody:
    blocks: list[Block]
    """The blocks that are article text, in order."""
    dropped: list[tuple[str, str]]
    """(reason, text) of every block that was removed, for debugging a page."""
    scrambled: bool
    """Scrambled (obfuscated paywall) text was removed."""


def clean_blocks(blocks: list[Block], context: CleanupContext) -> CleanedBody:
    """Remove what is not article text from trafilatura's blocks."""
    reasons: list[str | None] = [None] * len(blocks)

    def kept(index: int) -> bool:
        return reasons[index] is None

    groups: dict[int, list[int]] = {}
    for index, block in enumerate(blocks):
        if block.kind == ITEM and block.group >= 0:
            groups.setdefault(block.group, []).append(index)
    for members in groups.values():
        if _is_link_list([blocks[i] for i in members]):
            for i in members:
                reasons[i] = "link list"

    for index, block in enumerate(blocks):
        if not kept(index):
            continue
        if is_furniture(block.text, context.site_patterns):
            reasons[index] = "furniture"
        elif _is_pointer(block):
            reasons[index] = "pointer"
        elif looks_scrambled(block.text):
            reasons[index] = "scrambled"

    # A heading or a lead-in line ("Mehr zum Thema:") whose content was all dropped.
    for index, block in enumerate(blocks):
        if not kept(index) or not _is_title_like(block):
            continue
        following = next((i for i in range(index + 1, len(blocks)) if kept(i)), None)
        removed_next = index + 1 < len(blocks) and not kept(index + 1)
        if (removed_next and _words(block.text) <= 15) and (
            following is None or blocks[following].kind == HEADING or block.kind != HEADING
        ):
            reasons[index] = "orphaned heading"

    # Before the text starts: the headline repeated, the dateline, the byline.
    titles = {_squash(t) for t in context.titles if t and _squash(t)}
    for index, block in enumerate(blocks):
        if not kept(index):
            continue
        if block.kind == PARAGRAPH and _words(block.text) > 12 and not _is_byline(block, context):
            break
        if _is_title(block, titles):
            reasons[index] = "headline"
        elif _DATE_LINE.match(block.text):
            reasons[index] = "dateline"
        elif _is_byline(block, context):
            reasons[index] = "byline"

    # Anywhere: the page header (kicker, headline) that trafilatura placed after the text.
    for index, block in enumerate(blocks):
        if kept(index) and _squash(block.text) in titles:
            reasons[index] = "headline"
            kicker = index - 1
            if kicker >= 0 and kept(kicker) and _words(blocks[kicker].text) <= 3:
                reasons[kicker] = "kicker"

    # After it ends: an author bio, headings with nothing under them.
    remaining = [i for i in range(len(blocks)) if kept(i)]
    names = [a for a in context.authors if " " in a]
    for index in reversed(remaining[-2:]):
        if _is_bio(blocks[index].text, names):
            reasons[index] = "author bio"
        else:
            break
    for index in reversed(remaining):
        if kept(index) and blocks[index].kind != HEADING:
            break
        if kept(index):
            reasons[index] = "trailing heading"

    seen: set[str] = set()
    for index, block in enumerate(blocks):
        if not kept(index):
            continue
        key = _squash(block.text)
        if key in seen and _words(block.text) >= 4:
            reasons[index] = "repeated"
        seen.add(key)

    return CleanedBody(
        blocks=[b for b, reason in zip(blocks, reasons, strict=True) if reason is None],
        dropped=[(r, b.text) for b, r in zip(blocks, reasons, strict=True) if r is not None],
        scrambled="scrambled" in reasons,
    )


def _is_byline(block: Block, context: CleanupContext) -> bool:
    """A short line naming an author together with a date or a "Von" ("Veröffentlicht am
    14.10.2021 um 09:15 Uhr von Lars Janßen", "Von Anna Petersen | 20.01.2022")."""
    text = block.text
    if _words(text) > 20 or not any(name in text for name in context.authors if name):
        return False
    return bool(_DATE_OR_TIME.search(text) or re.match(r"^von\b", text, _I))


def _is_bio(text: str, names: Sequence[str]) -> bool:
    """An author bio closing the article ("Ulrich Exner ist Korrespondent ...")."""
    return _words(text) <= 80 and any(n in text for n in names) and bool(_BIO_ROLE.search(text))
