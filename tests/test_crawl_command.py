"""The `crawl` command's own parsing (no crawl)."""

from __future__ import annotations

import pytest

from newscrawler.commands.crawl import parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("90s", 90), ("45m", 2700), ("2h", 7200), ("1h30m", 5400), (" 1H5M10S ", 3910)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "1h30", "30m15", "0", "0m", "-5m", "1.5h", "m"])
def test_not_durations(text: str) -> None:
    # "1h30" is not read as 1 h 30 s: every number after the first needs its unit
    with pytest.raises(ValueError):
        parse_duration(text)
