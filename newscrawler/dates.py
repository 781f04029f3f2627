"""Dates, in one place: raw date strings as news pages show them -> ISO 8601, and our ISO
strings -> aware datetimes.

`normalize_date` reads what a German (or Austrian, Swiss) news page or feed shows as a date
("Von X | Fr., 21.01.2022, 12:31 Uhr", "Stand: 21. Jänner 2022 12.31 Uhr MEZ",
"2022-01-21T11:31:00Z", "Fri, 21 Jan 2022 11:31:00 GMT", "vor 5 Minuten", "gestern, 18:05 Uhr")
and returns one canonical value:

- the time is known: ISO 8601 with the Europe/Berlin offset of that instant, to the second
  (`2022-01-21T12:31:00+01:00`); values that carry their own offset or zone name are converted;
- only the day is known: `YYYY-MM-DD`, never a made-up midnight;
- no date: `None`.

`to_datetime` turns such a value (and any ISO 8601 string of ours: `crawled_at`, the state's
times) back into an aware datetime; every string-to-datetime conversion outside extraction
goes through it.

A bare day (`2022-01-21`) is a calendar day in Berlin. Where an instant is needed (compared
with a crawl time, a `-a days` cutoff, a listing's `lastmod`, the time of our last fetch), it
means the start of that day in Berlin: `2022-01-21T00:00:00+01:00`. That is the earliest
moment the day can mean, so a bare day is never judged later than it may be: it is
plausible on the day of the crawl (`is_plausible_published`), and a page dated only by the
cutoff's day counts as older than the cutoff.

Rules (the same on every path):

- Naive values are Berlin wall-clock time. A wall time that does not exist (spring-forward gap,
  2022-03-27 02:30) is read with the offset in force before the switch, i.e. as the instant
  03:30+02:00; a wall time that occurs twice (fall-back, 2022-10-30 02:30) is the first
  occurrence, +02:00. This is Python's `fold=0` (PEP 495). A zone label such as "MEZ" or "+01:00"
  always wins over both rules.
- The first valid date in the string counts, with the time written right after it (or right
  before it: "12:31 Uhr, 21.01.2022"). A time that cannot be a time ("25:99") leaves the day.
- Numeric dates are day-first. Two-digit years are 20yy unless that is more than a year ahead of
  `now`, then 19yy. A missing year is the most recent one in which that day is not more than one
  day after `now` (the day of grace absorbs time zones and clock skew).
- Date-shaped text that is no date ("32. Januar 2022", "21.13.2022") gives `None`; so does a bare
  time without a day ("12:31 Uhr"), a month without a day ("Januar 2022") and relative amounts
  coarser than a day ("vor 3 Monaten").
- Relative times ("vor 5 Minuten", "vor 2 Std.") are `now` minus the amount, to the second;
  "vor 3 Tagen", "heute", "gestern", "vorgestern" are days in Berlin.
- Only ASCII digits count, and only the first `MAX_SCAN_CHARS` characters are read, so huge or
  hostile input costs microseconds.

Speed: common formats go through compiled regular expressions only (a few microseconds). What
they do not recognise goes to dateparser if it has a four-digit year or a month name; dateparser
is imported lazily, reads absolute dates only, strictly (day, month and year must all be
present), and is some 100x slower. See benchmarks/dates.py.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, Final
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

BERLIN: Final = ZoneInfo("Europe/Berlin")

MAX_SCAN_CHARS: Final = 500
"""Only this many characters from the start of a raw value are read (a byline is far shorter)."""

EARLIEST_PUBLISHED: Final = date(1995, 1, 1)
"""No German news site published online before this day: earlier published dates are wrong."""

MAX_CLOCK_SKEW: Final = timedelta(hours=2)
"""How far after the crawl a published time may lie and still be believed. Two hours, not a
few minutes: besides clocks that run ahead, CMSes often label Berlin wall time as UTC ("Z"),
which puts a fresh article up to two hours into the future while its day is still right."""

_MIN_YEAR, _MAX_YEAR = 1900, 2199
_FALLBACK_CHARS = 64  # dateparser sees at most this much: it is slow and guesses on long text

# --- Vocabulary -------------------------------------------------------------------------------

_MONTHS: Final = {
    **dict.fromkeys(["januar", "jänner", "jaenner", "janner", "jän", "jan", "january"], 1),
    **dict.fromkeys(["februar", "feber", "febr", "feb", "february"], 2),
    **dict.fromkeys(["märz", "maerz", "marz", "mär", "mrz", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mai", "may"], 5),
    **dict.fromkeys(["juni", "jun", "june"], 6),
    **dict.fromkeys(["juli", "jul", "july"], 7),
    **dict.fromkeys(["august", "aug"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "okt", "october", "oct"], 10),
    **dict.fromkeys(["november", "nov"], 11),
    **dict.fromkeys(["dezember", "dez", "december", "dec"], 12),
}
_WEEKDAYS: Final = [
    "montag", "mo", "dienstag", "di", "mittwoch", "mi", "donnerstag", "do", "freitag", "fr",
    "samstag", "sa", "sonntag", "so", "monday", "mon", "tuesday", "tue", "wednesday", "wed",
    "thursday", "thu", "friday", "fri", "saturday", "sat", "sunday", "sun",
]  # fmt: skip
# Offsets of the zone names that appear next to times: German and central European names and
# those of RFC 822. Not "WEST" & co.: "12:31 West-Berlin" would read as a zone.
_ZONE_HOURS: Final = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wez": 0,
    "mez": 1, "cet": 1, "wesz": 1, "mesz": 2, "cest": 2, "oez": 2, "oesz": 3,
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}  # fmt: skip
_NUMBER_WORDS: Final = {
    **dict.fromkeys(["ein", "eine", "einer", "einem", "einen", "a", "an", "one"], 1),
    "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
    "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
}  # fmt: skip
# Units of relative amounts; None: coarser than a day, so no day can be named.
_UNITS: Final[dict[str, timedelta | None]] = {
    **dict.fromkeys(["sekunden", "sekunde", "sek", "seconds", "second", "secs", "sec"],
                    timedelta(seconds=1)),
    **dict.fromkeys(["minuten", "minute", "min", "minutes", "mins"], timedelta(minutes=1)),
    **dict.fromkeys(["stunden", "stunde", "std", "h", "hours", "hour", "hrs", "hr"],
                    timedelta(hours=1)),
    **dict.fromkeys(["tagen", "tage", "tag", "days", "day"], timedelta(days=1)),
    **dict.fromkeys(["wochen", "woche", "weeks", "week"], timedelta(weeks=1)),
    **dict.fromkeys(["monaten", "monate", "monat", "months", "month",
                     "jahren", "jahre", "jahr", "years", "year"], None),
}  # fmt: skip
_DAY_WORDS: Final = {"heute": 0, "today": 0, "gestern": 1, "yesterday": 1, "vorgestern": 2}


def _words(words: Any) -> str:
    """Regex alternation of words, longest first, that must not run on into further letters."""
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return f"(?:{alternatives})(?![^\\W\\d_])"


_MON = _words(_MONTHS)
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"

# --- Patterns ---------------------------------------------------------------------------------
# Input is whitespace-collapsed first, so " " and " ?" stand for any run of white space. No
# pattern nests quantifiers: matching stays linear however hostile the text.

_ZONE = (
    # not a time range: "12:31-14:00 Uhr"
    r"(?P<zone>(?:utc|gmt) ?[+-](?:1[0-4]|0?[0-9])(?::?[0-5][0-9])?(?![0-9]| ?uhr\b)"
    r"|[+-](?:0[0-9]|1[0-4])(?::?[0-5][0-9])?(?![0-9.:]| ?uhr\b)"
    r"|" + _words(_ZONE_HOURS) + ")"
)
_TIME = re.compile(
    r"(?<![0-9.:])(?P<hour>[0-9]{1,2})"
    r"(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]{1,9})?)?(?![0-9])"
    # 12.31 (Uhr), but not the start of a date: "21.01.2022 21.01.2022"
    r"|\.(?P<dot_minute>[0-9]{2})(?!\.?[0-9])"
    r"|(?= ?(?:uhr\b|(?-i:AM|PM|pm)\b|[ap]\.m\.)))"
    # Lower-case "am" is German for "on" ("12:31 am 21.01."): only AM, PM, pm, a.m., p.m. count.
    r"(?: ?(?P<ampm>(?-i:AM|PM|pm)\b|(?-i:[ap])\.m\.))?"
    r"(?: ?(?P<uhr>uhr|h)\b)?"
    r"(?: ?\(?" + _ZONE + r"\)?)?",
    re.IGNORECASE,
)
# Between a date and the time that follows it: "21.01.2022, 12:31", "... | 12:31", "... um 12:31",
# ISO's "T".
_GAP_AFTER = re.compile(
    r"(?:[ ,;|/·•–—(\[-]|(?<=[0-9])T)*(?:(?:um|gegen|at|ca\.)(?: |(?=[0-9])))?[ (]*",
    re.IGNORECASE,
)
# Between a time and the date after it: "12:31 Uhr, 21.01.2022", "12:31 Uhr am Freitag, 21.01.".
_TIME_BEFORE = re.compile(
    _TIME.pattern + r"[ ,;|/·•–—(\[-]*(?:(?:am|vom|on|den)\b ?)?"
    r"(?:" + _words(_WEEKDAYS) + r"\.?,? ?)?(?:den )?$",
    re.IGNORECASE,
)
_DATE = re.compile(
    # 2022-01-21, 2022/01/21
    r"(?P<ymd>(?<![0-9])(?P<ymd_y>[0-9]{4})(?P<ymd_sep>[-/.])(?P<ymd_m>[0-9]{1,2})"
    r"(?P=ymd_sep)(?P<ymd_d>[0-9]{1,2})(?![0-9]))"
    # 21.01.2022, 21.1.22, 21. 01. 2022; not the "12" of a time in "21.01. 12:31"
    r"|(?P<dmy>(?<![0-9.])(?P<dmy_d>[0-9]{1,2})\. ?(?P<dmy_m>[0-9]{1,2})\. ?"
    r"(?P<dmy_y>[0-9]{4}|[0-9]{2})(?![0-9]|[.:][0-9]))"
    # 21/01/2022, 21-01-2022 (four-digit years only: 22-01-21 could be year first)
    r"|(?P<dsl>(?<![0-9./-])(?P<dsl_d>[0-9]{1,2})(?P<dsl_sep>[/-])(?P<dsl_m>[0-9]{1,2})"
    r"(?P=dsl_sep)(?P<dsl_y>[0-9]{4})(?![0-9]))"
    # 21.01. (no year); not a time "21.01 Uhr"
    r"|(?P<dm>(?<![0-9.])(?P<dm_d>[0-9]{1,2})\.(?P<dm_m>[0-9]{1,2})\.(?![0-9]| ?(?:uhr|h)\b))"
    # 21. Januar 2022, 21 Jan. 2022, 1st January 2022, 21. Jänner; 2-digit year not before a time
    r"|(?P<dmon>(?<![0-9.])(?P<dmon_d>[0-9]{1,2})(?:\.|st|nd|rd|th)? ?(?P<dmon_m>" + _MON + r")\.?"
    r"(?:,? ?(?P<dmon_y>[0-9]{4}(?![0-9])|'?[0-9]{2}(?![0-9:.]| ?(?:uhr|h)\b)))?)"
    # January 21, 2022
    r"|(?P<mond>" + _NOT_LETTER_BEFORE + r"(?P<mond_m>" + _MON + r")\.? (?P<mond_d>[0-9]{1,2})"
    r"(?:st|nd|rd|th)?,? (?P<mond_y>[0-9]{4})(?![0-9]))",
    re.IGNORECASE,
)
_RELATIVE_UNIT = r"(?:[0-9]{1,4}|" + _words(_NUMBER_WORDS) + r") ?" + _words(_UNITS) + r"\.?"
_AGO = re.compile(
    # vor 5 Minuten, vor 2 Std., vor einer Stunde, vor 1 Stunde und 5 Minuten
    r"\bvor (?P<first>" + _RELATIVE_UNIT + r")(?:(?: und|,)? (?P<second>" + _RELATIVE_UNIT + "))?"
    # 5 minutes ago, an hour ago
    r"|" + _NOT_LETTER_BEFORE + r"(?P<english>" + _RELATIVE_UNIT + r") ago\b",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = re.compile(r"[ .,;:!)\]]*")
_AMOUNT = re.compile(r"(?P<n>[0-9]+|[^\W\d_]+) ?(?P<unit>[^\W\d_]+)")
_DAY_WORD = re.compile(_NOT_LETTER_BEFORE + "(?P<word>" + _words(_DAY_WORDS) + ")", re.IGNORECASE)

# Machine formats, matched against the whole (cleaned) value.
_ISO = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:[Tt ](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
    r" ?(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?(?:\[[\w/+-]{1,40}\])?)?"
)
_ISO_BASIC = re.compile(
    r"(?P<y>[0-9]{4})(?P<mo>[0-9]{2})(?P<d>[0-9]{2})"
    r"(?:T(?P<h>[0-9]{2})(?P<mi>[0-9]{2})(?P<s>[0-9]{2})?(?:[.,][0-9]{1,9})?(?P<zone>Z|[+-][0-9]{4})?)?"
)
_EPOCH = re.compile(r"(?P<seconds>[0-9]{9,10})(?:\.[0-9]{1,9})?|(?P<millis>[0-9]{12,13})")
# Java's Date.toString() and C's ctime(): "Fri Apr 28 19:20:36 CEST 2023"
_CTIME = re.compile(
    r"(?:" + _words(_WEEKDAYS) + r",? )?(?P<mon>" + _MON + r") (?P<d>[0-9]{1,2}) "
    r"(?P<time>[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)(?: (?P<zone>[a-z]{1,5}))? (?P<y>[0-9]{4})",
    re.IGNORECASE,
)

_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ANY_DIGIT = re.compile(r"[0-9]")
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_MONTH_WORD = re.compile(_NOT_LETTER_BEFORE + _MON, re.IGNORECASE)


# --- Public API -------------------------------------------------------------------------------


def to_datetime(iso_or_day: str | None, *, naive_zone: tzinfo = BERLIN) -> datetime | None:
    """An aware datetime from an ISO 8601 string of ours: with its offset (`Z` too) as
    given; a time without an offset as wall time in `naive_zone` (Berlin, the zone of our
    dates; `crawled_at` is UTC); a bare day as the start of that day in Berlin, whatever
    `naive_zone` (see the module). None for anything else (empty, not ISO 8601)."""
    text = (iso_or_day or "").strip()
    try:
        if len(text) == 10:
            return start_of_day(date.fromisoformat(text))
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=naive_zone)


def start_of_day(day: date) -> datetime:
    """What a bare day means as an instant: 00:00 of that day in Berlin."""
    return datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)


def utc_iso(moment: datetime) -> str:
    """An instant as we store and report it: ISO 8601 in UTC, to the second."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def normalize_date(raw: str, *, now: datetime | None = None) -> str | None:
    """ISO 8601 with the Europe/Berlin offset when `raw` names a time, `YYYY-MM-DD` when it names
    only a day, None when it holds no date. `now` (aware; naive means Berlin time; default: the
    current time) anchors relative expressions and missing years. Never raises."""
    try:
        value = parse_date(raw, now=now)
    except Exception:  # a bug here must cost one date, never the item or the crawl
        logger.warning("normalize_date failed on %r", str(raw)[:100], exc_info=True)
        return None
    return _format(value) if value is not None else None


