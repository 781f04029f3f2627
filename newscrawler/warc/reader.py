"""The HTML `response` records of WARC files, streamed, for `scrapy crawl warc`.

FastWARC reads the files (twice as fast as warcio on a large gzipped WARC, benchmarks/warc.py).
A record is judged by its WARC headers first: its type and the host of its `WARC-Target-URI`;
only records of a wanted host have their HTTP headers parsed (status 2xx, an HTML content type
or none) and their payload read. A WARC of mostly other sites is therefore filtered at the
speed of decompressing it, and memory holds one record at a time, whatever the file's size.

What a record carries on (`ArchivedResponse`): its target URI, WARC-Date, WARC-Record-ID, the
offset and length of its gzip member (or of the record, in an uncompressed file), its status
line, its HTTP headers and its payload as stored, still content-encoded where the record says so
(the transfer encoding removed): Scrapy's own middlewares decode it as in a live crawl.

Damage costs the records it touches, with a `Damage` report: a record whose payload is shorter
than its headers say, bytes at the end of a file that hold no complete record (a download cut
off), a file the reader gives up on.
"""

from __future__ import annotations

import io
import os
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecordType
from warcio.bufferedreaders import ChunkedDataReader

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class ArchivedResponse:
    """An HTML response record, as `scrapy crawl warc` replays it."""

    url: str
    """`WARC-Target-URI`: the URL as it was fetched."""
    date: datetime
    """`WARC-Date` (aware, UTC)."""
    record_id: str
    path: Path
    offset: int
    length: int
    status: int
    protocol: str
    headers: list[tuple[str, str]]
    body: bytes

    def pointer(self, folder: Path) -> dict[str, str | int]:
        """The item's `warc` field for an item written into `folder` (the file relative to it,
        POSIX separators)."""
        return {
            "file": os.path.relpath(self.path, folder).replace(os.sep, "/"),
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
        }


@dataclass(frozen=True)
class Damage:
    """Part of a WARC file that could not be read: its records are skipped."""

    path: Path
    offset: int | None
    problem: str


Found = ArchivedResponse | Damage


def warc_files(pattern: str) -> list[Path]:
    """`-a path=`: a WARC file, a folder (its `*.warc` and `*.warc.gz`, recursively, not the
    hidden ones) or a glob pattern (the WARC files it matches); sorted. ValueError when
    nothing matches."""
    given = Path(pattern).expanduser()
    if given.is_dir():
        found = [p for p in given.rglob("*") if _is_warc(p)]
    elif given.is_file():
        found = [given]
    else:
        anchor = Path(given.anchor or ".")
        relative = str(given.relative_to(anchor)) if given.anchor else pattern
        found = [p for p in anchor.glob(relative) if _is_warc(p)]
    if not found:
        raise ValueError(f"path {pattern!r} names no WARC file (.warc or .warc.gz)")
    return sorted(p.absolute() for p in found)


def _is_warc(path: Path) -> bool:
    return path.name.endswith(WARC_SUFFIXES) and not path.name.startswith(".") and path.is_file()


