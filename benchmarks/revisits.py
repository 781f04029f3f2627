"""What revisits cost and catch on a replica day, and the time the monitors and the report add
to a run: two crons side by side against one conditional shz.de replica (ETag, 304), one with
`-a revisit=0`, one with revisits, the day compressed (an hour lasts HOUR seconds; revisit ages
and window scaled alike).

Every hour two articles appear in the sitemap; every third article gains an "Update" paragraph
two hours after it appeared (listings do not say so, as on most sites). Printed: article page
requests per article, 304s, versions caught, revisits deferred by the request-share cap, and the
seconds the monitors and the report took per run beside the run's own duration.

    python benchmarks/revisits.py [HOURS] [HOUR_SECONDS] [REVISIT_SHARE]
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer
from tests.support.crawl import crawl_env
from tests.support.cron import crawl_command, feeds_setting
from tests.support.paths import PROJECT_ROOT
from tests.support.replica import list_in_sitemap, write_article
from tests.support.versions import add_paragraph

HOURS = int(sys.argv[1]) if len(sys.argv) > 1 else 24
HOUR = float(sys.argv[2]) if len(sys.argv) > 2 else 6.0
SHARE = sys.argv[3] if len(sys.argv) > 3 else "0.25"  # NEWSCRAWLER_REVISIT_SHARE
NEW_PER_HOUR = 2
UPDATE_EVERY = 3  # every third article is updated ...
UPDATE_AFTER = 2  # ... two hours after it appeared


def scaled(hours: float) -> str:
    return f"{hours * HOUR:g}s"


def run(folder: Path, server: ReplicaServer, revisit: bool) -> str:
    settings = {
        "FEEDS": feeds_setting(folder),
        "LOG_LEVEL": "INFO",
        "NEWSCRAWLER_REVISIT_AGES": ",".join(scaled(h) for h in (1, 6, 24, 72)),
        "NEWSCRAWLER_REVISIT_WINDOW": scaled(72),
        "NEWSCRAWLER_REVISIT_SHARE": SHARE,
    }
    args = {"base_url": server.url, "revisit": "1" if revisit else "0"}
    command = crawl_command("shz", args=args, settings=settings)
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=crawl_env(), capture_output=True,
                          text=True, check=False)  # fmt: skip
    return done.stdout + done.stderr


def stat(log: str, name: str) -> float:
    match = re.search(rf"'{re.escape(name)}': ([0-9.]+)", log)
    return float(match.group(1)) if match else 0.0


def lines(folder: Path) -> list[dict[str, object]]:
    found = []
    for path in sorted(folder.rglob("*.jsonl")):
        found += [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    return found


def is_article(path: str) -> bool:
    """An article's page (not the replica's video page, a non-article fetched every run)."""
    return ("/artikel/" in path or "-id3" in path) and not path.startswith("/video/")


def median_of(values: list[float], scale: float = 1.0) -> float:
    return round(scale * statistics.median(values), 2) if values else 0.0


def figures(
    server: ReplicaServer, folder: Path, logs: list[str], articles: int
) -> dict[str, float]:
    statuses = server.statuses
    pages = [status for path, status in statuses if is_article(path)]
    versions = [line for line in lines(folder) if line["version"] != 1]
    reports = [float(m) for log in logs for m in re.findall(r"Report: \S+ \(([0-9.]+) s\)", log)]
    return {
        "requests, all": len(statuses),
        "article page requests": len(pages),
        "  per article": round(len(pages) / articles, 2),
        "  answered 304": sum(1 for status in pages if status == 304),
        "versions caught (version >= 2)": len(versions),
        "revisits deferred (share cap)": sum(stat(log, "revisits/deferred") for log in logs),
        "run duration, median s": median_of([stat(log, "elapsed_time_seconds") for log in logs]),
        "monitors, median ms per run": median_of(
            [stat(log, "newscrawler/monitors_seconds") for log in logs], 1000
        ),
        "report, median ms per run": median_of(reports, 1000),
    }


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="revisits-bench-"))
    site = Path(shutil.copytree(SITES_DIR / "shz", root / "site"))
    folders = {False: root / "without", True: root / "with"}
    servers = {mode: ReplicaServer(site, conditional=True).start() for mode in folders}
    logs: dict[bool, list[str]] = {False: [], True: []}
    published: dict[int, int] = {}
    start = time.monotonic()
    try:
        for hour in range(HOURS):
            for number in range(hour * NEW_PER_HOUR + 1, (hour + 1) * NEW_PER_HOUR + 1):
                list_in_sitemap(site, write_article(site, number))
                published[number] = hour
            for number, at in published.items():
                if number % UPDATE_EVERY == 0 and hour == at + UPDATE_AFTER:
                    add_paragraph(site, number)
            for mode in (False, True):
                logs[mode].append(run(folders[mode], servers[mode], mode))
            wait = start + (hour + 1) * HOUR - time.monotonic()
            if wait > 0:
                time.sleep(wait)
    finally:
        for server in servers.values():
            server.stop()
    articles = len(published) + 5  # the replica's own five
    updated = sum(1 for number in published if number % UPDATE_EVERY == 0
                  and published[number] + UPDATE_AFTER < HOURS)  # fmt: skip
    print(
        f"{HOURS} hours of {HOUR:g} s, {articles} articles, {updated} updated after they appeared"
    )
    print(f"{'':34}{'revisit=0':>12}{'revisits':>12}")
    rows = {mode: figures(servers[mode], folders[mode], logs[mode], articles) for mode in folders}
    for name in rows[True]:
        print(f"{name:34}{rows[False][name]:>12}{rows[True][name]:>12}")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
