"""What the regional press is made of: the agencies an article credits, the places of its
dateline and the local edition the site files it under. Pure functions over strings, blocks
and the parsed `Document`.

- Agencies (`dpa`, `AFP`, `Reuters`, ...; regional services count as their agency: `dpa/lno`,
  `lno` → `dpa`, `rtr` → `Reuters`) are read where a page credits them: the dateline
  ("Kiel (dpa) –"), the authors ("Anna Muster, dpa"), a tag line ("AFP/dpa/aerz", "(dpa)"),
  JSON-LD author, creator and sourceOrganization, and on German pages the credit lines
  ("Mit Material von dpa", "Quelle: epd"). Never from running text ("wie AFP berichtet") or an
  image credit ("Foto: dpa"). Agency names are recognised in any language; the German credit
  phrases act on German pages only.
- The dateline is the place line that opens the text ("Kiel (dpa) –", "GENF. ", "Flensburg/Husum
  |"); `strip_dateline` is the pass that takes it off the body's first paragraph, so the text
  starts where the reporter's sentence starts. A dateline without an agency and in mixed case
  ("Berlin. Die …", "Wien – Die …") is read on German pages only: in other languages a
  capitalised word before a full stop is as likely the first sentence.
- The local edition comes from the URL's local section (`/lokales/flensburg/`), spelled as the
  site profile, the breadcrumbs or the section write it ("Lübeck", not "Luebeck").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from newscrawler.extract import jsonld
from newscrawler.extract.body import PARAGRAPH, Block
from newscrawler.extract.document import Document
from newscrawler.sites import profile_for_url

# --- Agencies ----------------------------------------------------------------------------------

AGENCIES: Mapping[str, str] = {
    **dict.fromkeys(("dpa", "dpa-infocom", "dpa-tmn", "tmn", "dpa-news"), "dpa"),
    **dict.fromkeys(("afp", "sid-afp"), "AFP"),
    **dict.fromkeys(("reuters", "rtr"), "Reuters"),
    **dict.fromkeys(("ap", "apn"), "AP"),
    "epd": "epd", "kna": "KNA", "dts": "dts", "sid": "SID",
    **dict.fromkeys(("dpa-afx", "afx"), "dpa-AFX"),
    "apa": "APA",
    **dict.fromkeys(("keystone-sda", "sda", "sda-ats", "ats", "keystone-ats"), "Keystone-SDA"),
    "rnd": "RND", "ddp": "ddp", "dapd": "dapd", "kathpress": "Kathpress",
    "ansa": "ANSA", "efe": "EFE", "xinhua": "Xinhua", "tass": "TASS", "upi": "UPI",
    "anp": "ANP", "belga": "Belga", "pap": "PAP", "čtk": "ČTK", "ctk": "ČTK", "mti": "MTI",
    "kyodo": "Kyodo", "yonhap": "Yonhap", "bloomberg": "Bloomberg", "interfax": "Interfax",
}  # fmt: skip
"""Agency codes as pages write them (case-folded) → the spelling the item uses."""

DPA_REGIONAL_SERVICES = frozenset(
    {"lno", "lni", "lmv", "lbn", "lnw", "lhe", "lrs", "lsw", "lby", "lsn", "lsa", "lah", "lth"}
)
"""dpa's regional services (Landesdienste): `dpa/lno` is dpa's northern service."""

_FULL_NAMES = (
    (re.compile(r"deutschen? presse-?agentur", re.I), "dpa"),
    (re.compile(r"agence france[- ]presse", re.I), "AFP"),
    (re.compile(r"\bassociated press\b", re.I), "AP"),
    (re.compile(r"\bthomson reuters\b|\breuters\b", re.I), "Reuters"),
    (re.compile(r"evangelische[nr]? pressedienst", re.I), "epd"),
    (re.compile(r"katholischen? nachrichten-?agentur", re.I), "KNA"),
    (re.compile(r"sport-informations-dienst", re.I), "SID"),
    (re.compile(r"austria presse agentur", re.I), "APA"),
    (re.compile(r"redaktionsnetzwerk deutschland", re.I), "RND"),
    (re.compile(r"\bkeystone-sda\b", re.I), "Keystone-SDA"),
)
"""Agencies' full names, as organisations call themselves in JSON-LD."""

