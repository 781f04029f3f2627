"""`python -m newscrawler.demo [--site NAME]` (`make demo`): crawl a bundled replica offline
(shz.de unless `--site` names another: every site profile has one, and `generic` is a
fictional paper without a profile, crawled by the `news` spider from its robots.txt).

Serves the replica on 127.0.0.1, runs the real `scrapy crawl <site>` against it and writes
`output/demo/<UTC start>.jsonl` beside its run summary, then checks every line against the
published schema.

`--serve` only serves the replica, until Ctrl-C, and prints the `scrapy crawl` command and a
crontab line to try against it by hand: into a folder of their own (`output/replica/`), with a
state of their own, so that trying the cron line leaves the real `output/.state/` alone.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from newscrawler.demo import GENERIC_ORIGIN, GENERIC_SITE, SITES_DIR
from newscrawler.demo.server import RehostedReplica, ReplicaServer
from newscrawler.schema import article_json_schema

DEMO_OUTPUT = Path("output/demo")
SERVE_OUTPUT = Path("output/replica")
SERVE_PORT = 8000


def validate(path: Path) -> tuple[int, list[str]]:
    """Number of lines and the schema errors found in them (empty when jsonschema is absent)."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    try:
        import jsonschema  # noqa: PLC0415 (optional: installed with the test extra)
    except ImportError:
        return len(lines), []
    validator = jsonschema.Draft202012Validator(article_json_schema())
    errors = [
        f"{item.get('url')}: {error.message}"
        for item in lines
        for error in validator.iter_errors(item)
    ]
    return len(lines), errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawler.demo",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    replicas = sorted(path.name for path in SITES_DIR.iterdir() if path.is_dir())
    parser.add_argument("--site", default="shz", choices=replicas, help="default: shz")
    parser.add_argument(
        "--serve", action="store_true", help="serve the replica until Ctrl-C; print what to try"
    )
    parser.add_argument(
        "--port", type=int, default=SERVE_PORT, help=f"--serve: default {SERVE_PORT}; 0: any"
    )
    parser.add_argument(
        "--output-dir", type=Path, help=f"default {DEMO_OUTPUT}, with --serve {SERVE_OUTPUT}"
    )
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.site, args.port, args.output_dir or SERVE_OUTPUT)
    return demo(args.site, args.output_dir or DEMO_OUTPUT)


def demo(site: str, output_dir: Path) -> int:
    """Crawl the replica once into `output_dir`; check the lines against the schema."""
    output_dir.mkdir(parents=True, exist_ok=True)
    before = set(output_dir.glob("*.summary.json"))
    status = crawl_replica(site, output_dir)
    summaries = sorted(set(output_dir.glob("*.summary.json")) - before)
    files = [Path(name) for name in _summary(summaries[-1]).get("files", [])] if summaries else []
    if status != 0 or not files:
        print(f"The crawl failed (exit status {status}).", file=sys.stderr)
        return status or 1
    count, errors = validate(files[0])
    print(f"\n{count} articles written to {files[0]} (run summary: {summaries[-1]})")
    for error in errors:
        print(f"schema error: {error}", file=sys.stderr)
    if not errors:
        print("Every line validates against schema/news_article.schema.json.")
    return 1 if errors else 0


def _summary(path: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return summary


def replica_server(site: str, port: int = 0) -> tuple[ReplicaServer, list[str]]:
    """The server of `site`'s replica and the spider with its arguments that crawls it."""
    if site == GENERIC_SITE:
        server: ReplicaServer = RehostedReplica(SITES_DIR / site, origin=GENERIC_ORIGIN, port=port)
        return server, ["news", "-a", f"site={server.url}"]
    server = ReplicaServer(SITES_DIR / site, port=port)
    return server, [site, "-a", f"base_url={server.url}"]


def crawl_replica(site: str, output_dir: Path) -> int:
    """Serve the replica of `site`, crawl it with its spider into `output_dir` (one file named
    after the run's start, like its summary); the exit status."""
    server, spider = replica_server(site)
    with server:
        print(f"Serving the {site} replica on {server.url}")
        command = [
            sys.executable, "-m", "scrapy", "crawl", *spider,
            "-O", str(output_dir / "%(time)s.jsonl"),
            # every demo shows the whole replica, not only what earlier demos did not
            "-a", "incremental=0",
            # a replica on this machine needs no politeness delay
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        ]  # fmt: skip
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawler.settings"}
        return subprocess.run(command, env=env, check=False).returncode


def serve(site: str, port: int, output_dir: Path) -> int:
    """Serve the replica until Ctrl-C (or SIGTERM), after printing what to try against it."""
    try:
        server, spider = replica_server(site, port)
    except OSError as error:
        print(f"Cannot serve on port {port} ({error}): try --port N", file=sys.stderr)
        return 1
    stopped = threading.Event()
    # Ctrl-C and SIGTERM both stop serving, whatever the shell that started us set up: a
    # script's background job inherits SIGINT ignored, and Ctrl-C would never reach Python.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    with server:
        print(try_it(site, server.url, spider, output_dir.absolute()), flush=True)
        # A timed wait, again and again: Python runs signal handlers in the main thread between
        # bytecodes, and a wait without end may not wake for a signal another thread received.
        while not stopped.wait(0.5):
            pass
    print(f"Stopped serving the {site} replica.")
    return 0


def try_it(site: str, url: str, spider: list[str], output_dir: Path) -> str:
    """What `--serve` prints: the crawl command and a crontab line for the served replica."""
    project = Path.cwd()
    scrapy = Path(sys.executable).parent / "scrapy"
    program = _shown(scrapy, project) if scrapy.exists() else "scrapy"
    folder = _shown(output_dir, project)
    name = spider[0] if site != GENERIC_SITE else "news"
    crawl = shlex.join([program, "crawl", *spider, "-s", f"NEWSCRAWLER_OUTPUT_DIR={folder}"])
    cron = (
        f"*/10 * * * *  cd {shlex.quote(str(project))} && mkdir -p {shlex.quote(folder)} && {crawl}"
        f" --logfile {shlex.quote(folder)}/{name}.log"
        f' || echo "newscrawler {name}: exit status $? (see {folder}/{name}.log)"'
    )
    return "\n".join([
        f"Serving the {site} replica on {url} until Ctrl-C.",
        "",
        f"Crawl it as cron would, into {folder}/ with a state of its own"
        f" ({folder}/.state/), so the real output/.state/ is left alone:",
        "",
        f"    {crawl}",
        "",
        "Run it twice: the second run emits nothing new (exit status 0). A crontab line"
        " (crontab -e) for it:",
        "",
        f"    {cron}",
        "",
        "Stop the server (Ctrl-C), and the next run exits with status 5 (site unreachable).",
    ])  # fmt: skip


def _shown(path: Path, project: Path) -> str:
    """A path as the user types it: relative to the project folder when inside it."""
    try:
        return str(path.relative_to(project))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
