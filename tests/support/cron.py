"""Crawls as cron runs them: into an output folder with the default feed layout, in the
foreground or in the background (to kill), with their summaries and published files."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.support.crawl import FAST_SETTINGS, SCRAPY_STRICT, crawl_env
from tests.support.paths import PROJECT_ROOT


def feeds_setting(folder: Path, *, batch: int = 200, **options: Any) -> str:
    """The default feed layout (`<folder>/<spider>/<stamp>-0001.jsonl`) as a `-s FEEDS=` value."""
    uri = f"{folder}/%(name)s/%(time)s-%(batch_id)04d.jsonl"
    feed = {"format": "jsonlines", "batch_item_count": batch, "store_empty": False, **options}
    return json.dumps({uri: feed})


def crawl_command(
    spider: str,
    *,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    extra: list[str] | None = None,
) -> list[str]:
    command = [sys.executable, "-c", SCRAPY_STRICT, "crawl", spider]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    for key, value in {**FAST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    return command + (extra or [])


def start_crawl(command: list[str], log: Path, env: dict[str, str] | None = None) -> Any:
    """A crawl running in the background (to kill), its output going to `log`."""
    with log.open("ab") as sink:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(env), stdout=sink, stderr=subprocess.STDOUT
        )


@dataclass
class Run:
    returncode: int
    log: str
    summary: dict[str, Any] | None
    items: list[dict[str, Any]] = field(default_factory=list)
    """The items of the files this run published (from its summary)."""

    def paths(self) -> list[str]:
        return sorted(urlsplit(item["url"]).path for item in self.items)


def run_cron(
    spider: str,
    folder: Path,
    *,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    extra: list[str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Run:
    """One run as cron does it: output in `folder/<spider>/`, state in `folder/.state/`."""
    settings = {"FEEDS": feeds_setting(folder), **(settings or {})}
    command = crawl_command(spider, args=args, settings=settings, extra=extra)
    before = set(summaries(folder))
    with subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=crawl_env(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        try:
            log, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    summary = own_summary(set(summaries(folder)) - before, process.pid)
    items = []
    for name in (summary or {}).get("files", []):
        if not name.endswith(".jsonl"):
            continue  # a WARC file beside the JSON lines
        items += [json.loads(line) for line in Path(name).read_text("utf-8").splitlines()]
    return Run(process.returncode, log, summary, items)


def own_summary(new: set[Path], pid: int) -> dict[str, Any] | None:
    """The newest of the `new` summaries written by process `pid` (its `run_id` is
    host:pid:random): another run in the same folder may have finished meanwhile."""
    for path in sorted(new, reverse=True):
        summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        run_id = str(summary.get("run_id") or "")
        if run_id.split(":")[1:2] in ([str(pid)], []):
            return summary
    return None


def summaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.summary.json"))


def published_files(folder: Path) -> list[Path]:
    """The files a consumer picks up: `*.jsonl`, never hidden ones."""
    return sorted(p for p in folder.rglob("*.jsonl") if not p.name.startswith("."))


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.part"))
