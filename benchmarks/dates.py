"""normalize_date against dateparser.parse, side by side in one run.

    .venv/bin/python benchmarks/dates.py [--n 2000] [--repeat 3]

Groups (each a seeded, realistic mix of dates from 2019 to 2025):

- common: the absolute formats pages and feeds use most, as dateparser can read them
  (JSON-LD/meta ISO 8601 with Z, milliseconds and offsets, RFC 822 from RSS, "21.01.2022, 12:31
  Uhr", "21. Januar 2022 12:31", bare days). The target: >= 10x faster, same answers.
- bylines: the same dates as German pages print them, with labels and weekdays ("Von X | Fr.,
  21.01.2022, 12:31 Uhr", "Stand: ...", "aktualisiert am ... um ..."); dateparser reads few.
- relative: "vor 5 Minuten", "gestern, 18:05 Uhr", ...
- fallback: formats normalize_date hands to dateparser itself ("21-Jan-2022 12:31").
- hostile: 100,000-character inputs (normalize_date only).

Answers are compared in normalize_date's output form: dateparser's aware results converted to
Berlin time, its naive ones read as Berlin wall time with fold=0 (the rule normalize_date
documents; dateparser's own RETURN_AS_TIMEZONE_AWARE would pick the later of the two 02:30 on a
fall-back night), only the day when normalize_date found only a day. Times are the best of
`--repeat` runs over the whole group, in microseconds per call.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import dateparser

from newscrawler.dates import BERLIN, normalize_date

NOW = datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN)
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember"]  # fmt: skip
ABBREVIATED = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.",
               "Nov.", "Dez."]  # fmt: skip
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
RFC_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS_SHORT = ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
RFC_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "RELATIVE_BASE": NOW.replace(tzinfo=None),
    "TIMEZONE": "Europe/Berlin",
}


def written(moment: datetime) -> str:
    return f"{moment.day}. {MONTHS[moment.month - 1]} {moment.year}"


def rfc822(moment: datetime, zone: str) -> str:
    day, month = RFC_DAYS[moment.weekday()], RFC_MONTHS[moment.month - 1]
    return f"{day}, {moment.day:02d} {month} {moment.year} {moment:%H:%M:%S} {zone}"


# Weighted like a crawl: most dates come from JSON-LD and meta tags, then feeds, then bylines.
COMMON: list[tuple[int, Callable[[datetime], str]]] = [
    (20, lambda d: d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")),
    (15, lambda d: d.isoformat(timespec="seconds")),
    (10, lambda d: d.astimezone(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"),
    (8, lambda d: d.strftime("%Y-%m-%dT%H:%M:%S.000%z")),
    (5, lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    (4, lambda d: d.strftime("%Y-%m-%d")),
    (10, lambda d: rfc822(d.astimezone(timezone.utc), "GMT")),
    (5, lambda d: rfc822(d, d.strftime("%z"))),
    (8, lambda d: d.strftime("%d.%m.%Y, %H:%M Uhr")),
    (5, lambda d: d.strftime("%d.%m.%Y %H:%M")),
    (4, lambda d: d.strftime("%d.%m.%Y")),
    (3, lambda d: f"{written(d)} {d:%H:%M}"),
    (3, written),
]
BYLINES: list[tuple[int, Callable[[datetime], str]]] = [
    (5, lambda d: f"Von Anna Beispiel | {d:%d.%m.%Y}, {d:%H:%M} Uhr"),
    (5, lambda d: f"Stand: {d:%d.%m.%Y} {d:%H:%M} Uhr"),
    (3, lambda d: f"aktualisiert am {d:%d.%m.%Y} um {d:%H:%M} Uhr"),
    (3, lambda d: f"{WEEKDAYS[d.weekday()]}, {written(d)}, {d:%H.%M} Uhr"),
    (3, lambda d: f"Veröffentlicht am {d.day}. {ABBREVIATED[d.month - 1]} {d.year}"),
    (2, lambda d: f"Erstellt: {WEEKDAYS_SHORT[d.weekday()]}., {d:%d.%m.%y}, {d:%H:%M} Uhr"),
    (2, lambda d: f"{d:%H:%M} Uhr, {d:%d.%m.%Y}"),
    (2, lambda d: f"Zuletzt aktualisiert: {d:%d.%m.%Y} | {d:%H:%M} Uhr MEZ"),
]
RELATIVE = [
    "vor 5 Minuten", "vor 2 Stunden", "vor einer Stunde", "vor 3 Tagen", "heute, 09:15 Uhr",
    "gestern, 18:05 Uhr", "gestern", "vorgestern", "5 minutes ago", "yesterday",
]  # fmt: skip
FALLBACK = ["21-Jan-2022 12:31", "3-Mar-2023", "Sonntag, den 5ten Mai 2024"]
HOSTILE = [
    "x" * 100_000,
    "1" * 100_000,
    "21." * 33_333,
    "(" * 50_000 + ")" * 50_000,
    "Stand: 21.01.2022, 12:31 Uhr " + "x" * 100_000,
]


def sample(templates: list[tuple[int, Callable[[datetime], str]]], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    start = datetime(2019, 1, 1, tzinfo=timezone.utc)
    weights = [weight for weight, _ in templates]
    values = []
    for _ in range(n):
        moment = (start + timedelta(seconds=rng.randrange(6 * 365 * 86400))).astimezone(BERLIN)
        _, template = rng.choices(templates, weights)[0]
        values.append(template(moment.replace(second=0) if rng.random() < 0.7 else moment))
    return values


def dateparser_answer(raw: str, ours: str | None) -> str | None:
    """dateparser's reading in normalize_date's form (see the module docstring)."""
    parsed = dateparser.parse(raw, languages=["de", "en"], settings=DATEPARSER_SETTINGS)
    if parsed is None:
        return None
    if ours is not None and len(ours) == 10:
        return date.isoformat(parsed.date())
    moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=BERLIN)
    return moment.astimezone(timezone.utc).astimezone(BERLIN).replace(microsecond=0).isoformat()


def best_time(function: Callable[[str], object], values: list[str], repeat: int) -> float:
    """Best of `repeat` runs, microseconds per call."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for value in values:
            function(value)
        best = min(best, time.perf_counter() - started)
    return best / len(values) * 1e6


