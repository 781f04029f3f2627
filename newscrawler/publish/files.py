"""Files that appear complete or not at all.

A file is written under a hidden temporary name in the folder of its published name
(`.<name>.<token>.part`), flushed and synced to disk, and renamed to its name; the folder is
synced too. A consumer that lists `*.jsonl` therefore sees only complete files with complete
lines, and a published file survives a power cut.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".part"


def temp_path_for(final: Path) -> Path:
    """A hidden temporary name next to `final` that no `*.jsonl` pattern matches."""
    return final.with_name(f".{final.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def sync_file(file: IO[bytes]) -> None:
    """Everything written to `file` is on disk when this returns."""
    file.flush()
    os.fsync(file.fileno())


def fsync_folder(folder: Path) -> None:
    """Make a rename or a new file in `folder` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rename_into_place(temp: Path, final: Path) -> None:
    """Rename a complete temporary file to its published name, durably."""
    os.replace(temp, final)
    fsync_folder(final.parent)


def write_atomically(path: Path, data: bytes) -> None:
    """Write a small file so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(path)
    with temp.open("xb") as file:
        file.write(data)
        sync_file(file)
    rename_into_place(temp, path)