_UPPER_ONLY = frozenset({"ap", "ats", "anp", "upi", "mti", "pap", "efe"})
"""Codes that are also words or names in some language ("ap", "Pap"): an agency only as
written by agencies, in capitals, outside a parenthesis or tag line."""

_TAG_SEPARATORS = re.compile(r"\s*[/,;+&]\s*|\s+(?:und|and|u\.)\s+")
_INITIALS = re.compile(r"^[a-zäöü]{2,5}$")
"""Editors' initials after the agencies ("AFP/dpa/aerz")."""


def agency(token: str, *, in_tag: bool = True) -> str | None:
    """The agency a code names ("dpa", "lno" → "dpa", "rtr" → "Reuters"), None if it names
    none. Outside a tag (`in_tag` False), codes that are also words count only in capitals."""
    token = token.strip(" .:()[]")
    key = token.casefold()
    if key in DPA_REGIONAL_SERVICES or (
        key.startswith("dpa-") and key[4:] in DPA_REGIONAL_SERVICES
    ):
        return "dpa"
    name = AGENCIES.get(key)
    if name is not None and not in_tag and key in _UPPER_ONLY and token != token.upper():
        return None
    return name


def tag_agencies(text: str) -> list[str]:
    """The agencies of a tag such as "dpa/lno", "AFP/dpa/aerz", "dpa, AFP", "Reuters/AP":
    each part an agency code, or an editor's initials after one; at least one agency. [] for
    anything else ("Saale", "Foto: dpa", "so die dpa")."""
    parts = [p for p in _TAG_SEPARATORS.split(text.strip(" ()[]")) if p]
    if not parts or len(parts) > 6:
        return []
    found: list[str] = []
    for part in parts:
        name = agency(part)
        if name is not None:
            found.append(name)
        elif not (found and _INITIALS.match(part)):
            return []
    return _unique(found)


def name_agencies(name: str) -> list[str]:
    """The agencies an author or organisation name credits: a code or a tag ("dpa",
    "dpa/lno", "Anna Muster/dpa"), or an agency's full name; [] for a person ("Sid Meier",
    "Max Reuter")."""
    direct = tag_agencies(name)
    if direct:
        return direct
    # "Anna Muster/RND": a person and an agency after a slash
    *_, last = re.split(r"\s*/\s*", name)
    if last != name:
        tail = agency(last, in_tag=False)
        if tail:
            return [tail]
    return _unique(a for pattern, a in _FULL_NAMES if pattern.search(name))


_BYLINE_LEAD = re.compile(r"^\s*(?:von|by|text|autor(?:in)?)\s*:?\s+", re.I)
_BYLINE_PARTS = re.compile(r"\s*(?:[,;|&]|\s(?:und|and|sowie)\s)\s*")


def byline_agencies(text: str) -> list[str]:
    """The agencies a byline credits ("Von Anna Muster, dpa", "Anna Muster/RND", "Von Max
    Beispiel (dpa)"); [] for bylines of people only ("Von Max Reuter", "Sid Meier")."""
    if len(text) > 200:
        return []
    found = [a for tag in _PARENTHESIS.findall(text) for a in tag_agencies(tag)]
    text = _BYLINE_LEAD.sub("", _PARENTHESIS.sub(" ", text))
    found += [a for part in _BYLINE_PARTS.split(text) if part for a in name_agencies(part)]
    return _unique(found)


_AGENCY_LINE = re.compile(r"^\(?\s*([\w./,;+&\s-]{2,60}?)\s*\)?\.?$")
_TRAILING_TAG = re.compile(r"\(([\w./,;+&\s-]{2,40})\)\s*$")


def agency_line(text: str) -> list[str]:
    """The agencies of a line that is nothing but an agency tag ("(dpa)", "AFP/dpa/aerz",
    "dpa/lno"), or of a tag in parentheses closing a paragraph ("… sagte er. (dpa)")."""
    if len(text) > 300:
        text = text[-60:]
    line = _AGENCY_LINE.match(text)
    if line and len(text) <= 60:
        return tag_agencies(line.group(1))
    closing = _TRAILING_TAG.search(text)
    return tag_agencies(closing.group(1)) if closing else []


