"""When an article is due for a revisit, and a run's figures for the monitors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from newscrawler.monitoring import good_runs, run_figures, usual
from newscrawler.revisits import due_revisits, parse_age, parse_ages
from newscrawler.state import RevisitCandidate, VersionRecord

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
AGES = parse_ages("1h,6h,24h,72h")


def candidate(url: str, first_seen_hours_ago: float, checked_hours_ago: float) -> RevisitCandidate:
    first = (NOW - timedelta(hours=first_seen_hours_ago)).isoformat()
    checked = (NOW - timedelta(hours=checked_hours_ago)).isoformat()
    record = VersionRecord(url, 1, "f", "t", "a", None, False, None, None, first)
    return RevisitCandidate(url, record, checked)


def test_ages() -> None:
    assert parse_ages("1h,6h,24h,72h") == [timedelta(hours=h) for h in (1, 6, 24, 72)]
    assert parse_age("3d") == timedelta(days=3) and parse_age("90") == timedelta(seconds=90)
    with pytest.raises(ValueError, match="not an age"):
        parse_age("soon")


def test_an_article_is_due_once_per_age_reached_since_last_served() -> None:
    fresh = candidate("a", first_seen_hours_ago=0.5, checked_hours_ago=0.5)  # no age reached
    due_1h = candidate("b", first_seen_hours_ago=2, checked_hours_ago=2)  # 1 h reached since
    checked = candidate("c", first_seen_hours_ago=2, checked_hours_ago=0.5)  # checked after 1 h
    due_24h = candidate("d", first_seen_hours_ago=30, checked_hours_ago=26)  # 24 h since check
    due = due_revisits([fresh, due_1h, checked, due_24h], AGES, NOW)
    assert [c.key for c in due] == ["d", "b"]  # the longest overdue first


def test_one_revisit_per_url_under_several_keys() -> None:
    one = candidate("https://x/a", 2, 2)
    alias = RevisitCandidate("https://x/alias", one.record, one.last_checked)
    assert len(due_revisits([one, alias], AGES, NOW)) == 1


def test_figures_and_the_usual() -> None:
    stats = {
        "finish_reason": "finished", "item_scraped_count": 4, "newscrawler/pages_extracted": 5,
        "newscrawler/pages_with/title": 3, "newscrawler/articles_failed/extraction_error": 1,
        "downloader/response_count": 10, "downloader/response_status_count/404": 2,
        "downloader/response_status_count/200": 8,
    }  # fmt: skip
    figures = run_figures(stats)
    assert figures["coverage"]["title"] == 0.6 and figures["coverage"]["body"] == 0.0
    assert figures["failed_extractions"] == round(1 / 6, 3)
    assert figures["http_4xx"] == 0.2 and figures["http_5xx"] == 0.0
    history = [
        {"finish_reason": "finished", "good": True, "items": 5},
        {"finish_reason": "finished", "good": False, "items": 0},
        {"finish_reason": "closespider_timeout", "good": True, "items": 1},
        {"finish_reason": "finished", "good": True, "items": 9},
    ]
    runs = good_runs(history, 10)
    assert [run["items"] for run in runs] == [5, 9]
    assert usual(runs, lambda run: run["items"]) == 7
