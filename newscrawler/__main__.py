"""`python -m newscrawler ...`: small tools around the crawler.

python -m newscrawler extract --url URL [--explain] FILE|-   one page -> one JSON line
python -m newscrawler schema                       the item's JSON Schema
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import asdict
from urllib.parse import urlsplit

from newscrawler.schema import article_json_schema_text


def _read_page(path: str) -> bytes:
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _page_url(given: str | None) -> str:
    """`--url`: the page's http(s) address; `ValueError` with what to give instead."""
    if not given:
        raise ValueError(
            "extract needs --url URL, the page's address (http or https): it names the site"
            " (the item's `site`), resolves relative links and chooses the site's rules"
        )
    parts = urlsplit(given.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"--url {given!r} is not an http(s) URL with a host, such as"
            " https://www.shz.de/lokales/kiel/artikel/ein-artikel-41251577"
        )
    return given.strip()


def _cmd_extract(args: argparse.Namespace) -> int:
    from newscrawler.explain import explanation  # noqa: PLC0415 (heavy imports)
    from newscrawler.extract import extract_page  # noqa: PLC0415

    try:
        url = _page_url(args.url)
    except ValueError as error:
        print(f"python -m newscrawler extract: {error}", file=sys.stderr)
        return 2
    try:
        html = _read_page(args.file)
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    page = extract_page(html, url)
    print(json.dumps(asdict(page.article), ensure_ascii=False))
    if args.explain:
        for line in explanation(html, page):
            print(line, file=sys.stderr)
    return 0


def _cmd_schema(_: argparse.Namespace) -> int:
    sys.stdout.write(article_json_schema_text())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawler",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract one article page to a JSON line")
    extract.add_argument("file", help="HTML file (may be gzipped), or - for stdin")
    extract.add_argument(
        "--url",
        help="the page's http(s) URL (required: the item's site, relative links, site rules)",
    )
    extract.add_argument(
        "--explain",
        action="store_true",
        help="also print the page type, the source of each field, everything removed with the"
        " reason and what trafilatura left out (to stderr)",
    )
    extract.set_defaults(run=_cmd_extract)
    schema = commands.add_parser("schema", help="print the JSON Schema of the exported item")
    schema.set_defaults(run=_cmd_schema)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
