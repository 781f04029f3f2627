"""`make demo` (`python -m newscrawler.demo`): the offline demo a new user runs first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def run_demo(site: str, output_dir: Path) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    completed = subprocess.run(
        [sys.executable, "-m", "newscrawler.demo", "--site", site, "--output-dir", str(output_dir)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs = list(output_dir.glob("*.jsonl"))
    items = [json.loads(line) for path in outputs for line in path.read_text().splitlines()]
    return completed, items


@pytest.mark.parametrize(
    ("site", "spider_name"),
    [("shz", "shz"), ("generic", "127.0.0.1")],  # the news spider names a site by its host
)
def test_demo_crawls_the_replica_and_validates(site: str, spider_name: str, tmp_path: Path) -> None:
    completed, items = run_demo(site, tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Every line validates against schema/news_article.schema.json." in completed.stdout
    assert items, completed.stdout
    assert {item["site"] for item in items} == {spider_name}
    assert all(item["title"] and item["body"] for item in items)
