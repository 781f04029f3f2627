"""Accuracy gate: extraction must not fall below what it reaches on the development set.

Runs the dev set's own scorer (`../shared/devset/score.py`, real German news pages with
expected fields) on this checkout when the set is present, and fails when a score drops below
its floor. The floors sit a little under the scores reached, so noise does not trip them but a
real regression does. Set NEWSCRAWLER_DEVSET to use a dev set elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEVSET = Path(os.environ.get("NEWSCRAWLER_DEVSET", ROOT.parent / "shared" / "devset"))

# Reached when the floors were set: title 0.973, date to the minute 1.000, authors F1 1.000,
# body F1 0.989, pages with body F1 >= 0.9: 0.973 (37 pages).
FLOORS = {
    "title": 0.94,
    "date_minute": 0.97,
    "authors_f1": 0.97,
    "body_f1": 0.98,
    "body_f1_ge_0_9": 0.94,
}


@pytest.mark.skipif(not (DEVSET / "score.py").is_file(), reason=f"no dev set at {DEVSET}")
def test_dev_set_accuracy_stays_above_the_floors(tmp_path: Path) -> None:
    report = tmp_path / "scores.json"
    result = subprocess.run(
        [
            sys.executable, str(DEVSET / "score.py"), "--cases", str(DEVSET),
            "--project-python", sys.executable, "--project-path", str(ROOT),
            "--systems", "project", "--json", str(report), "--quiet",
        ],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    overall = json.loads(report.read_text(encoding="utf-8"))["systems"]["project"]["overall"]
    assert overall["errors"] == 0
    below = {k: round(overall[k], 3) for k, floor in FLOORS.items() if overall[k] < floor}
    assert not below, f"below the floors {FLOORS}: {below}"