def ours(raw: str) -> str | None:
    return normalize_date(raw, now=NOW)


def theirs(raw: str) -> object:
    return dateparser.parse(raw, languages=["de", "en"], settings=DATEPARSER_SETTINGS)


def compare(name: str, values: list[str], repeat: int, rows: list[list[str]]) -> list[str]:
    answers = [ours(value) for value in values]
    reference = [dateparser_answer(v, a) for v, a in zip(values, answers, strict=True)]
    our_time = best_time(ours, values, repeat)
    their_time = best_time(theirs, values, repeat)
    both = [(a, b) for a, b in zip(answers, reference, strict=True) if b is not None]
    agree = sum(a == b for a, b in both)
    rows.append([
        name, str(len(values)), f"{our_time:.1f}", f"{their_time:.1f}",
        f"{their_time / our_time:.0f}x", f"{sum(a is not None for a in answers)}",
        f"{len(both)}", f"{agree}/{len(both)}",
    ])  # fmt: skip
    return [
        f"  {value!r}: normalize_date {a!r}, dateparser {b!r}"
        for value, a, b in zip(values, answers, reference, strict=True)
        if b is not None and a != b
    ]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--n", type=int, default=2000, help="values per generated group")
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()

    groups = {
        "common": sample(COMMON, args.n, seed=1),
        "bylines": sample(BYLINES, args.n // 4, seed=2),
        "relative": RELATIVE * 10,
        "fallback": FALLBACK * 10,
    }
    for values in groups.values():  # warm up: imports, dateparser's language data
        for value in values[:50]:
            ours(value), theirs(value)

    header = ["group", "calls", "ours µs", "dateparser µs", "speed-up", "ours read",
              "dp read", "agree (dp read)"]  # fmt: skip
    rows: list[list[str]] = []
    disagreements: list[str] = []
    for name, values in groups.items():
        disagreements += compare(name, values, args.repeat, rows)
    hostile = best_time(ours, HOSTILE, args.repeat)
    rows.append(["hostile 100k", str(len(HOSTILE)), f"{hostile:.1f}", "-", "-", "-", "-", "-"])

    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"\nnow = {NOW.isoformat()}; best of {args.repeat} runs per group")
    if disagreements:
        print(f"\n{len(disagreements)} answers differ (first 10):")
        print("\n".join(disagreements[:10]))
    else:
        print("All answers dateparser gives agree with normalize_date.")


if __name__ == "__main__":
    main()