_CREDIT = re.compile(
    r"\b(?:mit (?:material|informationen) (?:von|der|des)|"
    r"mit agenturmaterial(?: von| der)?|unter verwendung von material (?:von|der)|"
    r"quellen?\s*:|material\s*:|agenturen\s*:)\s*(?P<names>[^.!?]{2,120})",
    re.I,
)
_CREDIT_NOISE = re.compile(
    r"\b(?:der|den|die|des|nachrichtenagentur(?:en)?|agentur(?:en)?|sowie|und|and)\b", re.I
)


def credit_agencies(text: str, *, german: bool) -> list[str]:
    """German pages: the agencies of a credit or source line ("Mit Material von dpa und AFP",
    "Quelle: epd", "Mit Material der Nachrichtenagenturen dpa, Reuters"); [] elsewhere and for
    lines naming no agency ("Quelle: eigene Recherche")."""
    if not german or len(text) > 400:
        return []
    found = []
    for credit in _CREDIT.finditer(text):
        names = _CREDIT_NOISE.sub(" ", credit.group("names"))
        for part in re.split(r"[\s,;/&+]+", names):
            name = agency(part) if part else None
            if name:
                found.append(name)
        found += [a for pattern, a in _FULL_NAMES if pattern.search(credit.group("names"))]
    return _unique(found)


def jsonld_agencies(doc: Document) -> list[str]:
    """Agencies the page's JSON-LD credits: author, creator and sourceOrganization entries."""
    names = []
    for key in ("author", "creator", "sourceOrganization"):
        names += [name for name, _ in jsonld.person_names(doc.ld(key), doc.ids)]
    return _unique(a for name in names for a in byline_agencies(name))


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


# --- Datelines ---------------------------------------------------------------------------------

_CAP = r"[A-ZÄÖÜÀ-ÞĀ-Ž][\wÀ-ÿĀ-ž'’]*(?:-[\wÀ-ÿĀ-ž'’]+)*"
_PARTICLE = r"(?:am|an|im|in|ob|bei|vor|auf|der|den|dem|unter|upon|on|de|del|di|da|la|le|les|sur)"
_SAINT = r"(?:S[Tt]\.\s?)"
_ONE_PLACE = (
    rf"{_SAINT}?{_CAP}(?:\s(?:{_PARTICLE}\s){{0,2}}{_SAINT}?{_CAP}){{0,2}}"
    r"(?:\s\([A-ZÄÖÜ][\w.]*\))?"
)
_PLACES = re.compile(rf"{_ONE_PLACE}(?:\s?/\s?{_ONE_PLACE})*")
_QUALIFIERS = frozenset({
    "main", "m", "m.", "oder", "o", "o.", "saale", "s", "s.", "ruhr", "donau", "weinstraße",
    "holstein", "havel", "elbe", "rhein", "lahn", "opf.", "inn", "isar", "spree", "neckar",
    "mosel", "fils", "westf.", "dosse", "ostfriesland", "oldenburg", "breisgau",
})  # fmt: skip
"""What follows a slash in one place's name ("Frankfurt/Main", "Halle/Saale"): not a second
place."""
_SEPARATOR = r"(?:\s*[–—|]\s*|\s+-\s+|\s*:\s+|\.\s+(?=[A-ZÄÖÜ„\"»0-9]))"
_PARENTHESIS = re.compile(r"\(([^()]{1,40})\)")
_AFTER_TAG = re.compile(r"\s*(?:[–—|:]+|-+|\.)?\s*")
_TEXT_STARTS = re.compile(r"^\s*(?:[–—|:.-]|[A-ZÄÖÜ„\"»0-9]|$)")
"""After a dateline's agency tag: a separator or a sentence ("Kiel (dpa) Die …"); not running
text ("Laut der Deutschen Presse-Agentur (dpa) hat …")."""
_PLAIN_DATELINE = re.compile(rf"^(?P<places>{_PLACES.pattern})(?P<sep>{_SEPARATOR})(?=\S)")
_NOT_A_PLACE = frozenset({
    "achtung", "also", "aber", "aus", "bitte", "danke", "dann", "doch", "eben", "endlich",
    "erst", "fazit", "genau", "gestern", "gut", "hallo", "heute", "immerhin", "ja", "jetzt",
    "klar", "morgen", "nein", "nun", "okay", "schluss", "stopp", "tja", "trotzdem", "vorsicht",
    "update", "eilmeldung", "exklusiv", "kommentar", "analyse", "interview", "meinung",
    "liveblog", "live", "video", "neu", "breaking", "exclusive", "laut", "nach", "wegen",
    "seit", "mit", "von", "für", "according", "der", "die", "das", "ein", "eine", "es", "er",
    "sie", "wir", "ich", "ihr", "man", "wer", "was", "wie", "wo", "warum", "wann",
})  # fmt: skip
_MAX_DATELINE = 80