def parse_warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class ArchiveScan:
    """Streams the wanted records of WARC files, in batches (`next_batch`, for a thread).

    `takes_host(host)` says whether a record's host is wanted; `max_size` skips larger
    payloads. `counts` tallies the records read and why the others were skipped (`snapshot`: a
    copy made at the end of each batch, for the crawl's thread to read while the next one is
    being read).
    """

    def __init__(self, paths: Iterable[Path], takes_host: Callable[[str], bool], max_size: int):
        self.takes_host = takes_host
        self.max_size = max_size
        self.counts: Counter[str] = Counter()
        self.snapshot: dict[str, int] = {}
        self._lock = threading.Lock()
        self._found = self._all(list(paths))
        self._done = False

    def next_batch(self, max_records: int = 32, max_seconds: float = 0.2) -> list[Found] | None:
        """The next records found (at most `max_records`, after at most `max_seconds` of
        reading: an empty list means "nothing yet"); None once every file is read."""
        deadline = time.monotonic() + max_seconds
        batch: list[Found] = []
        with self._lock:
            while not self._done and len(batch) < max_records and time.monotonic() < deadline:
                item = next(self._found, None)
                if item is None:
                    self._done = True
                elif not isinstance(item, str):
                    batch.append(item)
            self.snapshot = dict(self.counts)
        return batch if batch or not self._done else None

    def close(self) -> None:
        """Stop reading (the current file is closed; waits for a batch being read)."""
        with self._lock:
            self._done = True
            self._found.close()
            self.snapshot = dict(self.counts)

    # --- Reading ---------------------------------------------------------------------------

    def _all(self, paths: list[Path]) -> Generator[Found | str, None, None]:
        """Every wanted record of every file, damage reports, and a "" now and then while
        skipping, so that `next_batch` can keep to its time."""
        for path in paths:
            self.counts["files"] += 1
            try:
                with path.open("rb") as file:
                    yield from self._file(path, file)
            except OSError as error:
                yield Damage(path, None, f"cannot be read: {error}")

    def _file(self, path: Path, file: IO[bytes]) -> Iterator[Found | str]:
        pending: ArchivedResponse | None = None
        last_offset: int | None = None
        damaged: int | None = None
        try:
            for record in ArchiveIterator(file, parse_http=False):
                offset = int(record.stream_pos)
                if pending is not None:
                    yield _with_length(pending, offset - pending.offset)
                    pending = None
                last_offset = offset
                found = self._record(path, record, offset)
                if isinstance(found, ArchivedResponse):
                    pending = found
                else:
                    damaged = offset if isinstance(found, Damage) else damaged
                    yield found or ""
        except OSError as error:  # a broken gzip member, a header it cannot parse
            if pending is not None:
                yield _with_length(pending, None)
            yield Damage(path, last_offset, f"unreadable after this record ({error})")
            return
        end, problem = record_end(file, last_offset)
        if pending is not None:
            yield _with_length(pending, end - pending.offset if end else None)
        if problem and damaged != last_offset:  # (a cut-off record is reported once)
            yield Damage(path, last_offset, problem)

    def _record(self, path: Path, record: Any, offset: int) -> Found | None:
        kind = record.record_type
        if kind not in (WarcRecordType.response, WarcRecordType.revisit):
            return None
        self.counts["records_read"] += 1
        url = record.headers.get("WARC-Target-URI") or ""
        try:
            host = (urlsplit(url.strip("<>")).hostname or "").lower()
        except ValueError:
            host = ""
        if not host or not self.takes_host(host):
            self.counts["skipped/other_site"] += 1
            return None
        if kind == WarcRecordType.revisit:  # no payload of its own: the record it repeats is taken
            self.counts["skipped/revisit"] += 1
            return None
        return self._response(path, record, url.strip("<>"), offset)

    def _response(self, path: Path, record: Any, url: str, offset: int) -> Found | None:
        record.parse_http(auto_decode="none")
        http = record.http_headers
        if http is None:
            self.counts["skipped/not_http"] += 1
            return None
        if not 200 <= (http.status_code or 0) < 300:
            self.counts["skipped/not_ok"] += 1
            return None
        content_type = (record.http_content_type or "").lower()
        if content_type and content_type not in HTML_TYPES:
            self.counts["skipped/not_html"] += 1
            return None
        expected = int(record.content_length)
        if expected > self.max_size:
            self.counts["skipped/too_large"] += 1
            return None
        raw = record.reader.read()
        if len(raw) < expected or record.headers.get("WARC-Truncated"):
            return Damage(path, offset, f"record of {url} is truncated")
        headers = [(str(k), str(v)) for k, v in http.astuples()]
        body, headers = _without_transfer_encoding(raw, headers)
        self.counts["records_taken"] += 1
        return ArchivedResponse(
            url=url,
            date=parse_warc_date(record.headers.get("WARC-Date")) or datetime.now(timezone.utc),
            record_id=str(record.headers.get("WARC-Record-ID") or ""),
            path=path,
            offset=offset,
            length=0,
            status=int(http.status_code),
            protocol=(http.status_line or "HTTP/1.1").split(" ", 1)[0],
            headers=headers,
            body=body,
        )


def _with_length(found: ArchivedResponse, length: int | None) -> ArchivedResponse:
    return replace(found, length=max(length or 0, 0))


def _without_transfer_encoding(
    raw: bytes, headers: list[tuple[str, str]]
) -> tuple[bytes, list[tuple[str, str]]]:
    """A chunked payload without its chunk framing (warcio's reader, lenient with bad
    framing), and the headers without `Transfer-Encoding`."""
    chunked = any(
        name.lower() == "transfer-encoding" and "chunked" in value.lower()
        for name, value in headers
    )
    if not chunked:
        return raw, headers
    body = ChunkedDataReader(io.BytesIO(raw)).read()
    return body, [(n, v) for n, v in headers if n.lower() != "transfer-encoding"]


# --- Where the last record ends -----------------------------------------------------------------


def record_end(file: IO[bytes], offset: int | None) -> tuple[int | None, str | None]:
    """Where the record at `offset` (the last one read) ends, and what is wrong at the end of
    the file: that record cut off, or bytes after it that hold no complete record."""
    size = file.seek(0, io.SEEK_END)
    if offset is None:
        return None, ("holds no WARC record" if size else None)
    file.seek(offset)
    gzipped = file.read(2) == b"\x1f\x8b"
    file.seek(offset)
    end = _gzip_member_end(file, offset) if gzipped else _plain_record_end(file, offset)
    if end is None or end > size:
        return None, "the last record is truncated"
    if end < size:
        return end, f"{size - end} bytes after the last complete record hold no record"
    return end, None


def _gzip_member_end(file: IO[bytes], offset: int) -> int | None:
    inflater = zlib.decompressobj(zlib.MAX_WBITS + 16)
    consumed = 0
    while not inflater.eof:
        chunk = file.read(1 << 16)
        if not chunk:
            return None
        try:
            inflater.decompress(chunk)
        except zlib.error:
            return None
        consumed += len(chunk) - len(inflater.unused_data)
    return offset + consumed


def _plain_record_end(file: IO[bytes], offset: int) -> int | None:
    head = file.read(1 << 16)
    split = head.find(b"\r\n\r\n")
    if split < 0:
        return None
    length = None
    for line in head[:split].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    return None if length is None else offset + split + 4 + length + 4
