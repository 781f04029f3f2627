"""What the WARC tests share: reading an item's record back, warcio's checker, pywb as a real
replay engine, and WARC files in Common Crawl's CC-NEWS layout built from the replicas.

pywb pins an old redis client that clashes with ours: it lives in a virtualenv of its own,
`.venv-pywb`, which `make pywb` (run by `make test` and `.ci/run`) creates. Without it the pywb
tests skip, with the reason; in CI they fail.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import resolve
from newscrawler.sites import PROFILES
from tests.support.paths import PROJECT_ROOT
from tests.support.scale import free_port, in_ci, wait_until

PYWB_BIN = PROJECT_ROOT / ".venv-pywb" / "bin"
WARCIO = Path(sys.executable).with_name("warcio")


@dataclass
class RecordRead:
    """A record read back at a pointer: its WARC headers, HTTP headers, payload as stored and
    decoded, and whether the pointer's bytes were exactly one gzip member."""

    warc_headers: dict[str, str]
    http_headers: StatusAndHeaders
    raw_payload: bytes
    payload: bytes
    one_member: bool


def read_pointer(folder: Path, pointer: dict[str, Any]) -> RecordRead:
    """The record an item's `warc` field points at (relative to the item's folder)."""
    path = folder / pointer["file"]
    with path.open("rb") as file:
        file.seek(pointer["offset"])
        member = file.read(pointer["length"])
    inflater = zlib.decompressobj(31)
    inflater.decompress(member)
    one_member = inflater.eof and not inflater.unused_data
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    raw = record.raw_stream.read()
    decoded = next(iter(ArchiveIterator(io.BytesIO(member))))  # chunks and gzip undone
    payload = decoded.content_stream().read()
    headers = dict(record.rec_headers.headers)
    return RecordRead(headers, record.http_headers, raw, payload, bool(one_member))


