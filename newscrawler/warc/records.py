"""A fetched page as WARC/1.1 records: `response` and `request`, and the `warcinfo` that opens
each file.

warcio builds the records (headers, `WARC-Block-Digest`, `WARC-Payload-Digest`, lengths). Its
writer compresses every record with zlib level 9, which costs three and a half times the CPU of
level 1 for the dev set's pages sent uncompressed (benchmarks/warc.py, part 0: more than
extracting the page) for a file a sixth smaller; so warcio writes each record uncompressed into
a buffer and `gzip_member` compresses it as one gzip member at `NEWSCRAWLER_WARC_GZIP_LEVEL`
(default 1). For the gzip- or brotli-encoded bodies news sites send, the level barely changes
the size.

What Scrapy cannot give as received (see `CAPTURE_NOTES`, written into every warcinfo record):
the status line's reason phrase is the standard one for the code; header names are spelt the
way Scrapy normalises them, in its order, repeated headers grouped; a chunked body is stored without
its chunk framing, its `Transfer-Encoding` header renamed `X-Crawler-Transfer-Encoding` (as
Common Crawl does). The body itself is as it came over the wire, `Content-Encoding` included.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

WARC_VERSION = "1.1"
CONFORMS_TO = "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
DEFAULT_GZIP_LEVEL = 1

CAPTURE_NOTES = (
    "HTTP exchanges as Scrapy received and sent them. Response bodies are as transferred"
    " (Content-Encoding kept, captured before decompression). Reconstructed, as Scrapy does"
    " not keep them: the status line's reason phrase (the standard one for the code), the"
    " spelling of header names (Title-Case) and their order (repeated headers grouped);"
    " chunked bodies are stored without their chunk framing and their Transfer-Encoding"
    " header is renamed X-Crawler-Transfer-Encoding. Request records hold the headers Scrapy"
    " sent plus the Host header its HTTP client adds; Proxy-Authorization is left out."
)

DROPPED_REQUEST_HEADERS = frozenset({b"proxy-authorization"})
"""Sent to a proxy, not to the site: no business in an archive."""


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as the capture took them from Scrapy."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int
    protocol: str
    """`HTTP/1.1`, as Scrapy reports it."""
    response_headers: list[tuple[str, str]]
    body: bytes
    """The body as transferred (still content-encoded)."""
    fetched_at: datetime
    ip_address: str | None = None
    truncated: bool = False
    """Scrapy flagged the body as partial (the connection was lost)."""


@dataclass(frozen=True)
class ExchangeRecords:
    """An exchange as WARC records, each a complete gzip member: the response record, then
    the request record (`WARC-Concurrent-To` it)."""

    response: bytes
    request: bytes
    record_id: str
    """The response record's WARC-Record-ID."""


def exchange_records(exchange: Exchange, gzip_level: int = DEFAULT_GZIP_LEVEL) -> ExchangeRecords:
    """Build and compress an exchange's records (CPU-heavy: run it off the event loop)."""
    builder = RecordBuilder(WARC_VERSION)
    common = {"WARC-Date": warc_date(exchange.fetched_at)}
    protocol = (exchange.protocol or "HTTP/1.1").lower()
    response_headers = {**common, "WARC-Protocol": protocol}
    if exchange.ip_address:
        response_headers["WARC-IP-Address"] = exchange.ip_address
    if exchange.truncated:
        response_headers["WARC-Truncated"] = "disconnect"
    response = builder.create_warc_record(
        exchange.url,
        "response",
        payload=io.BytesIO(exchange.body),
        length=len(exchange.body),
        http_headers=response_status_and_headers(exchange),
        warc_headers_dict=response_headers,
    )
    record_id = response.rec_headers.get_header("WARC-Record-ID")
    request = builder.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        http_headers=request_status_and_headers(exchange),
        warc_headers_dict={**common, "WARC-Protocol": protocol, "WARC-Concurrent-To": record_id},
    )
    return ExchangeRecords(
        response=record_member(response, gzip_level),
        request=record_member(request, gzip_level),
        record_id=record_id,
    )


def warcinfo_record(filename: str, info: dict[str, Any], gzip_level: int) -> bytes:
    """The warcinfo record that opens a file, as a gzip member."""
    record = RecordBuilder(WARC_VERSION).create_warcinfo_record(filename, info)
    return record_member(record, gzip_level)


def record_member(record: Any, gzip_level: int) -> bytes:
    """A record serialised by warcio (digests, lengths) and compressed as one gzip member."""
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False, warc_version=WARC_VERSION).write_record(record)
    return gzip_member(buffer.getbuffer(), gzip_level)


def gzip_member(data: bytes | memoryview, level: int) -> bytes:
    """`data` as one complete gzip member (zlib releases the GIL while it compresses)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def warc_date(moment: datetime) -> str:
    """WARC/1.1 date: UTC with microseconds (`2022-01-21T11:31:00.123456Z`)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def response_status_and_headers(exchange: Exchange) -> StatusAndHeaders:
    try:
        phrase = HTTPStatus(exchange.status).phrase
    except ValueError:
        phrase = ""
    headers = []
    for name, value in exchange.response_headers:
        # the chunk framing is gone from the body
        chunked = name.lower() == "transfer-encoding"
        headers.append(("X-Crawler-Transfer-Encoding" if chunked else name, value))
    return StatusAndHeaders(
        f"{exchange.status} {phrase}".strip(), headers, protocol=exchange.protocol or "HTTP/1.1"
    )


def request_status_and_headers(exchange: Exchange) -> StatusAndHeaders:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = [
        (name, value)
        for name, value in exchange.request_headers
        if name.lower().encode() not in DROPPED_REQUEST_HEADERS
    ]
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("Host", parts.netloc))  # as Twisted's HTTP client adds it
    return StatusAndHeaders(
        f"{exchange.method} {target} {exchange.protocol or 'HTTP/1.1'}",
        headers,
        is_http_request=True,
    )
