"""normalize_date: one table of raw date strings as German news pages and feeds show them.

Every expected value is written out by hand from the rules in `newscrawler.dates`.
Unless a case names its own, `now` is Friday 2022-01-21 13:36 in Berlin.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from newscrawler.dates import (
    BERLIN,
    MAX_CLOCK_SKEW,
    date_in,
    date_line_label,
    date_or_label_start,
    is_plausible_published,
    mentions_date_or_time,
    normalize_date,
    parse_date,
    to_datetime,
    utc_iso,
)

NOW = datetime(2022, 1, 21, 13, 36, tzinfo=BERLIN)
SPRING_2022 = datetime(2022, 3, 27, 3, 30, tzinfo=BERLIN)  # an hour after the switch to CEST
AUTUMN_2022 = datetime(2022, 10, 30, 2, 30, tzinfo=timezone.utc)  # 03:30 CET, after the switch
NEW_YEAR = datetime(2023, 1, 1, 0, 30, tzinfo=BERLIN)
UTC_LATE_EVENING = datetime(2022, 1, 21, 23, 30, tzinfo=timezone.utc)  # already the 22nd in Berlin


def cases(group: str, *rows: tuple) -> list:
    """Table rows (raw, expected[, now]) as pytest params with readable ids."""
    return [
        pytest.param(row[0], row[1], row[2] if len(row) > 2 else None, id=f"{group}:{row[0]!r:.60}")
        for row in rows
    ]


BYLINES = cases(
    "byline",
    ("Von Max Muster | 21.01.2022, 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Von Anna Beispiel, dpa – 21.01.2022, 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Stand: 17.06.2025 18:24 Uhr", "2025-06-17T18:24:00+02:00"),
    ("Stand: 21.01.2022 12:31 Uhr MEZ", "2022-01-21T12:31:00+01:00"),
    ("Aktualisiert: 21.01.2022 12:31", "2022-01-21T12:31:00+01:00"),
    ("aktualisiert am 21.01.2022 um 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Aktualisiert am 07.01.2026 - 18:50 Uhr", "2026-01-07T18:50:00+01:00"),
    ("Zuletzt aktualisiert: 21. Januar 2022, 12:31", "2022-01-21T12:31:00+01:00"),
    ("Veröffentlicht am 21.01.2022", "2022-01-21"),
    ("Veröffentlicht am 21.01.2022 um 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Erstellt: 28.04.2023, 18:16 Uhr", "2023-04-28T18:16:00+02:00"),
    ("Publiziert: 21. Januar 2022, 12:31", "2022-01-21T12:31:00+01:00"),
    ("Publiziert: Fr., 21.01.22, 12.31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Freitag, 21.01.2022", "2022-01-21"),
    ("Fr., 21.01.2022 | 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Mo, 24.01.2022 - 08:15", "2022-01-24T08:15:00+01:00"),
    ("Sa. 22.01.2022 / 7:05 Uhr", "2022-01-22T07:05:00+01:00"),
    ("Osnabrück | 17.06.2025 | 15:00 Uhr", "2025-06-17T15:00:00+02:00"),
    ("28.04.2023 - 19:20", "2023-04-28T19:20:00+02:00"),
    ("22.11.2024 07.57", "2024-11-22T07:57:00+01:00"),
    ("05. November 2024,10:38", "2024-11-05T10:38:00+01:00"),
    ("9. September 2025 um 15:46 Uhr", "2025-09-09T15:46:00+02:00"),
    ("21. Januar 2022 um 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("Veröffentlicht: 21.01.2022 | Lesezeit: 3 Min.", "2022-01-21"),
    # The first date counts: a byline with both dates is read as the published one.
    (
        "Erstellt: 21.01.2022 12:31 Uhr | Aktualisiert: 21.01.2022 14:00 Uhr",
        "2022-01-21T12:31:00+01:00",
    ),
)

WRITTEN = cases(
    "numeric/written",
    ("21.01.2022", "2022-01-21"),
    ("21.1.22", "2022-01-21"),
    ("21.1.99", "1999-01-21"),
    ("21. 01. 2022", "2022-01-21"),
    ("1.2.2022, 9:05", "2022-02-01T09:05:00+01:00"),
    ("21. Jan. 2022", "2022-01-21"),
    ("3. Febr. 2022", "2022-02-03"),
    ("14. März 2022 10:00 Uhr", "2022-03-14T10:00:00+01:00"),
    ("14. Maerz 2022", "2022-03-14"),
    ("14. Mrz. 2022", "2022-03-14"),
    ("21. Sept. 2021 | 09:15", "2021-09-21T09:15:00+02:00"),
    ("5. Okt. 2021 – 23:59 Uhr MESZ", "2021-10-05T23:59:00+02:00"),
    ("24. Dez. 2021, 18:00 Uhr", "2021-12-24T18:00:00+01:00"),
    ("21. Jänner 2022", "2022-01-21"),
    ("Freitag, 21. Jänner 2022 12.31 Uhr MEZ", "2022-01-21T12:31:00+01:00"),
    ("Mo, 24. Feber 2020 - 08:00", "2020-02-24T08:00:00+01:00"),
    ("21. JANUAR 2022", "2022-01-21"),
    ("21.Januar2022", "2022-01-21"),
    # English month names on German sites
    ("21 January 2022", "2022-01-21"),
    ("21st January 2022", "2022-01-21"),
    ("January 21, 2022", "2022-01-21"),
    ("Jan 21, 2022 3:31 PM", "2022-01-21T15:31:00+01:00"),
    ("21.1.2022 3pm", "2022-01-21T15:00:00+01:00"),
    # Other separators
    ("21/01/2022 12:31", "2022-01-21T12:31:00+01:00"),
    ("21-01-2022", "2022-01-21"),
    ("2022/01/21 10:00", "2022-01-21T10:00:00+01:00"),
)

TIMES = cases(
    "time",
    ("21.01.2022 12.31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("21.01.2022 12 Uhr", "2022-01-21T12:00:00+01:00"),
    ("21.01.2022 12:31:45", "2022-01-21T12:31:45+01:00"),
    ("21.01.2022 0:00 Uhr", "2022-01-21T00:00:00+01:00"),
    ("Mo. 21.1.2022 -- 10.00h", "2022-01-21T10:00:00+01:00"),
    ("12:31 Uhr, 21.01.2022", "2022-01-21T12:31:00+01:00"),
    ("12:31 Uhr am Freitag, 21.01.2022", "2022-01-21T12:31:00+01:00"),
    # "am" after a time is German "on", never a.m.
    ("21.01.2022 12:31 am Freitag", "2022-01-21T12:31:00+01:00"),
    ("21.01.2022 12:31 (MEZ)", "2022-01-21T12:31:00+01:00"),
    ("21.07.2022, 12:31 Uhr MESZ", "2022-07-21T12:31:00+02:00"),
    # A zone label wins over the season: MEZ in July is an hour behind the wall clock.
    ("21.07.2022 12:31 MEZ", "2022-07-21T13:31:00+02:00"),
    ("21.01.2022 12:31 UTC", "2022-01-21T13:31:00+01:00"),
    ("21 Mar 2022 11:00 UTC+1", "2022-03-21T11:00:00+01:00"),
    ("21.07.2022 12:31 West-Berlin", "2022-07-21T12:31:00+02:00"),  # no zone "WEST"
    # Numbers near a date that are no time of day, and time ranges
    ("Version 2.10 | 21.01.2022", "2022-01-21"),
    ("21.01.2022 | 2.10 Mio. Aufrufe", "2022-01-21"),
    ("21.01.2022 | 3 h Lesezeit", "2022-01-21"),
    ("21.01.2022 - 22.01.2022", "2022-01-21"),
    ("21.01.2022, 12:31-14:00 Uhr", "2022-01-21T12:31:00+01:00"),
    ("21.01.2022, 10:00-12:00", "2022-01-21T10:00:00+01:00"),
    ("12.31 Uhr, 21.01.2022", "2022-01-21T12:31:00+01:00"),
    # An impossible time leaves the day.
    ("21.01.2022, 25:99 Uhr", "2022-01-21"),
    ("21.01.2022 24:00", "2022-01-21"),
    ("21.01.2022 23:59:60", "2022-01-21"),
)

MACHINE = cases(
    "machine",
    ("2022-01-21", "2022-01-21"),
    ("2022-01-21T12:31", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T12:31:00", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21 12:31:00", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T11:31:00Z", "2022-01-21T12:31:00+01:00"),
    ("2022-07-21T10:31:00Z", "2022-07-21T12:31:00+02:00"),
    ("2022-01-21T11:31:00.123456Z", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T12:31:00.123456789+01:00", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T12:31:00.000+0100", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T12:31:00+01", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T06:31:00-05:00", "2022-01-21T12:31:00+01:00"),
    ("2022-01-21T12:31:00+01:00[Europe/Berlin]", "2022-01-21T12:31:00+01:00"),
    ("20220121T113100Z", "2022-01-21T12:31:00+01:00"),
    ("20220121", "2022-01-21"),
    ("Stand: 2022-01-21T12:31:00+01:00", "2022-01-21T12:31:00+01:00"),
    ('{"datePublished": "2022-01-21T11:31:00Z"}', "2022-01-21T12:31:00+01:00"),
    # RFC 822 (RSS)
    ("Fri, 21 Jan 2022 11:31:00 GMT", "2022-01-21T12:31:00+01:00"),
    ("Fri, 21 Jan 2022 12:31:00 +0100", "2022-01-21T12:31:00+01:00"),
    ("Fri, 21 Jan 22 11:31:00 GMT", "2022-01-21T12:31:00+01:00"),
    ("21 Jan 2022 06:31:00 EST", "2022-01-21T12:31:00+01:00"),
    # Java Date.toString()
    ("Fri Apr 28 19:20:36 CEST 2023", "2023-04-28T19:20:36+02:00"),
    # Unix epoch (seconds, milliseconds, a JSON number)
    ("1642764660", "2022-01-21T12:31:00+01:00"),
    ("1642764660000", "2022-01-21T12:31:00+01:00"),
    ("1642764660.5", "2022-01-21T12:31:00+01:00"),
    (1642764660, "2022-01-21T12:31:00+01:00"),
    # CMS placeholders for "no date"
    ("0001-01-01T00:00:00Z", None),
    ("0000-00-00 00:00:00", None),
    ("9999999999", None),
    # dateparser's share: formats the patterns leave alone
    ("21-Jan-2022 12:31", "2022-01-21T12:31:00+01:00"),
)

DST = cases(
    "dst",
    # 2022-03-27: 02:00 CET -> 03:00 CEST (01:00 UTC)
    ("26.03.2022 12:00", "2022-03-26T12:00:00+01:00"),
    ("27.03.2022, 01:59 Uhr", "2022-03-27T01:59:00+01:00"),
    ("27.03.2022, 02:30 Uhr", "2022-03-27T03:30:00+02:00"),  # no such wall time: fold=0
    ("2022-03-27T02:30:00", "2022-03-27T03:30:00+02:00"),
    ("27.03.2022, 03:00 Uhr", "2022-03-27T03:00:00+02:00"),
    ("2022-03-27T00:59:59Z", "2022-03-27T01:59:59+01:00"),
    ("2022-03-27T01:00:00Z", "2022-03-27T03:00:00+02:00"),
    ("28.03.2022 12:00", "2022-03-28T12:00:00+02:00"),
    # 2022-10-30: 03:00 CEST -> 02:00 CET (01:00 UTC)
    ("30.10.2022 01:59", "2022-10-30T01:59:00+02:00"),
    ("30.10.2022 02:30", "2022-10-30T02:30:00+02:00"),  # twice: the first one (fold=0)
    ("30.10.2022 02:30 MEZ", "2022-10-30T02:30:00+01:00"),
    ("30.10.2022 02:30 MESZ", "2022-10-30T02:30:00+02:00"),
    ("30.10.2022 03:00", "2022-10-30T03:00:00+01:00"),
    ("2022-10-30T00:59:59Z", "2022-10-30T02:59:59+02:00"),
    ("2022-10-30T01:00:00Z", "2022-10-30T02:00:00+01:00"),
    ("Sun, 30 Oct 2022 01:30:00 GMT", "2022-10-30T02:30:00+01:00"),
    # 2023-03-26 and 2023-10-29
    ("26.03.2023 01:59", "2023-03-26T01:59:00+01:00"),
    ("2023-03-26T02:15:00", "2023-03-26T03:15:00+02:00"),
    ("Sonntag, 26. März 2023, 03:01 Uhr", "2023-03-26T03:01:00+02:00"),
    ("2023-03-26T00:59:00Z", "2023-03-26T01:59:00+01:00"),
    ("2023-03-26T01:00:00+00:00", "2023-03-26T03:00:00+02:00"),
    ("29.10.2023 02:59 MESZ", "2023-10-29T02:59:00+02:00"),
    ("29.10.2023 02:00 MEZ", "2023-10-29T02:00:00+01:00"),
    ("2023-10-29T02:15:00", "2023-10-29T02:15:00+02:00"),
    ("29.10.2023, 03:00 Uhr", "2023-10-29T03:00:00+01:00"),
    ("2023-10-29T00:59:59Z", "2023-10-29T02:59:59+02:00"),
    ("2023-10-29T01:00:00Z", "2023-10-29T02:00:00+01:00"),
    # Relative amounts are counted in real time across the switch.
    ("vor 2 Std.", "2022-03-27T00:30:00+01:00", SPRING_2022),
    ("gestern, 12:00 Uhr", "2022-03-26T12:00:00+01:00", SPRING_2022),
    ("vor einer Stunde", "2022-10-30T02:30:00+01:00", AUTUMN_2022),
    ("vor 2 Stunden", "2022-10-30T02:30:00+02:00", AUTUMN_2022),
)

MISSING_YEAR = cases(
    "missing year",
    ("21.01., 12:31 Uhr", "2022-01-21T12:31:00+01:00"),
    ("22.01.", "2022-01-22"),  # a day of grace
    ("23.01.", "2021-01-23"),
    ("24. Dez. / 18:00 Uhr", "2021-12-24T18:00:00+01:00"),
    ("15. März", "2021-03-15"),
    ("Di. 21. Feb.", "2021-02-21"),
    ("29.02., 10:00 Uhr", "2020-02-29T10:00:00+01:00"),
    ("31.12., 23:59 Uhr", "2022-12-31T23:59:00+01:00", NEW_YEAR),
    ("21.1.23", "2023-01-21"),  # two-digit years: at most one year ahead
    ("21.1.24", "1924-01-21"),
)

RELATIVE = cases(
    "relative",
    ("vor 5 Minuten", "2022-01-21T13:31:00+01:00"),
    ("vor 1 Minute", "2022-01-21T13:35:00+01:00"),
    ("vor 30 Sek.", "2022-01-21T13:35:30+01:00"),
    ("vor 2 Std.", "2022-01-21T11:36:00+01:00"),
    ("vor einer Stunde", "2022-01-21T12:36:00+01:00"),
    ("vor 1 Stunde und 5 Minuten", "2022-01-21T12:31:00+01:00"),
    ("Aktualisiert vor 3 Stunden", "2022-01-21T10:36:00+01:00"),
    ("vor 3 Tagen", "2022-01-18"),
    ("vor einer Woche", "2022-01-14"),
    ("5 minutes ago", "2022-01-21T13:31:00+01:00"),
    ("an hour ago", "2022-01-21T12:36:00+01:00"),
    ("heute, 09:15 Uhr", "2022-01-21T09:15:00+01:00"),
    ("Heute um 9.15 Uhr", "2022-01-21T09:15:00+01:00"),
    ("gestern, 18:05 Uhr", "2022-01-20T18:05:00+01:00"),
    ("18:05 Uhr gestern", "2022-01-20T18:05:00+01:00"),
    ("vorgestern, 07:00", "2022-01-19T07:00:00+01:00"),
    ("vorgestern", "2022-01-19"),
    ("gestern", "2022-01-20"),
    ("yesterday", "2022-01-20"),
    ("Stand: heute", "2022-01-21"),
    # "today" is the Berlin day of `now`, not its UTC day
    ("heute", "2022-01-22", UTC_LATE_EVENING),
    ("gestern, 23:45 Uhr", "2022-01-21T23:45:00+01:00", UTC_LATE_EVENING),
    # a naive `now` is Berlin time
    ("vor 5 Minuten", "2022-01-21T12:31:00+01:00", datetime(2022, 1, 21, 12, 36)),
    # coarser than a day: no day can be named
    ("vor 3 Monaten", None),
    ("vor 9999 Wochen", None),
    ("vor wenigen Minuten", None),
)

NOT_DATES = cases(
    "not a date",
    ("32. Januar 2022", None),
    ("21.13.2022", None),
    ("25:99 Uhr", None),
    ("31.04.2022", None),
    ("29.02.2022", None),
    ("00.01.2022", None),
    ("12:31 Uhr", None),  # a time without a day
    ("Januar 2022", None),  # a month without a day
    ("© 2022 shz.de", None),
    ("", None),
    ("   ", None),
    ("Jetzt abonnieren", None),
    ("Mehr zum Thema", None),
    ("Lesezeit: 4 Min.", None),
    ("Seite 2 von 5", None),
    ("3 Kommentare", None),
    ("Foto: dpa", None),
    ("Preis: 21.99 €", None),
    ("Tel. 0461 808-0", None),
    ("Ausgabe 12/2022", None),
    ("Mo", None),
    ("heute-show", None),
    ("Das ist heute wichtig", None),
    (None, None),
    (["2022-01-21"], None),
)

HUGE = 100_000
HOSTILE = cases(
    "hostile",
    ("x" * HUGE, None),
    ("1" * HUGE, None),
    ("21.01.2022 " * (HUGE // 11), "2022-01-21"),
    (" " * HUGE + "21.01.2022", "2022-01-21"),
    ("Stand: 21.01.2022, 12:31 Uhr " + "x" * HUGE, "2022-01-21T12:31:00+01:00"),
    ("a " * (HUGE // 2) + "21.01.2022", None),  # only the beginning is read
    ("(" * (HUGE // 2) + ")" * (HUGE // 2), None),
    ("[{" * (HUGE // 2), None),
    ("21." * (HUGE // 3), None),
    ("vor " * (HUGE // 4), None),
    ("1 min " * (HUGE // 6), None),
    ("12:31 Uhr, " * (HUGE // 11), None),
    ("\x00" * HUGE, None),
    ("🎉" * HUGE, None),
    ("21.01.2022\x00\x0b12:31", "2022-01-21T12:31:00+01:00"),
    ("2\u200b1.01.2022", "2022-01-21"),
    ("21.01.2022\u00a012:31\u202fUhr", "2022-01-21T12:31:00+01:00"),
    ("21. Ja\u00adnuar 2022", "2022-01-21"),
    ("21. Ma\u0308rz 2022", "2022-03-21"),  # decomposed umlaut
    ("<p><span>21.01.2022</span> <b>12:31</b></p>", "2022-01-21"),
    ("١٢.٠١.٢٠٢٢", None),  # only ASCII digits are digits
    ("21.01.2022\ud800", "2022-01-21"),  # a lone surrogate
)

ALL_CASES = (
    BYLINES + WRITTEN + TIMES + MACHINE + DST + MISSING_YEAR + RELATIVE + NOT_DATES + HOSTILE
)


@pytest.mark.timeout(10)  # guards against catastrophic backtracking, not a speed claim
@pytest.mark.parametrize(("raw", "expected", "now"), ALL_CASES)
def test_normalize_date(raw: str, expected: str | None, now: datetime | None) -> None:
    assert normalize_date(raw, now=now or NOW) == expected


def test_table_is_large() -> None:
    assert len(ALL_CASES) >= 100


def test_default_now_is_the_current_time() -> None:
    before = datetime.now(BERLIN).replace(microsecond=0)
    result = normalize_date("vor 1 Minute")
    after = datetime.now(BERLIN)
    assert result is not None
    assert before - timedelta(minutes=1) <= datetime.fromisoformat(result) <= after


def test_parse_date_gives_values_not_strings() -> None:
    assert parse_date("21.01.2022", now=NOW) == date(2022, 1, 21)
    moment = parse_date("21.01.2022 12:31 MEZ", now=NOW)
    assert isinstance(moment, datetime)
    assert moment == datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)


PLAUSIBILITY = [
    ("2022-01-21T12:31:00+01:00", True),
    ("2022-01-21", True),
    ("1995-01-01", True),
    ("1995-01-01T00:00:00+01:00", True),
    ("1994-12-31", False),
    ("1994-12-31T23:59:59+01:00", False),
    ("1970-01-01T01:00:00+01:00", False),
    # crawled 12:36 UTC = 13:36 Berlin; two hours of skew allowed
    ("2022-01-21T15:36:00+01:00", True),
    ("2022-01-21T15:36:01+01:00", False),
    ("2022-01-22", False),
    ("2099-01-01", False),
    ("not a date", False),
    ("", False),
]


@pytest.mark.parametrize(("iso", "plausible"), PLAUSIBILITY)
def test_is_plausible_published(iso: str, plausible: bool) -> None:
    crawled_at = datetime(2022, 1, 21, 12, 36, tzinfo=timezone.utc)
    assert is_plausible_published(iso, crawled_at) is plausible


def test_plausibility_of_a_bare_day_uses_the_berlin_day_of_the_crawl() -> None:
    # 23:30 UTC is already the 22nd in Berlin: an article dated the 22nd can exist.
    assert is_plausible_published("2022-01-22", UTC_LATE_EVENING)
    assert not is_plausible_published("2022-01-23", UTC_LATE_EVENING)


def test_skew_constant_matches_documented_rule() -> None:
    crawled_at = datetime(2022, 1, 21, 12, 0, tzinfo=timezone.utc)
    edge = (crawled_at + MAX_CLOCK_SKEW).astimezone(BERLIN).isoformat()
    assert is_plausible_published(edge, crawled_at)
    later = (crawled_at + MAX_CLOCK_SKEW + timedelta(seconds=1)).astimezone(BERLIN).isoformat()
    assert not is_plausible_published(later, crawled_at)


# --- Our ISO strings as aware datetimes: one meaning for a bare day --------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # a bare day: the start of that day in Berlin, winter and summer
        ("2022-01-21", datetime(2022, 1, 20, 23, 0, tzinfo=timezone.utc)),
        ("2022-06-21", datetime(2022, 6, 20, 22, 0, tzinfo=timezone.utc)),
        ("2022-01-21T12:31:00+01:00", datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)),
        ("2022-01-21T11:31:00Z", datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)),
        ("2022-01-21T11:31:00+00:00", datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)),
        ("2022-01-21T12:31:00", datetime(2022, 1, 21, 11, 31, tzinfo=timezone.utc)),  # Berlin
        (" 2022-01-21 ", datetime(2022, 1, 20, 23, 0, tzinfo=timezone.utc)),
        ("21.01.2022", None),
        ("2022-13-01", None),
        ("", None),
        (None, None),
    ],
)
def test_to_datetime(value: str | None, expected: datetime | None) -> None:
    moment = to_datetime(value)
    assert moment == expected
    assert moment is None or moment.tzinfo is not None


def test_a_bare_day_is_its_start_in_berlin_whatever_zone_naive_times_are_in() -> None:
    assert to_datetime("2022-01-21T12:31:00", naive_zone=timezone.utc) == datetime(
        2022, 1, 21, 12, 31, tzinfo=timezone.utc
    )
    assert to_datetime("2022-01-21", naive_zone=timezone.utc) == datetime(
        2022, 1, 21, tzinfo=BERLIN
    )
    # what normalize_date gives for a day, read back, is that day's first moment in Berlin
    day = normalize_date("21. Januar 2022", now=NOW)
    assert day == "2022-01-21"
    assert to_datetime(day) == datetime(2022, 1, 21, 0, 0, tzinfo=BERLIN)


def test_utc_iso() -> None:
    assert utc_iso(datetime(2022, 1, 21, 12, 31, 5, 999, tzinfo=BERLIN)) == (
        "2022-01-21T11:31:05+00:00"
    )


# --- Dates in running text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Erschienen am 28.04.2023, 19:25 Uhr", "28.04.2023, 19:25 Uhr"),
        ("Von Anna Muster | 15.06.2024, 18:05 Uhr", "15.06.2024, 18:05 Uhr"),
        ("Stand: 21. Januar 2022 um 12:31 Uhr", "21. Januar 2022 um 12:31 Uhr"),
        ("Die Stadt hat am 21.01.2022 beschlossen", "21.01.2022"),
        ("Am 32.01.2022 war nichts, am 2.2.2022 schon", "2.2.2022"),  # no date, then one
        ("Version 2.10 ist da", None),
        ("", None),
    ],
)
def test_date_in_running_text(text: str, found: str | None) -> None:
    assert date_in(text) == found


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("21. Januar 2022, 12:31 Uhr", ""),
        ("Dienstag, 27. August 2024", ""),
        ("Stand: 21.01.2022, 12:31 Uhr", "Stand"),
        ("Aktualisiert am 21.01.2022 um 12:31 Uhr", "Aktualisiert"),
        ("Die Stadt hat am 21.01.2022 beschlossen", None),
        ("Veröffentlicht am 14.10.2021 um 09:15 Uhr von Lars Janßen", None),
        ("Im Jahr 2023 hatte die Stadt noch 12.000 Einwohner weniger.", None),
    ],
)
def test_date_line_label(text: str, label: str | None) -> None:
    assert date_line_label(text) == label


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("Von Anna Muster | 15.06.2024, 18:05 Uhr", 18),
        ("Anna Muster, aktualisiert vor 5 Minuten", 13),
        ("Anna Muster 12:31 Uhr", 12),
        ("Anna Muster und Max Beispiel", None),
    ],
)
def test_where_a_byline_ends(text: str, start: int | None) -> None:
    assert date_or_label_start(text) == start
    assert mentions_date_or_time(text) is (start is not None and "aktualisiert" not in text)