def warcio_check(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    """`warcio check -v` (digests of every record) on WARC files."""
    command = [str(WARCIO), "check", "-v", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def warc_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(offset, WARC headers) of every record of a file, in order."""
    with path.open("rb") as file:
        iterator = ArchiveIterator(file)
        found = []
        for record in iterator:
            found.append((iterator.get_record_offset(), dict(record.rec_headers.headers)))
        return found


# --- pywb ---------------------------------------------------------------------------------------


def require_pywb() -> Path:
    if not (PYWB_BIN / "wayback").exists():
        message = f"pywb is not installed in {PYWB_BIN.parent} (make pywb)"
        if in_ci():
            pytest.fail(f"{message}: CI must run the replay tests")
        pytest.skip(message)
    return PYWB_BIN


class PywbServer:
    """pywb's `wayback` on 127.0.0.1 over a collection of WARC files, in `folder`."""

    def __init__(self, folder: Path, archives: list[Path], collection: str = "news"):
        self.bin = require_pywb()
        self.folder = folder
        self.archives = archives
        self.collection = collection
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, timestamp: str, target: str, mode: str = "id_") -> str:
        return f"http://127.0.0.1:{self.port}/{self.collection}/{timestamp}{mode}/{target}"

    def __enter__(self) -> PywbServer:
        self.folder.mkdir(parents=True, exist_ok=True)
        manage = str(self.bin / "wb-manager")
        for command in (
            [manage, "init", self.collection],
            [manage, "add", self.collection, *map(str, self.archives)],
        ):
            subprocess.run(command, cwd=self.folder, check=True, capture_output=True, timeout=120)
        log = (self.folder / "pywb.log").open("ab")
        command = [str(self.bin / "wayback"), "-p", str(self.port), "-b", "127.0.0.1"]
        self.process = subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=log)
        log.close()
        wait_until(self._answers, 60, f"pywb on port {self.port}", interval=0.2)
        return self

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError((self.folder / "pywb.log").read_text(errors="replace")[-2000:])
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=2),
        ):
            return True
        return False

    def get(self, url: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- WARC files in CC-NEWS's layout -------------------------------------------------------------


@dataclass
class CcNewsWarc:
    """A WARC/1.0 file as Common Crawl's CC-NEWS writes them: a warcinfo record, then per page
    a request, a response (payload stored decoded, the original codings in `X-Crawler-*`
    headers) and a metadata record, one gzip member each."""

    path: Path
    records: list[bytes] = field(default_factory=list)
    date: str = "2022-01-21T12:00:00Z"

    def _member(self, record: Any) -> bytes:
        buffer = io.BytesIO()
        WARCWriter(buffer, gzip=True, warc_version="1.0").write_record(record)
        return buffer.getvalue()

    def _writer(self) -> WARCWriter:
        return WARCWriter(io.BytesIO(), gzip=True, warc_version="1.0")

    def warcinfo(self) -> None:
        info = {
            "software": "StormCrawler 2.3 https://stormcrawler.net/",
            "isPartOf": "CC-NEWS",
            "operator": "Common Crawl Admin (info@commoncrawl.org)",
            "format": "WARC File Format 1.0",
        }
        self.records.append(self._member(self._writer().create_warcinfo_record("x", info)))

    def page(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str = "text/html; charset=UTF-8",
        status: str = "200 OK",
        extra_headers: list[tuple[str, str]] | None = None,
        payload: bytes | None = None,
    ) -> None:
        """request, response, metadata; `payload` replaces the stored payload (a chunked or
        gzipped one: `extra_headers` then says so)."""
        writer = self._writer()
        record_id = f"<urn:uuid:{uuid.uuid4()}>"
        headers = [
            ("Date", "Fri, 21 Jan 2022 12:00:00 GMT"),
            ("Content-Type", content_type),
            ("X-Crawler-Content-Encoding", "gzip"),
            ("X-Crawler-Content-Length", str(len(body) // 3)),
            ("Content-Length", str(len(payload if payload is not None else body))),
            *(extra_headers or []),
        ]
        common = {"WARC-Date": self.date, "WARC-IP-Address": "192.0.2.1"}
        parts = urlsplit(url)
        request = writer.create_warc_record(
            url,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {parts.path or '/'} HTTP/1.1",
                [("Host", parts.netloc), ("User-Agent", "CCBot/2.0")],
                is_http_request=True,
            ),
            warc_headers_dict={**common, "WARC-Concurrent-To": record_id},
        )
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(payload if payload is not None else body),
            length=len(payload if payload is not None else body),
            http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"),
            warc_headers_dict={**common, "WARC-Record-ID": record_id},
        )
        metadata = writer.create_warc_record(
            url,
            "metadata",
            payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
            length=len(b"fetchTimeMs: 120\r\n"),
            warc_content_type="application/warc-fields",
            warc_headers_dict={**common, "WARC-Refers-To": record_id},
        )
        self.records += [self._member(request), self._member(response), self._member(metadata)]

    def revisit(self, url: str) -> None:
        writer = self._writer()
        record = writer.create_revisit_record(
            url,
            "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            url,
            "2022-01-01T00:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1"),
        )
        self.records.append(self._member(record))

    def write(self, *, cut_last: int = 0) -> Path:
        """The file; `cut_last` bytes cut off its end (a download broken off)."""
        data = b"".join(self.records)
        self.path.write_bytes(data[: len(data) - cut_last])
        return self.path

    @staticmethod
    def chunked(data: bytes, size: int = 1000) -> bytes:
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def replica_articles(site: str) -> Iterator[tuple[str, bytes, dict[str, Any]]]:
    """(URL on the real site, HTML, what `expected.json` says of it) of a replica's articles."""
    expected = json.loads((SITES_DIR / site / "expected.json").read_text(encoding="utf-8"))
    host = PROFILES[site].hosts[0]
    for path, article in expected["articles"].items():
        page = resolve(SITES_DIR / site, path)
        assert page is not None, path
        yield f"https://{host}{path}", page.read_bytes(), article
