"""report.html: a page a person opens, beside the site's JSON lines, rewritten after each run.
Filled in below."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler


def write_report(crawler: Crawler, history: list[dict[str, Any]]) -> None:
    return None
