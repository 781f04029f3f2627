"""What a written file holds, read back from the file itself.

The journal seals a file with the articles found in it, not with those the run meant to write:
what a published file holds is what counts as emitted.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

READABLE_FORMATS = frozenset({"jsonlines", "jsonl", "jl", "json"})
"""Feed formats whose items can be read back (JSON lines and JSON)."""


def read_item_urls(path: Path, feed_format: str, offset: int = 0) -> set[str] | None:
    """The `url` of every item in a feed file (gzip or plain), in JSON lines from byte
    `offset` on (what a run appended); None for formats we cannot read back (only JSON lines
    and JSON are)."""
    if feed_format not in READABLE_FORMATS:
        return None
    data = _read_from(path, offset)
    items = _json_array(data, path) if feed_format == "json" else _json_lines(data)
    return {item["url"] for item in items if isinstance(item, dict) and item.get("url")}


def _read_from(path: Path, offset: int) -> bytes:
    """The file's content from byte `offset` on; a gzipped file whole and decompressed."""
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        with gzip.open(path, "rb") as file:
            return file.read()
    with path.open("rb") as file:
        file.seek(offset)  # (`-o x.json` appends a second array: read this run's)
        return file.read()


def _json_lines(data: bytes) -> list[Any]:
    items = []
    for line in data.splitlines():
        with contextlib.suppress(ValueError):
            items.append(json.loads(line))
    return items


def _json_array(data: bytes, path: Path) -> list[Any]:
    try:
        items = json.loads(data)
    except ValueError as error:
        logger.warning(
            "Could not read back %s as JSON (%s): its articles are not recorded in the"
            " state and come again in the next run",
            path,
            error,
        )
        return []
    return items if isinstance(items, list) else []
