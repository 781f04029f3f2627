"""Properties of normalize_date over generated input (hypothesis, modest example counts)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawler.dates import BERLIN, normalize_date, parse_date
from newscrawler.items import DATE_PATTERN

NOW = datetime(2022, 1, 21, 13, 36, tzinfo=BERLIN)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GERMAN_MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
                 "September", "Oktober", "November", "Dezember"]  # fmt: skip
# Pieces of real bylines, recombined at random to reach every branch of the parser.
TOKENS = [
    "Stand:", "Von", "Max Muster", "|", ",", "-", "–", "/", "am", "um", "Uhr", "MEZ", "MESZ",
    "Fr.,", "Freitag,", "Mo", "vor", "5", "einer", "Minuten", "Std.", "Stunde", "Tagen", "ago",
    "heute", "gestern", "vorgestern", "21.01.2022", "21.1.22", "21.01.", "32.", "21.13.2022",
    "12:31", "12.31", "25:99", "24:00", "2022-01-21", "T", "12:31:00", "Z", "+01:00", "+0100",
    "Jan.", "Jänner", "Sept.", "Dez.", "21.", "21", "2022", "1642764660", "PM", "AM", "GMT",
    "Fri,", "Jan", "(", ")", "\x00", "\u200b", "\u00a0", "ä", "Mio.", "3", "0",
]  # fmt: skip
date_like = st.text(alphabet="0123456789.:-/ TZ+,|UhrMEZvorJanuägest", max_size=60)
byline_like = st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join)
any_text = st.text(max_size=300)


def assert_canonical(value: str | None) -> None:
    """None, a day, or a time with the Europe/Berlin offset of that very instant."""
    if value is None:
        return
    assert re.fullmatch(DATE_PATTERN, value), value
    if len(value) == 10:
        date.fromisoformat(value)
        return
    moment = datetime.fromisoformat(value)
    assert moment.utcoffset() == moment.astimezone(BERLIN).utcoffset(), value


@FAST
@given(st.one_of(any_text, date_like, byline_like))
def test_any_string_gives_none_or_a_canonical_value(raw: str) -> None:
    parse_date(raw, now=NOW)  # the unguarded core raises on a bug instead of logging it
    assert_canonical(normalize_date(raw, now=NOW))


@FAST
@given(st.one_of(date_like, byline_like))
def test_normalising_twice_changes_nothing(raw: str) -> None:
    # The pipeline re-normalises what extraction already normalised.
    once = normalize_date(raw, now=NOW)
    if once is not None:
        assert normalize_date(once, now=NOW) == once


@FAST
@given(
    st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(min_value=-12 * 4, max_value=14 * 4).map(lambda q: timedelta(minutes=15 * q)),
)
def test_iso_values_with_any_offset_become_the_same_instant_in_berlin(
    naive: datetime, offset: timedelta
) -> None:
    moment = naive.replace(tzinfo=timezone(offset))
    expected = moment.astimezone(BERLIN).replace(microsecond=0).isoformat()
    assert normalize_date(moment.isoformat(), now=NOW) == expected


def berlin_wall_time(naive: datetime) -> str:
    """The documented rule for wall-clock times: fold=0, shown as the real instant."""
    local = naive.replace(tzinfo=BERLIN, second=0, microsecond=0, fold=0)
    return local.astimezone(timezone.utc).astimezone(BERLIN).isoformat()


@FAST
@given(st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2100, 1, 1)))
def test_german_numeric_bylines_are_berlin_wall_time(naive: datetime) -> None:
    raw = f"Stand: {naive:%d.%m.%Y}, {naive:%H:%M} Uhr"
    assert normalize_date(raw, now=NOW) == berlin_wall_time(naive)


@FAST
@given(
    st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2100, 1, 1)),
    st.booleans(),
)
def test_written_months_with_and_without_time(naive: datetime, with_time: bool) -> None:
    day = f"{naive.day}. {GERMAN_MONTHS[naive.month - 1]} {naive.year}"
    if with_time:
        raw = f"Veröffentlicht am {day} um {naive:%H.%M} Uhr"
        assert normalize_date(raw, now=NOW) == berlin_wall_time(naive)
    else:
        raw = f"Veröffentlicht am {day}"
        assert normalize_date(raw, now=NOW) == naive.date().isoformat()


@FAST
@given(st.integers(min_value=1, max_value=600), st.sampled_from(["Minuten", "Min."]))
def test_minutes_ago_is_now_minus_that_many_minutes(minutes: int, unit: str) -> None:
    result = normalize_date(f"vor {minutes} {unit}", now=NOW)
    assert result == (NOW - timedelta(minutes=minutes)).isoformat()