@dataclass(frozen=True)
class Dateline:
    """The dateline opening a text: its places, the agencies it names, and the text after it."""

    places: tuple[str, ...]
    agencies: tuple[str, ...]
    prefix: str
    """The dateline as written, separator included ("Kiel (dpa) – ")."""
    rest: str


def _title_case(word: str) -> str:
    if not word.isupper() or len(word) < 2:
        return word
    return "-".join(part.capitalize() for part in word.split("-"))


def _place_names(text: str) -> list[str] | None:
    """The places of a dateline's place part ("Flensburg/Husum", "BAD SEGEBERG",
    "Frankfurt/Main", "KATHMANDU, April 25"), None if it does not read as places."""
    text = text.split(",", maxsplit=1)[0].strip().rstrip(".")
    if not text or not _PLACES.fullmatch(text):
        return None
    places: list[str] = []
    for part in re.split(r"\s?/\s?", text):
        name = " ".join(_title_case(word) for word in part.split())
        if places and part.casefold() in _QUALIFIERS:
            places[-1] += f"/{name}"
        elif part.split()[0].casefold() in _NOT_A_PLACE:
            return None
        else:
            places.append(name)
    return places


def read_dateline(text: str, *, german: bool) -> Dateline | None:
    """The dateline opening `text`: "Kiel (dpa) – Die …" (places ["Kiel"], agencies ["dpa"],
    rest "Die …"), "(dpa/lno) …", "GENF. Die …", "Flensburg/Husum | Die …"; on German pages
    also "Berlin. Die …" and "Wien – Die …". None when the text opens with no dateline."""
    head = text[: _MAX_DATELINE + 40]
    for tag in _PARENTHESIS.finditer(head):
        if tag.start() > _MAX_DATELINE:
            break
        agencies = tag_agencies(tag.group(1))
        if not agencies or not _TEXT_STARTS.match(text[tag.end() :]):
            continue
        before = head[: tag.start()].strip()
        places = _place_names(before) if before else []
        if places is None:
            return None
        end = _AFTER_TAG.match(text, tag.end()).end()  # type: ignore[union-attr]
        return Dateline(tuple(places), tuple(agencies), text[:end], text[end:])
    plain = _PLAIN_DATELINE.match(head)
    if plain is None:
        return None
    places_text, separator = plain.group("places"), plain.group("sep").strip()
    shouted = places_text.upper() == places_text and len(places_text) > 2
    if not shouted and not (german and separator in (".", "|")):
        return None
    places = _place_names(places_text)
    if not places:
        return None
    return Dateline(tuple(places), (), text[: plain.end()], text[plain.end() :])


def strip_dateline(
    blocks: Sequence[Block], *, german: bool
) -> tuple[Dateline | None, dict[int, Block]]:
    """The dateline pass: the dateline of the text's first paragraph (or of the second, after
    a teaser), and that paragraph without it (by index; a paragraph that is only the dateline
    is left empty and dropped by the caller)."""
    paragraphs = [i for i, b in enumerate(blocks) if b.kind == PARAGRAPH][:2]
    for index in paragraphs:
        found = read_dateline(blocks[index].text, german=german)
        if found is not None:
            return found, {index: replace(blocks[index], text=found.rest.strip())}
    return None, {}


