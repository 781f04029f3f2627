"""`python -m newscrawler ...`: small tools around the crawler.

python -m newscrawler extract [--url URL] [--explain] FILE|-   one page -> one JSON line
python -m newscrawler schema                       the item's JSON Schema
python -m newscrawler redis-acl [--user U] [--prefix P] [--acl-file]
                                                   the Redis ACL of the crawlers' user
python -m newscrawler warc index FOLDER            FOLDER/index.cdxj of its WARC files
python -m newscrawler warc pack FOLDER OUT.wacz    a WACZ of its WARC files and articles
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import asdict
from pathlib import Path

from newscrawler.schema import article_json_schema_text


def _read_page(path: str) -> bytes:
    data = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()  # noqa: SIM115
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _cmd_extract(args: argparse.Namespace) -> int:
    from newscrawler.extract import extract_page  # noqa: PLC0415 (heavy import)

    try:
        html = _read_page(args.file)
    except OSError as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    url = args.url or (Path(args.file).resolve().as_uri() if args.file != "-" else "about:blank")
    page = extract_page(html, url)
    print(json.dumps(asdict(page.article), ensure_ascii=False))
    if args.explain:
        print(f"page type: {page.page_type} (is_article={page.is_article})", file=sys.stderr)
        print(f"signals: {', '.join(page.article_signals) or '-'}", file=sys.stderr)
        for name, layer in page.field_sources:
            print(f"  {name:<15} from {layer}", file=sys.stderr)
        for reason, text in page.dropped_blocks:
            shown = text if len(text) <= 70 else text[:67] + "..."
            print(f"  dropped ({reason}): {shown}", file=sys.stderr)
    return 0


def _cmd_schema(_: argparse.Namespace) -> int:
    sys.stdout.write(article_json_schema_text())
    return 0


def _cmd_redis_acl(args: argparse.Namespace) -> int:
    from newscrawler.redis_access import BadPrefix, acl_setuser  # noqa: PLC0415

    try:
        line = acl_setuser(args.user, args.prefix)
    except BadPrefix as error:
        print(error, file=sys.stderr)
        return 2
    # An ACL file (redis.conf `aclfile`) has the same rules after `user`.
    print(line.replace("ACL SETUSER ", "user ", 1) if args.acl_file else line)
    return 0


def _cmd_warc(args: argparse.Namespace) -> int:
    from newscrawler.warc import tools  # noqa: PLC0415 (only this command needs it)

    try:
        if args.action == "index":
            written = tools.write_index(Path(args.folder))
        else:
            written = tools.write_wacz(Path(args.folder), Path(args.output))
    except tools.ToolError as error:
        print(f"warc {args.action}: {error}", file=sys.stderr)
        return 2
    print(written)
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
    extract.add_argument("--url", help="the page's URL (for relative links and site rules)")
    extract.add_argument(
        "--explain",
        action="store_true",
        help="also print the page type, the source of each field and the text blocks the "
        "cleanup removed (to stderr)",
    )
    extract.set_defaults(run=_cmd_extract)
    schema = commands.add_parser("schema", help="print the JSON Schema of the exported item")
    schema.set_defaults(run=_cmd_schema)
    acl = commands.add_parser(
        "redis-acl", help="print the Redis ACL of a user limited to what the crawlers do"
    )
    acl.add_argument("--user", default="newscrawler", help="the user's name (newscrawler)")
    acl.add_argument(
        "--prefix",
        default="newscrawler",
        help="the deployment's NEWSCRAWLER_REDIS_PREFIX (newscrawler)",
    )
    acl.add_argument(
        "--acl-file", action="store_true", help="as a line of an ACL file, not ACL SETUSER"
    )
    acl.set_defaults(run=_cmd_redis_acl)
    warc = commands.add_parser("warc", help="index or package an output folder's WARC files")
    actions = warc.add_subparsers(dest="action", required=True)
    index = actions.add_parser("index", help="write FOLDER/index.cdxj (CDXJ, for pywb)")
    index.add_argument("folder", help="an output folder, e.g. output/shz/")
    index.set_defaults(run=_cmd_warc)
    pack = actions.add_parser("pack", help="write a WACZ (ReplayWeb.page; Python >= 3.11)")
    pack.add_argument("folder", help="an output folder, e.g. output/shz/")
    pack.add_argument("output", help="the WACZ file to write, e.g. shz.wacz")
    pack.set_defaults(run=_cmd_warc)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
