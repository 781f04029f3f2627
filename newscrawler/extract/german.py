"""What German news sites write between the paragraphs of an article, in German words.

Every pattern here reads German phrases ("zur Startseite", "Lesen Sie auch", "Foto:", month
names, "Von" before a name). The cleanup applies them only to pages whose text reads as German
(`newscrawler.extract.language.is_german`): the same words mean nothing, or something else, in
other languages, and a German rule let loose on a Spanish page deletes Spanish text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from newscrawler import dates
from newscrawler.text import UNLIKE_THEIR_LOWER_CASE

_I = re.IGNORECASE
_WORD = re.compile(r"\w+")

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
    r"[-–]?\s*(?:aktualisiert|veröffentlicht|erschienen|stand)(?: am)?:?)$",
    _I,
)

# A broadcast slot after "Dieses Thema im Programm:": "NDR 1 Welle Nord | 12.05.2024 | 14:00 Uhr".
_PROGRAMME_SLOT = re.compile(r"^(?:[^|]{1,60}\|){2,}[^|]{0,60}$")

# Captions and credits: short blocks that start or end with a credit.
_CREDIT_START = re.compile(
    r"^(?:fotos?|bild(?:er)?|grafik|illustration|video|quelle|symbolbild|archivbild|"
    r"archivfoto|titelbild|bildquelle)\s*:",
    _I,
)
_CREDIT_END = re.compile(r"(?:[.!?“\"]\s+|\s)(?:fotos?|bild|foto/grafik)\s*:\s*[^.!?]{2,80}$", _I)
_CREDIT_PARENTHESES = re.compile(r"\((?:fotos?|bild|quelle)\s*:[^)]{2,80}\)\s*$", _I)


@lru_cache(maxsize=1024)
def _lower_case(text: str) -> str | None:
    """The text in lower case when a needle's `in` test on it answers as a case-insensitive
    search does (no character of `UNLIKE_THEIR_LOWER_CASE`), else None. Once a block: every
    guarded test reads it."""
    if any(character in text for character in UNLIKE_THEIR_LOWER_CASE):
        return None
    return text.lower()


def _guarded(pattern: str, needles: tuple[str, ...]) -> Callable[[str], bool]:
    """A case-insensitive search for `pattern`, tried only on a text containing one of
    `needles` (lower-case, also case-insensitive). Every branch of `pattern` spells one of the
    needles out, so a text without any cannot match: the same answer, cheaper, because sre
    scans for one literal in C but tries an alternation at every position of the text
    (`is_furniture` on the 794 blocks of both dev sets: 39 ms against 75 ms; promos 26
    against 66), and `in` on the lower-cased block is cheaper still."""
    full = re.compile(pattern, _I).search
    assert all(needle == needle.lower() for needle in needles)
    needle_tests = [re.compile(re.escape(needle), _I).search for needle in needles]

    def search(text: str) -> bool:
        lower_case = _lower_case(text)
        if lower_case is not None:
            found = any(needle in lower_case for needle in needles)
        else:
            found = any(test(text) for test in needle_tests)
        return found and full(text) is not None

    return search


# Promotional or navigational blocks, recognised by what they say to the reader.
_PROMO: tuple[Callable[[str], object], ...] = (
    _guarded(
        r"newsletter.{0,300}(?:anmeld|abonnier|bestell|registrier|kostenlos|postfach|hier geht)|"
        r"(?:anmeld|abonnier|bestell|registrier).{0,200}newsletter",
        ("newsletter",),
    ),
    _guarded(
        r"\bunsere[rn]? (?:kostenlose[n]? )?(?:[\w-]+-)?apps?\b|"
        r"(?:laden|holen) sie .{0,60}\bapps?\b",
        ("app",),
    ),
    _guarded(r"(?:folgen sie|folgt) uns (?:auf|bei)", ("folg",)),
    # a literal first (sre scans for it in C) or anchored: cheap as they are
    re.compile(r"hier geht(?:'|’)?s zu(?:r|m)? ", _I).search,
    _guarded(
        r"affiliate-links?|(?:erhalten|bekommen) wir (?:eine |ggf\. )?provision",
        ("affiliate-link", "provision"),
    ),
    # consent placeholders of embedded posts, videos and charts
    _guarded(
        r"(?:externe[rn]? inhalt|redaktioneller inhalt|inhalt(?:e)? von (?:youtube|twitter|x|"
        r"instagram|facebook|tiktok|spotify|datawrapper|podigee|glomex)).{0,300}"
        r"(?:datenschutz|zustimm|einverstanden|aktivier|anzeigen|laden|akzeptier)|"
        r"einverstanden, dass (?:mir )?(?:externe|inhalte)",
        ("inhalt", "einverstanden, dass"),
    ),
    re.compile(
        r"^dieser (?:artikel|beitrag|text) (?:ist|erschien|wurde) (?:zuerst|ursprünglich)", _I
    ).search,
    re.compile(r"^mit informationen (?:von|der|aus) ", _I).search,
    re.compile(r"partnermarke", _I).search,
)
_PROMO_MAX_WORDS = 70
# The disclaimer under articles about money ("Aktien … sind mit einem Risiko verbunden. Auch ein
# Totalverlust … Dies ist keine Anlageberatung."), and its lead-in.
_DISCLAIMER = _guarded(
    r"totalverlust|keine (?:anlage|kauf|verkaufs)(?:beratung|empfehlung)|^bitte beachten:?$",
    ("totalverlust", "keine ", "bitte beachten"),
)
_DISCLAIMER_MAX_WORDS = 80
# The list of sources under an article ("Verwendete Quellen: Eigene Recherche, dpa").
SOURCE_ITEM = re.compile(
    r"^(?:eigene recherchen?|nachrichtenagentur(?:en)?\b.*|mit material (?:von|der)\b.*)$", _I
)
# Paywall prompts: only as short lines, the words also occur in articles about subscriptions.
_PAYWALL_PROMPT = _guarded(
    r"(?:jetzt|hier) (?:weiter)?lesen mit|weiterlesen mit|(?:jetzt|zum) abo(?:nnement)?$|"
    r"abo abschließen|sie haben bereits ein (?:abo|abonnement)|nur für abonnenten|"
    r"jetzt (?:\d+ )?(?:wochen|monate|tage) (?:für|gratis|kostenlos)|(?:jetzt|hier) anmelden$",
    ("lesen mit", "abo", "jetzt ", "anmelden"),
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
_APPEAL_ADDRESS = _guarded(
    r"jetzt unterstützen|unterstützen sie (?:uns|unsere|die|den|unabhängigen|freien|guten)|"
    r"(?:freiwillig|solidarisch) (?:zahlen|bezahlen)",
    ("unterstützen", "zahlen"),
)
_APPEAL_SUBJECT = re.compile(
    r"journalismus|zeitung|redaktion|abo\b|abonnement|spende|zahl ich|beitrag|recherche", _I
)
_APPEAL_MAX_WORDS = 160
POINTER = re.compile(
    r"^(?:lesen sie (?:auch|hier|mehr)|auch interessant|mehr (?:dazu|zum thema)|"
    r"zum (?:artikel|thema|beitrag|video|liveblog|newsblog|ticker)|lesetipp|passend dazu|"
    r"weiterlesen|hier lesen sie|mehr informationen|mehr zu|siehe auch|"
    r"alles (?:zum|zur|über)|jetzt (?:anhören|ansehen|lesen))\b",
    _I,
)
_BIO_ROLE = re.compile(
    r"redakteur|korrespondent|reporter|autor|ressort|volontär|journalist|kolumnist|redaktion|"
    r"schreibt (?:seit|für|über)|arbeitet (?:seit|für|als)",
    _I,
)
VON = re.compile(r"^von\b", _I)


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _programme_slot(text: str) -> bool:
    return bool(_PROGRAMME_SLOT.match(text) and dates.mentions_date_or_time(text))


def _appeal(text: str) -> bool:
    return _APPEAL_ADDRESS(text) and bool(_APPEAL_SUBJECT.search(text))


def _promo(text: str) -> bool:
    return any(promo(text) for promo in _PROMO)


def _credit_end(text: str) -> bool:
    # every credit has its colon: a membership test in C before a regex tried at every blank
    return ":" in text and _CREDIT_END.search(text) is not None


# (longest block in words, test): a block is furniture when it is no longer and the test holds.
_FURNITURE_TESTS: tuple[tuple[int, Callable[[str], object]], ...] = (
    (25, _programme_slot),
    (25, _CREDIT_START.search),
    (60, _credit_end),
    (60, _CREDIT_PARENTHESES.search),
    (_PAYWALL_PROMPT_MAX_WORDS, _PAYWALL_PROMPT),
    (_CALL_TO_ACTION_MAX_WORDS, _CALL_TO_ACTION.search),
    (_DISCLAIMER_MAX_WORDS, _DISCLAIMER),
    (_APPEAL_MAX_WORDS, _appeal),
    (_PROMO_MAX_WORDS, _promo),
)


def is_furniture(text: str) -> bool:
    """A German block that is page furniture: a fixed phrase, a caption or credit, a promo, a
    paywall prompt, a disclaimer, an appeal to pay."""
    if FURNITURE.match(text) or dates.date_line_label(text):  # "Stand: 21.01.2022, 12:31 Uhr"
        return True
    words = _words(text)
    return any(words <= longest and test(text) for longest, test in _FURNITURE_TESTS)


def is_bio(text: str, names: Sequence[str]) -> bool:
    """An author bio closing the article ("Ulrich Exner ist Korrespondent ...")."""
    return _words(text) <= 80 and any(n in text for n in names) and bool(_BIO_ROLE.search(text))