# --- Local edition -----------------------------------------------------------------------------

_LOCAL_SEGMENTS = frozenset(
    {"lokales", "lokal", "region", "regional", "regionales", "lokalnachrichten", "aus-der-region"}
)
_NOT_EDITIONS = frozenset({"artikel", "article", "news", "nachrichten", "index", "themen"})
_SLUG_CHARS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(name: str) -> str:
    """A name as a URL slug: "Lübeck" → "luebeck", "Bad Oldesloe" → "bad-oldesloe"."""
    text = unicodedata.normalize("NFC", name).casefold().translate(_SLUG_CHARS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _url_edition(url: str) -> str | None:
    """The slug after a local section in the URL's path (`/lokales/flensburg/artikel/…`); not
    the article's own slug (the last segment)."""
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    for position, segment in enumerate(segments[:-2]):
        if segment.casefold() in _LOCAL_SEGMENTS:
            candidate = segments[position + 1].casefold()
            if candidate not in _NOT_EDITIONS and not re.search(r"\d{4,}|\.html?$", candidate):
                return candidate
    return None


def _crumb_edition(crumbs: Sequence[str]) -> str | None:
    """The crumb after "Lokales" / "Region" ("Startseite > Lokales > Flensburg")."""
    for position, name in enumerate(crumbs[:-1]):
        if slug(name) in _LOCAL_SEGMENTS:
            return crumbs[position + 1]
    return None


def local_edition(
    url: str,
    crumbs: Sequence[str],
    section: str | None,
    editions: Mapping[str, str],
) -> str | None:
    """The local edition the site files the article under, as the site spells it: from the
    URL's local section, spelled by the site profile's `editions` (slug → name), else by a
    breadcrumb or section part with the same slug, else the slug in words; without a local
    section in the URL, the breadcrumb after "Lokales". None for national news."""
    names = [*crumbs, *(section.split("/") if section else [])]
    names = [n.strip() for n in names if n.strip()]
    found = _url_edition(url)
    if found is None:
        return _crumb_edition(crumbs)
    if found in editions:
        return editions[found]
    spelled = next((n for n in names if slug(n) == found), None)
    return spelled or " ".join(w.capitalize() for w in found.split("-"))


# --- The page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Newsroom:
    """What the newsroom pass read from a page, and the body's blocks without the dateline."""

    agencies: list[str]
    dateline: list[str]
    local_edition: str | None
    blocks: list[Block]


_CREDIT_REASONS = frozenset({"furniture", "byline", "source list", "signature", "dateline"})
"""Blocks the cleanup removed that may credit the article (not captions: "Foto: dpa")."""


def read_newsroom(
    doc: Document,
    blocks: Sequence[Block],
    removed: Sequence[tuple[str, str]],
    authors: Sequence[str],
    *,
    german: bool,
    section: str | None,
) -> Newsroom:
    """Agencies, dateline and local edition of a page, from the body's `blocks`, the (reason,
    text) of the blocks the cleanup `removed` and the `authors`; the blocks come back without
    the dateline (the teaser keeps it: it is the lead as the site shows it)."""
    dateline, changed = strip_dateline(blocks, german=german)
    kept = [changed.get(i, b) for i, b in enumerate(blocks)]
    kept = [b for b in kept if b.text]
    found = list(dateline.agencies) if dateline else []
    found += [a for name in authors for a in name_agencies(name)]
    found += jsonld_agencies(doc)
    credits = [text for reason, text in removed if reason in _CREDIT_REASONS]
    found += [a for reason, text in removed if reason == "byline" for a in byline_agencies(text)]
    for text in [*credits, *(b.text for b in kept[-3:])]:
        found += agency_line(text) + credit_agencies(text, german=german)
    crumbs = [name for name, _ in jsonld.breadcrumbs(doc.nodes)]
    profile = profile_for_url(doc.url)
    editions = dict(profile.local_editions) if profile else {}
    return Newsroom(
        agencies=_unique(found),
        dateline=list(dateline.places) if dateline else [],
        local_edition=local_edition(doc.url, crumbs, section, editions),
        blocks=kept,
    )
