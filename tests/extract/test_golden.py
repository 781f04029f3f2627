"""Golden tests: hand-written pages reproducing what news sites do, with the expected item
next to each (`fixtures/<name>.html` + `fixtures/<name>.json`)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from newscrawler.extract import extract_page
from newscrawler.schema import article_json_schema
from newscrawler.text import count_words, fingerprint

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def _load(name: str) -> tuple[bytes, dict]:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return (FIXTURES / f"{name}.html").read_bytes(), expected


@pytest.mark.parametrize("name", CASES)
def test_golden_page(name: str) -> None:
    html, expected = _load(name)
    page = extract_page(
        html, expected["url"], crawled_at=datetime.fromisoformat(expected["crawled_at"])
    )
    article = asdict(page.article)
    for field, value in expected["article"].items():
        assert article[field] == value, f"{name}: {field}"
    for fragment in expected.get("body_excludes", []):
        assert fragment not in article["body"], f"{name}: body has {fragment!r}"
    for signal in expected.get("signals_include", []):
        assert signal in page.article_signals, f"{name}: no signal {signal!r}"
    assert page.page_type == expected["page_type"]
    assert page.is_article == (expected["page_type"] in ("article", "liveblog"))
    jsonschema.validate(article, article_json_schema())
    assert article["word_count"] == count_words(article["body"])
    assert article["fingerprint"] == fingerprint(article["body"])


def test_every_fixture_has_an_expectation() -> None:
    pages = {p.stem for p in FIXTURES.glob("*.html")}
    assert pages == set(CASES)
