"""`python -m newscrawler.demo [--site NAME]` (`make demo`): crawl a bundled replica offline
(shz.de unless `--site` names another: every site profile has one, and `generic` is a
fictional paper without a profile, crawled by the `news` spider from its robots.txt).

Serves the replica on 127.0.0.1, runs the real `scrapy crawl <site>` against it and writes
`output/demo/<UTC timestamp>.jsonl`, then checks every line against the published schema.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from newscrawler.demo import GENERIC_ORIGIN, GENERIC_SITE, SITES_DIR
from newscrawler.demo.server import RehostedReplica, ReplicaServer
from newscrawler.schema import article_json_schema


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
    parser = argparse.ArgumentParser(prog="python -m newscrawler.demo", description=__doc__)
    replicas = sorted(path.name for path in SITES_DIR.iterdir() if path.is_dir())
    parser.add_argument("--site", default="shz", choices=replicas,
                        help="replica to crawl (default: shz)")  # fmt: skip
    parser.add_argument("--output-dir", type=Path, default=Path("output/demo"))
    args = parser.parse_args(argv)

    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    args.output_dir.mkdir(parents=True, exist_ok=True)
    output = args.output_dir / f"{stamp}.jsonl"
    status = crawl_replica(args.site, output)
    if status != 0 or not output.exists():
        print(f"The crawl failed (exit status {status}).", file=sys.stderr)
        return status or 1
    count, errors = validate(output)
    print(f"\n{count} articles written to {output}")
    for error in errors:
        print(f"schema error: {error}", file=sys.stderr)
    if not errors:
        print("Every line validates against schema/news_article.schema.json.")
    return 1 if errors else 0


def crawl_replica(site: str, output: Path) -> int:
    """Serve the replica of `site`, crawl it with its spider into `output`; the exit status."""
    server: ReplicaServer
    if site == GENERIC_SITE:
        server = RehostedReplica(SITES_DIR / site, origin=GENERIC_ORIGIN)
        spider = ["news", "-a", f"site={server.url}"]
    else:
        server = ReplicaServer(SITES_DIR / site)
        spider = [site, "-a", f"base_url={server.url}"]
    with server:
        print(f"Serving the {site} replica on {server.url}")
        command = [
            sys.executable, "-m", "scrapy", "crawl", *spider, "-O", str(output),
            # every demo shows the whole replica, not only what earlier demos did not
            "-a", "incremental=0",
            # a replica on this machine needs no politeness delay
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        ]  # fmt: skip
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "newscrawler.settings"}
        return subprocess.run(command, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
