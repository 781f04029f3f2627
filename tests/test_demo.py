"""`make demo` (`python -m newscrawler.demo`): the offline demo a new user runs first."""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.crawl import FAST_SETTINGS, SCRAPY_STRICT
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


def test_a_quiet_first_run(tmp_path: Path) -> None:
    """The demo's own choices (incremental=0) are no WARNING; its summary's counts agree with
    each other; the run's files share one stamp."""
    completed, items = run_demo("shz", tmp_path)
    assert completed.returncode == 0, completed.stderr[-3000:]
    log = completed.stdout + completed.stderr
    assert not [line for line in log.splitlines() if "] WARNING:" in line or "] ERROR:" in line]
    (output,) = tmp_path.glob("*.jsonl")
    (summary_path,) = tmp_path.glob("*.summary.json")
    assert summary_path.name == output.name.replace(".jsonl", ".summary.json")
    summary = json.loads(summary_path.read_text())
    assert summary["files"] == [str(output)] and summary["incremental"] is False
    counts = summary["counts"]
    assert counts["emitted"] == len(items) == 5
    assert counts["new"] is None and counts["updated"] is None  # not told by a full crawl
    assert counts["warnings"] == 0 and counts["errors"] == 0


def test_serve_prints_what_to_try_against_the_replica(tmp_path: Path) -> None:
    """`--serve` serves until stopped; its crawl line, run as printed, crawls the replica into
    a folder of its own with a state of its own, and the cron line runs the same command."""
    folder = tmp_path / "replica"
    server = subprocess.Popen(
        [sys.executable, "-m", "newscrawler.demo", "--serve", "--port", "0",
         "--output-dir", str(folder)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        printed = [server.stdout.readline() for _ in range(11)]
        crawl_line = printed[4].strip()
        cron_line = printed[8].strip()
        assert printed[0].startswith("Serving the shz replica on http://127.0.0.1:"), printed
        command = shlex.split(crawl_line)
        assert command[1:3] == ["crawl", "shz"] and command[0].endswith("scrapy")
        assert f"NEWSCRAWLER_OUTPUT_DIR={folder}" in command
        assert (
            cron_line.startswith("*/10 * * * *  cd ") and f"&& {crawl_line} --logfile " in cron_line
        )
        assert cron_line.endswith(
            '|| echo "newscrawler shz: exit status $? (see ' + f'{folder}/shz.log)"'
        )
        strict = [sys.executable, "-c", SCRAPY_STRICT, *command[1:]]
        fast = [arg for key, value in FAST_SETTINGS.items() for arg in ("-s", f"{key}={value}")]
        for run, emitted in (("first", 5), ("second", 0)):  # the second: nothing new
            completed = subprocess.run(
                strict + fast, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                check=False,
            )  # fmt: skip
            assert completed.returncode == 0, (run, completed.stderr[-3000:])
            newest = sorted((folder / "shz").glob("*.summary.json"))[-1]
            assert json.loads(newest.read_text())["counts"]["emitted"] == emitted, run
        assert len(list((folder / "shz").glob("*.jsonl"))) == 1
        assert (folder / ".state" / "shz.sqlite").is_file()  # its own state
    finally:
        server.send_signal(signal.SIGINT)
        rest, _ = server.communicate(timeout=30)
    assert server.returncode == 0, rest
    assert "Stopped serving the shz replica." in rest
