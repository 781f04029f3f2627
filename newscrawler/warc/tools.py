"""`python -m newscrawler warc index|pack FOLDER`: a CDXJ index and a WACZ package of the WARC
files in an output folder, for replay tools (pywb, ReplayWeb.page).

- `index FOLDER`: `FOLDER/index.cdxj`, sorted, by cdxj-indexer (pywb's own indexer), file
  names relative to the folder; written atomically.
- `pack FOLDER OUT.wacz`: a WACZ by the `wacz` package (Webrecorder's reference tool, which
  `wacz validate` checks), with a page list of the articles the folder's JSON lines point at
  (URL and headline). The `wacz` package needs Python >= 3.11 (`pip install
  'newscrawler[wacz]'`).

Only published files count: `*.warc.gz`/`*.warc` and `*.jsonl`, never hidden `.part` files.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from newscrawler.publish.files import rename_into_place, temp_path_for

INDEX_NAME = "index.cdxj"


class ToolError(Exception):
    """A command cannot do what it was asked (the message says why)."""


def published_warcs(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ToolError(f"{folder} is not a folder")
    found = sorted(
        path
        for path in folder.iterdir()
        if path.name.endswith((".warc.gz", ".warc")) and not path.name.startswith(".")
    )
    if not found:
        raise ToolError(f"{folder} holds no WARC file (crawl with -s NEWSCRAWLER_WARC=True)")
    return found


def write_index(folder: Path) -> Path:
    """`folder/index.cdxj` over the folder's WARC files; its path."""
    from cdxj_indexer import CDXJIndexer  # noqa: PLC0415 (only this command needs it)

    warcs = published_warcs(folder)
    index = folder / INDEX_NAME
    temp = temp_path_for(index)
    try:
        indexer = CDXJIndexer(
            str(temp), [str(path) for path in warcs], sort=True, dir_root=str(folder)
        )
        indexer.process_all()
        rename_into_place(temp, index)
    finally:
        temp.unlink(missing_ok=True)
    return index


def read_record_head(path: Path, offset: int) -> dict[str, str]:
    """The WARC headers of the record at `offset` (a pointer's record)."""
    with path.open("rb") as file:
        file.seek(offset)
        record = next(iter(ArchiveIterator(file)))
        return dict(record.rec_headers.headers)


def article_pages(folder: Path, warcs: list[Path]) -> Iterator[dict[str, Any]]:
    """WACZ page entries of the articles the folder's JSON lines point at, in those WARCs."""
    packed = {path.resolve() for path in warcs}
    for lines in sorted(folder.glob("*.jsonl")):
        if lines.name.startswith("."):
            continue
        for line in lines.read_text(encoding="utf-8").splitlines():
            with contextlib.suppress(ValueError, TypeError, KeyError):
                item = json.loads(line)
                pointer = item["warc"]
                warc = (folder / pointer["file"]).resolve()
                if warc in packed:
                    head = read_record_head(warc, int(pointer["offset"]))
                    yield {
                        "url": head["WARC-Target-URI"],
                        "ts": head["WARC-Date"],
                        "title": item.get("title") or item["url"],
                    }


def write_wacz(folder: Path, output: Path) -> Path:
    """A WACZ of the folder's WARC files and its articles' page list; its path."""
    try:
        from wacz.main import main as wacz_main  # noqa: PLC0415 (optional, Python >= 3.11)
    except ImportError:
        raise ToolError(
            "WACZ needs the wacz package (Python >= 3.11): pip install 'newscrawler[wacz]'"
        ) from None
    warcs = published_warcs(folder)
    output = output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(output)
    pages = temp.with_name(temp.name + ".pages.jsonl")
    try:
        header = {"format": "json-pages-1.0", "id": "pages", "title": "Articles"}
        entries = [header, *article_pages(folder, warcs)]
        pages.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        arguments = ["create", "-o", str(temp), "--title", folder.name]
        if len(entries) > 1:
            arguments += ["--pages", str(pages)]
        else:
            arguments += ["--detect-pages"]
        with contextlib.redirect_stdout(sys.stderr):  # its progress lines
            status = wacz_main([*arguments, *(str(path) for path in warcs)])
        if status:
            raise ToolError(f"wacz create failed (status {status})")
        rename_into_place(temp, output)
    finally:
        temp.unlink(missing_ok=True)
        pages.unlink(missing_ok=True)
    return output
