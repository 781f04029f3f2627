"""The incremental middleware's decisions that need no crawl."""

from __future__ import annotations

from datetime import datetime, timezone

from newscrawler.discovery import ArticleLead
from newscrawler.middlewares.incremental import listing_says_changed
from newscrawler.state import ArticleRecord

FETCHED = "2022-06-21T08:00:00+00:00"


def record(date_modified: str | None) -> ArticleRecord:
    return ArticleRecord("https://x/a", "f1", None, date_modified, FETCHED, FETCHED, FETCHED)


def lead(modified: datetime | None) -> ArticleLead:
    return ArticleLead("https://x/a", "sitemap", modified=modified)


def test_a_listing_dates_a_change_after_our_last_fetch() -> None:
    assert listing_says_changed(lead(datetime(2022, 6, 21, 9, tzinfo=timezone.utc)), record(None))
    assert not listing_says_changed(
        lead(datetime(2022, 6, 21, 7, tzinfo=timezone.utc)), record(None)
    )
    assert not listing_says_changed(lead(None), record(None))


def test_a_bare_day_of_modification_is_the_start_of_that_day_in_berlin() -> None:
    # the page said it changed on the 22nd: 2022-06-21T22:00Z; the listing dates 21:30Z
    changed_day = record("2022-06-22")
    assert not listing_says_changed(
        lead(datetime(2022, 6, 21, 21, 30, tzinfo=timezone.utc)), changed_day
    )
    assert listing_says_changed(
        lead(datetime(2022, 6, 21, 22, 30, tzinfo=timezone.utc)), changed_day
    )
