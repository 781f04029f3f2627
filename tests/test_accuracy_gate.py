"""Accuracy gate: extraction must hold on both dev sets, column by column, and never fall far
below plain trafilatura on any page.

Runs the dev sets' own scorer (`../shared/devset/score.py`) on this checkout, with plain
`trafilatura.bare_extraction` beside it in the same run, over the German dev set (37 pages, 21
sites) and the generalization set (`../shared/devset-intl`, 159 pages, 38 countries, 25
languages): a rule that helps one set and hurts the other fits pages, not news sites. The
floors sit a little under the scores reached, so noise does not trip them but a real regression
does. Set NEWSCRAWLER_SHARED to use dev sets elsewhere. In CI (`CI` set) a missing dev set
fails the gate instead of skipping it.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from newscrawler.extract import extract_page

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSCRAWLER_SHARED", ROOT.parent / "shared"))
SCORER = SHARED / "devset" / "score.py"

# Reached when the floors were set (2026-12-06):
#   devset:      title 0.973, date to the minute 1.000, authors F1 1.000, body F1 0.990,
#                body F1 >= 0.9 on 0.973 of pages
#   devset-intl: title 0.862, title~ 0.868, date 0.981, authors F1 0.912, body F1 0.961,
#                body F1 >= 0.9 on 0.918 of pages (plain trafilatura: body F1 0.946)
FLOORS: dict[str, dict[str, float]] = {
    "devset": {
        "title": 0.94,
        "date_minute": 0.97,
        "authors_f1": 0.97,
        "body_f1": 0.985,
        "body_f1_ge_0_9": 0.94,
    },
    "devset-intl": {
        "title": 0.85,
        "title_relaxed": 0.86,
        "date_minute": 0.97,
        "authors_f1": 0.90,
        "body_f1": 0.955,
        "body_f1_ge_0_9": 0.90,
    },
}
HEADLINE_FLOOR = 0.97
"""Share of pages whose expected title is `title` or one of `headlines` (scored as title~)."""
BELOW_TRAFILATURA = 0.05
"""No page's body F1 may be this much below plain trafilatura's on the same page ..."""
ALLOWED_BELOW: dict[str, str] = {}
"""... unless listed here with the reason: pages where trafilatura keeps boilerplate we rightly
drop. Empty: on both sets no page is more than 0.05 below it."""

SETS = sorted(FLOORS)


def _dev_set(name: str) -> Path:
    folder = SHARED / name
    if not (SCORER.is_file() and (folder / "cases.jsonl").is_file()):
        if os.environ.get("CI"):
            pytest.fail(f"no dev set at {folder}: the accuracy gate must run in CI")
        pytest.skip(f"no dev set at {folder}")
    return folder


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("devset_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def _score(folder: Path, report: Path) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable, str(SCORER), "--cases", str(folder), "--systems",
            "trafilatura,project", "--project-python", sys.executable, "--project-path",
            str(ROOT), "--json", str(report), "--quiet",
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(report.read_text(encoding="utf-8"))["systems"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_accuracy_stays_above_the_floors_and_near_trafilatura(name: str, tmp_path: Path) -> None:
    systems = _score(_dev_set(name), tmp_path / "scores.json")
    overall = systems["project"]["overall"]
    assert overall["errors"] == 0
    below = {k: round(overall[k], 3) for k, floor in FLOORS[name].items() if overall[k] < floor}
    assert not below, f"{name}: below the floors {FLOORS[name]}: {below}"

    theirs = {row["page"]: row["scores"] for row in systems["trafilatura"]["rows"]}
    worse = {}
    for row in systems["project"]["rows"]:
        ours, plain = row["scores"].get("body_f1"), theirs[row["page"]].get("body_f1")
        if ours is None or plain is None or row["page"] in ALLOWED_BELOW:
            continue
        if ours < plain - BELOW_TRAFILATURA:
            worse[row["page"]] = (round(ours, 3), round(plain, 3))
    assert not worse, f"{name}: body F1 more than {BELOW_TRAFILATURA} below trafilatura: {worse}"


def _cases(folder: Path) -> list[dict[str, Any]]:
    lines = (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("name", SETS)
def test_headlines_hold_the_expected_title_and_no_body_is_mostly_dropped(name: str) -> None:
    folder = _dev_set(name)
    scorer = _scorer()
    matched, scored, dropped = 0, 0, []
    for case in _cases(folder):
        html = gzip.decompress((folder / "pages" / case["file"]).read_bytes())
        page = extract_page(html, case["url"])
        if "body-mostly-dropped" in page.warnings:
            dropped.append(case["file"])
        expected = case["expected"]["title"]
        if expected is None:
            continue
        scored += 1
        candidates = [page.article.title, *page.article.headlines.values()]
        matched += any(scorer.title_scores(c, expected)[1] for c in candidates if c)
    assert matched / scored >= HEADLINE_FLOOR, f"{name}: {matched} of {scored} titles"
    assert not dropped, f"{name}: our passes dropped most of trafilatura's text on {dropped}"
