"""Running real crawls from tests: `scrapy crawl` in a subprocess against a local replica."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.paths import PROJECT_ROOT

# Politeness is for real sites; against 127.0.0.1 the tests should not wait.
FAST_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    "NEWSCRAWLER_RETRY_BACKOFF_BASE": "0.05",
    "LOG_LEVEL": "DEBUG",
}


TEST_SETTINGS_MODULE = "tests.support.settings"
"""The project's settings with the tests' fault injection (off unless asked for)."""


DEPLOYMENT_VARIABLES = ("NEWSCRAWLER_REDIS_PASSWORD",)
"""What a deployment gives in the environment: a test crawl has it only from `env`."""


def crawl_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a test crawl: ours (without a deployment's Redis password), the
    test settings, and `env`."""
    ours = {name: value for name, value in os.environ.items() if name not in DEPLOYMENT_VARIABLES}
    return {**ours, "SCRAPY_SETTINGS_MODULE": TEST_SETTINGS_MODULE, **(env or {})}


# `scrapy` with Scrapy's deprecations as errors. (PYTHONWARNINGS cannot name the category: it
# is resolved at interpreter start, before Scrapy can be imported, and silently ignored.)
SCRAPY_STRICT = (
    "import sys, warnings\n"
    "from scrapy.exceptions import ScrapyDeprecationWarning\n"
    "warnings.simplefilter('error', ScrapyDeprecationWarning)\n"
    "from scrapy.cmdline import execute\n"
    "execute(['scrapy', *sys.argv[1:]])\n"
)


@dataclass
class CrawlResult:
    returncode: int
    log: str
    items: list[dict[str, Any]] = field(default_factory=list)

    def stat(self, key: str) -> Any:
        """A value from the stats Scrapy dumps at the end of the log (None if absent)."""
        match = re.search(rf"'{re.escape(key)}': ([^,\n}}]+)", self.log)
        if match is None:
            return None
        value = match.group(1).strip()
        return int(value) if value.isdigit() else value.strip("'\"")

    def log_lines(self, level: str) -> list[str]:
        return [line for line in self.log.splitlines() if f"] {level}:" in line]

    def by_path(self) -> dict[str, dict[str, Any]]:
        from urllib.parse import urlsplit

        return {urlsplit(item["url"]).path: item for item in self.items}


def run_crawl(
    spider: str,
    *,
    output: Path,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    overwrite: bool = True,
    timeout: float = 120,
    env: dict[str, str] | None = None,
) -> CrawlResult:
    """Run `scrapy crawl SPIDER -a ... -s ... -O output` and read back the JSON lines."""
    command = [sys.executable, "-c", SCRAPY_STRICT, "crawl", spider]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    for key, value in {**FAST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    command += ["-O" if overwrite else "-o", str(output)]
    completed = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=crawl_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    items = read_jsonl(output) if output.exists() else []
    return CrawlResult(completed.returncode, completed.stdout + completed.stderr, items)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
