"""Project-level promises: settings, the published schema, the spider list."""

from __future__ import annotations

import json
import subprocess
import sys

from scrapy.utils.project import get_project_settings

from newscrawler.schema import article_json_schema_text
from tests.support.paths import PROJECT_ROOT, SCHEMA_PATH


def test_published_schema_matches_the_item_class() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == article_json_schema_text(), (
        "regenerate: python -m newscrawler schema > schema/news_article.schema.json"
    )
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert list(schema["properties"])[:3] == ["url", "canonical_url", "site"]
    assert set(schema["required"]) == set(schema["properties"])


def test_polite_defaults() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert settings.getfloat("DOWNLOAD_DELAY") >= 0.5
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert 429 in settings.getlist("RETRY_HTTP_CODES")
    assert settings.get("FEED_EXPORT_ENCODING") == "utf-8"
    assert not settings.getbool("TELNETCONSOLE_ENABLED")
    assert not settings.getbool("REMOTE_CONTROL_ENABLED")
    assert not settings.getbool("HTTPCACHE_ENABLED")
    assert settings.get("NEWSCRAWLER_OUTPUT_DIR").endswith("output")


def test_scrapy_list_shows_the_site_spiders() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "shz" in listed