def parse_date(raw: str, *, now: datetime | None = None) -> datetime | date | None:
    """What `normalize_date` formats: an aware datetime in Berlin time, a date, or None.
    Unlike `normalize_date` it lets unexpected errors propagate (for tests)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = str(raw)  # an epoch value straight from JSON
    if not isinstance(raw, str):
        return None
    text = _clean(raw)
    if not text:
        return None
    machine = _parse_machine(text)
    if machine is not None:
        return machine
    anchor = _anchor(now)
    found, value = _scan(text, anchor)
    if found:
        return value
    return _parse_with_dateparser(text, anchor)


def is_plausible_published(iso: str, crawled_at: datetime) -> bool:
    """Whether a normalised published date can be true for a page fetched at `crawled_at`
    (aware; naive means Berlin time): not before 1995 (`EARLIEST_PUBLISHED`), and not after the
    crawl by more than `MAX_CLOCK_SKEW`; a bare day may be at most the day of the crawl (Berlin)."""
    moment = to_datetime(iso) if isinstance(iso, str) else None
    latest = _anchor(crawled_at) + MAX_CLOCK_SKEW
    return moment is not None and start_of_day(EARLIEST_PUBLISHED) <= moment <= latest


# --- Dates in running text (bylines, date lines, labels) ----------------------------------------

MODIFIED_LABEL: Final = re.compile(
    r"aktualisiert|update|geändert|stand\b|zuletzt|modified", re.IGNORECASE
)
"""Words before a date that make it an update time, not the publication time."""
PUBLISHED_LABEL: Final = re.compile(
    r"veröffentlicht|erschienen|publiziert|published|erstellt", re.IGNORECASE
)
"""Words before a date that make it the publication time."""
_LINE_LABEL = re.compile(
    r"^(?:(?P<label>am|vom|stand|aktualisiert|veröffentlicht|erschienen|publiziert)(?: am)?:?)?"
    r"[ ,;|·•–—-]*(?:" + _words(_WEEKDAYS) + r"\.?,?)?[ ,;|·•–—-]*$",
    re.IGNORECASE,
)
_DATE_LINE_CHARS = 80
"""No date line is longer ("Aktualisiert am Donnerstag, 21. Dezember 2023, um 12:31 Uhr")."""
_CLOCK = re.compile(
    r"(?<![0-9.:])[0-9]{1,2}[:.][0-9]{2} ?uhr\b|(?<![0-9.:])[0-9]{1,2}:[0-9]{2}(?![0-9])", re.I
)
_BYLINE_DATE_LABEL = re.compile(r"aktualisiert|veröffentlicht|stand:", re.IGNORECASE)


def date_span(text: str, *, now: datetime | None = None) -> tuple[int, int] | None:
    """(start, end) of the first valid written date in `text` and the time written right after
    it: "28.04.2023, 19:25 Uhr" in "Erschienen am 28.04.2023, 19:25 Uhr". None without one.
    `text` is read as given (page texts are whitespace-collapsed already)."""
    anchor: datetime | None = None
    for match in _DATE.finditer(text[:MAX_SCAN_CHARS]):
        anchor = anchor or _anchor(now)  # the clock is read once, and only for a date-like match
        if _date_of(match, anchor) is None:
            continue
        gap = _GAP_AFTER.match(text, match.end())
        after = _TIME.match(text, gap.end() if gap else match.end())
        if after and after.end() > (gap.end() if gap else match.end()):
            return match.start(), after.end()
        return match.start(), match.end()
    return None


def date_in(text: str) -> str | None:
    """The date (with its time, if written) inside a longer text, as written."""
    span = date_span(text)
    return text[span[0] : span[1]].strip() if span else None


def date_line_label(text: str) -> str | None:
    """For a line that is a date and nothing else (a label, a weekday, the date, its time:
    "Stand: 21.01.2022, 12:31 Uhr", "Dienstag, 27. August 2024"), its label ("" when it has
    none); None for any other text."""
    if len(text) > _DATE_LINE_CHARS:
        return None
    span = date_span(text)
    if span is None:
        return None
    before, after = text[: span[0]].strip(), text[span[1] :].strip(" .,;)")
    label = _LINE_LABEL.match(before)
    if after or not label:
        return None
    return label["label"] or ""


def date_or_label_start(text: str) -> int | None:
    """Where the first date, clock time or date label ("aktualisiert", "veröffentlicht",
    "Stand:") in `text` starts: a byline ends there ("Von Anna Muster | 15.06.2024, 18:05 Uhr").
    None without any."""
    span = date_span(text)
    starts = [m.start() for m in (_CLOCK.search(text), _BYLINE_DATE_LABEL.search(text)) if m]
    starts += [span[0]] if span else []
    return min(starts, default=None)


def mentions_date_or_time(text: str) -> bool:
    """The text has a written date or a clock time ("12:31") in it."""
    return bool(_CLOCK.search(text)) or date_span(text) is not None


# --- Steps ------------------------------------------------------------------------------------


def _clean(raw: str) -> str:
    """The first `MAX_SCAN_CHARS` characters, invisible characters dropped, white space and
    control characters collapsed to one space; a token cut off at the end is dropped."""
    text = raw.strip()
    truncated = len(text) > MAX_SCAN_CHARS
    text = text[:MAX_SCAN_CHARS]
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _SPACE.sub(" ", text).strip()
    if truncated:
        cut = text.rfind(" ")
        text = text[:cut] if cut > 0 else ""
    return text


def _anchor(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(BERLIN)
    if now.tzinfo is None:
        now = now.replace(tzinfo=BERLIN)
    return now.astimezone(BERLIN)


def _format(value: datetime | date) -> str:
    if isinstance(value, datetime):
        # Through UTC: astimezone() to the zone a value already has would keep a wall time
        # that does not exist (02:30 on the spring-forward day) instead of the real instant.
        instant = value.astimezone(timezone.utc).astimezone(BERLIN)
        return instant.replace(microsecond=0).isoformat()
    return value.isoformat()


def _day(year: int, month: int, day: int) -> date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clock(
    day: date, hour: int, minute: int, second: int = 0, zone: tzinfo = BERLIN
) -> datetime | date:
    """The instant, or just the day when the clock reading is impossible."""
    if hour > 23 or minute > 59 or second > 59:
        return day
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone)


def _zone(label: str | None) -> tzinfo | None:
    """The zone a label names: "MEZ", "Z", "+01:00", "+0100", "GMT+1"; None for no label."""
    if not label:
        return None
    label = label.replace(" ", "").lower()
    if label in _ZONE_HOURS:
        return timezone(timedelta(hours=_ZONE_HOURS[label]))
    digits = label.lstrip("utcgm")
    sign = -1 if digits[0] == "-" else 1
    hours, _, minutes = digits[1:].partition(":")
    if not minutes and len(hours) > 2:
        hours, minutes = hours[:-2], hours[-2:]
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))


def _parse_machine(text: str) -> datetime | date | None:
    """ISO 8601 (extended and basic), Unix epoch seconds or milliseconds, ctime/Java dates."""
    match = _ISO.fullmatch(text) or _ISO_BASIC.fullmatch(text)
    if match:
        day = _day(int(match["y"]), int(match["mo"]), int(match["d"]))
        if day is None or match["h"] is None:
            return day
        return _clock(
            day,
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),
            _zone(match["zone"]) or BERLIN,
        )
    match = _EPOCH.fullmatch(text)
    if match:
        seconds = int(match["seconds"]) if match["seconds"] else int(match["millis"]) / 1000
        moment = datetime.fromtimestamp(seconds, BERLIN)
        return moment if _MIN_YEAR <= moment.year <= _MAX_YEAR else None
    match = _CTIME.fullmatch(text)
    if match:
        day = _day(int(match["y"]), _MONTHS[match["mon"].lower()], int(match["d"]))
        label = match["zone"]
        if day is None or (label and label.lower() not in _ZONE_HOURS):
            return None
        hour, minute, second = (int(part) for part in (match["time"] + ":0").split(":")[:3])
        return _clock(day, hour, minute, second, _zone(label) or BERLIN)
    return None


def _full_year(two_digits: int, anchor: datetime) -> int:
    year = 2000 + two_digits
    return year if year <= anchor.year + 1 else year - 100


def _recent_day(month: int, day: int, anchor: datetime) -> date | None:
    """The most recent `day`.`month`. that is at most one day after `anchor`."""
    latest = anchor.date() + timedelta(days=1)
    for year in range(latest.year, latest.year - 8, -1):  # 8 years always hold a 29 February
        candidate = _day(year, month, day)
        if candidate is not None and candidate <= latest:
            return candidate
        if candidate is None and not (month == 2 and day == 29):
            return None  # no such day in any year
    return None


def _date_of(match: re.Match[str], anchor: datetime) -> date | None:
    kind = match.lastgroup
    if kind in {"ymd", "dmy", "dsl"}:
        year, month, day = int(match[f"{kind}_y"]), int(match[f"{kind}_m"]), int(match[f"{kind}_d"])
        if kind == "dmy" and len(match["dmy_y"]) == 2:
            year = _full_year(year, anchor)
        result = _day(year, month, day)
        if result is None and kind == "dsl":
            result = _day(year, day, month)  # an American 01/21/2022
        return result
    if kind == "dm":
        return _recent_day(int(match["dm_m"]), int(match["dm_d"]), anchor)
    prefix = "dmon" if kind == "dmon" else "mond"
    month = _MONTHS[match[f"{prefix}_m"].lower()]
    day = int(match[f"{prefix}_d"])
    year_text = match[f"{prefix}_y"]
    if year_text is None:
        return _recent_day(month, day, anchor)
    year_text = year_text.lstrip("'")
    year = int(year_text) if len(year_text) == 4 else _full_year(int(year_text), anchor)
    return _day(year, month, day)


def _time_of(match: re.Match[str] | None, day: date) -> datetime | date:
    """`day` at the time `match` (a `_TIME` match) reads, or just `day`."""
    if match is None:
        return day
    hour = int(match["hour"])
    minute = int(match["minute"] or match["dot_minute"] or 0)
    second = int(match["second"] or 0)
    ampm = match["ampm"]
    if ampm:
        if not 1 <= hour <= 12:
            return day
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    label = match["zone"]
    if label and label[0] == "-" and match["second"] is None:
        label = None  # "10:00-12:00" is a range; real negative offsets come with seconds
    return _clock(day, hour, minute, second, _zone(label) or BERLIN)


def _adjacent_time(text: str, start: int, end: int) -> re.Match[str] | None:
    """The time written right after text[start:end], else right before it.

    "12.31" without "Uhr" is a time only after the date and with two hour digits: numbers such
    as "2.10 Mio." or "Version 2.10 | 21.01.2022" stay numbers."""
    gap = _GAP_AFTER.match(text, end)
    after = _TIME.match(text, gap.end() if gap else end)
    if after and (after["dot_minute"] is None or after["uhr"] or len(after["hour"]) == 2):
        return after
    before = _TIME_BEFORE.search(text, max(0, start - 48), start)
    if before and (before["dot_minute"] is None or before["uhr"]):
        return before
    return None


def _scan(text: str, anchor: datetime) -> tuple[bool, datetime | date | None]:
    """(True, value) for the first valid written date, (True, None) when the text has only
    date-shaped tokens that are no dates, (False, None) when it has nothing date-like."""
    invalid = False
    for match in _DATE.finditer(text):
        day = _date_of(match, anchor)
        if day is None:
            invalid = True
            continue
        return True, _time_of(_adjacent_time(text, match.start(), match.end()), day)
    if invalid:
        return True, None
    relative = _relative(text, anchor)
    if relative is not None:
        return True, relative
    return False, None


def _relative(text: str, anchor: datetime) -> datetime | date | None:
    match = _AGO.search(text)
    return _ago(match, anchor) if match else _day_word(text, anchor)


def _ago(match: re.Match[str], anchor: datetime) -> datetime | date | None:
    """`anchor` minus the amounts of an `_AGO` match: an instant when an amount is finer than
    a day ("vor 5 Minuten"), else a day ("vor 3 Tagen")."""
    amounts = []
    for text in (match[name] for name in ("first", "second", "english") if match[name]):
        amount = _amount(text)
        if amount is None:
            return None
        amounts.append(amount)
    delta = sum((duration for duration, _ in amounts), timedelta())
    if delta > timedelta(days=365 * 30):
        return None  # "vor 9999 Wochen" names no publication day
    if any(unit < timedelta(days=1) for _, unit in amounts):
        return (anchor.astimezone(timezone.utc) - delta).astimezone(BERLIN)
    return anchor.date() - delta


def _amount(text: str) -> tuple[timedelta, timedelta] | None:
    """One amount ("5 Minuten", "einer Stunde"): its duration and its unit; None for units
    coarser than a day, which name no day."""
    parts = _AMOUNT.match(text)
    if parts is None:
        return None
    unit = _UNITS[parts["unit"].lower()]
    if unit is None:
        return None
    number = parts["n"].lower()
    count = int(number) if number.isdigit() else _NUMBER_WORDS[number]
    return count * unit, unit


def _day_word(text: str, anchor: datetime) -> datetime | date | None:
    """ "heute", "gestern", "vorgestern" (with a time, or ending the text)."""
    for match in _DAY_WORD.finditer(text):
        day = anchor.date() - timedelta(days=_DAY_WORDS[match["word"].lower()])
        time = _adjacent_time(text, match.start(), match.end())
        # Without a time the word must end the text ("Stand: heute"): in running text
        # ("heute-show", "Das ist heute wichtig") it names no publication day.
        if time is not None or _TRAILING_PUNCTUATION.fullmatch(text, match.end()):
            return _time_of(time, day)
    return None


def _parse_with_dateparser(text: str, anchor: datetime) -> datetime | date | None:
    """The slow path for what the patterns do not know. Only absolute dates, strictly: a day, a
    month and a year must be in the text (a four-digit year or a month name among them: bare
    digit groups such as "12 11 10" are no date); a time makes it an instant."""
    snippet = _dateparser_snippet(text)
    if snippet is None:
        return None
    from dateparser import DateDataParser  # noqa: PLC0415 (slow import, rarely needed)

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": anchor.replace(tzinfo=None),
        "TIMEZONE": "Europe/Berlin",
        "RETURN_TIME_AS_PERIOD": True,
        "STRICT_PARSING": True,
        # Not its relative parser ("4 Min." would be four minutes ago) nor its timestamp and
        # digit-run parsers: the patterns above handle what those could read correctly.
        "PARSERS": ["absolute-time"],
    }
    try:
        data = DateDataParser(languages=["de", "en"], settings=settings).get_date_data(snippet)
    except Exception:  # dateparser has crashed on odd input before; that is no date
        return None
    found = data.date_obj
    if found is None or not _MIN_YEAR <= found.year <= _MAX_YEAR:
        return None
    if data.period == "time":
        return found.astimezone(BERLIN) if found.tzinfo else found.replace(tzinfo=BERLIN)
    return found.date() if data.period == "day" else None


def _dateparser_snippet(text: str) -> str | None:
    """What dateparser gets: from the first digit or month name on (label prefixes cut off:
    dateparser fails on "Stand: ..."), at most `_FALLBACK_CHARS`; None when the text has no
    digit, or neither a four-digit year nor a month name."""
    digit = _ANY_DIGIT.search(text)
    month = _MONTH_WORD.search(text)
    if digit is None or (month is None and not _YEAR.search(text)):
        return None
    begin = min(digit.start(), month.start()) if month else digit.start()
    return text[begin : begin + _FALLBACK_CHARS]
