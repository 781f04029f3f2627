"""WARC records as we write them and WARC files as `scrapy crawl warc` reads them, on real files:
digests warcio's checker passes, one gzip member per record, what is not as received marked;
the reader's choice of records, its offsets and lengths, damage at the end of a file, chunked
payloads, plain `.warc` files, and the `-a path=` forms.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newscrawler.publish.warc import warc_path_beside
from newscrawler.warc.reader import ArchivedResponse, ArchiveScan, Damage, warc_files
from newscrawler.warc.records import Exchange, exchange_records, warcinfo_record
from tests.support.warc import CcNewsWarc, warc_records, warcio_check

PAGE = b"<html><head><title>Ein Artikel</title></head><body><p>%s</p></body></html>" % (
    b"Text " * 400
)
ARTICLE = "https://www.shz.de/lokales/kiel/artikel/x-41250311"


def exchange(url: str = ARTICLE, **changes: object) -> Exchange:
    values: dict[str, object] = {
        "url": url,
        "method": "GET",
        "request_headers": [("User-Agent", "newscrawler/0.1.0"), ("Proxy-Authorization", "x")],
        "request_body": b"",
        "status": 200,
        "protocol": "HTTP/1.1",
        "response_headers": [("Content-Type", "text/html; charset=utf-8")],
        "body": PAGE,
        "fetched_at": datetime(2022, 1, 21, 11, 31, 0, 123456, tzinfo=timezone.utc),
        "ip_address": "127.0.0.1",
    }
    return Exchange(**{**values, **changes})  # type: ignore[arg-type]


def write_ours(path: Path, exchanges: list[Exchange]) -> list[tuple[int, int, str]]:
    """A WARC file as the crawl writes it: (offset, length, id) of each response record."""
    written = []
    with path.open("wb") as file:
        file.write(warcinfo_record(path.name, {"software": "test"}, 1))
        for one in exchanges:
            records = exchange_records(one)
            written.append((file.tell(), len(records.response), records.record_id))
            file.write(records.response + records.request)
    return written


def scan_all(paths: list[Path], hosts: set[str] | None = None) -> tuple[list, ArchiveScan]:  # type: ignore[type-arg]
    scan = ArchiveScan(paths, lambda host: hosts is None or host in hosts, 16 * 1024 * 1024)
    found = []
    while (batch := scan.next_batch()) is not None:
        found += batch
    return found, scan


def test_records_pass_warcio_check_one_gzip_member_each(tmp_path: Path) -> None:
    path = tmp_path / "x.warc.gz"
    chunked = exchange(
        "https://www.shz.de/a-2",
        response_headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
    )
    written = write_ours(path, [exchange(), chunked])
    checked = warcio_check([path])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    records = warc_records(path)
    assert [h["WARC-Type"] for _, h in records] == [
        "warcinfo", "response", "request", "response", "request",
    ]  # fmt: skip
    data = path.read_bytes()
    for offset, length, record_id in written:
        inflater = zlib.decompressobj(31)
        member = inflater.decompress(data[offset : offset + length])
        assert inflater.eof and not inflater.unused_data  # exactly one member
        assert f"WARC-Record-ID: {record_id}".encode() in member
    response, request = records[1][1], records[2][1]
    assert response["WARC-Date"] == "2022-01-21T11:31:00.123456Z"
    assert response["WARC-IP-Address"] == "127.0.0.1"
    assert request["WARC-Concurrent-To"] == response["WARC-Record-ID"]
    text = gzip.decompress(data).decode("utf-8", "replace")
    assert "GET /lokales/kiel/artikel/x-41250311 HTTP/1.1\r\nHost: www.shz.de\r\n" in text
    assert "Proxy-Authorization" not in text
    assert "X-Crawler-Transfer-Encoding: chunked" in text and "\nTransfer-Encoding" not in text


def test_the_reader_takes_the_sites_html_responses_with_their_members(tmp_path: Path) -> None:
    path = tmp_path / "ours.warc.gz"
    pages = [exchange(f"https://www.shz.de/a-{n}") for n in range(3)]
    other = exchange("https://www.ndr.de/b-1")
    image = exchange(
        "https://www.shz.de/foto.jpg", response_headers=[("Content-Type", "image/jpeg")]
    )
    missing = exchange("https://www.shz.de/weg", status=404)
    written = write_ours(path, [pages[0], other, image, pages[1], missing, pages[2]])
    found, scan = scan_all([path], {"www.shz.de"})
    assert all(isinstance(f, ArchivedResponse) for f in found)
    assert [f.url for f in found] == [p.url for p in pages]
    expected = [written[i] for i in (0, 3, 5)]
    assert [(f.offset, f.length, f.record_id) for f in found] == expected
    assert found[0].body == PAGE and found[0].status == 200
    assert found[0].date == datetime(2022, 1, 21, 11, 31, 0, 123456, tzinfo=timezone.utc)
    assert scan.counts["skipped/other_site"] == 1
    assert scan.counts["skipped/not_html"] == 1
    assert scan.counts["skipped/not_ok"] == 1


def test_a_cut_off_file_and_trailing_garbage_are_reported_once(tmp_path: Path) -> None:
    whole = tmp_path / "whole.warc.gz"
    write_ours(whole, [exchange(f"https://www.shz.de/a-{n}") for n in range(3)])
    data = whole.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[:-50])
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(data + b"\x1f\x8b\x08\x00 broken")
    found, _ = scan_all([cut])
    damage = [f for f in found if isinstance(f, Damage)]
    assert len(damage) == 1 and "truncated" in damage[0].problem
    assert len([f for f in found if isinstance(f, ArchivedResponse)]) == 3  # the cut is a request
    found, _ = scan_all([garbage])
    assert [type(f).__name__ for f in found].count("Damage") == 1
    assert len([f for f in found if isinstance(f, ArchivedResponse)]) == 3


def test_chunked_and_encoded_payloads_and_plain_warc_files(tmp_path: Path) -> None:
    warc = CcNewsWarc(tmp_path / "cc.warc.gz")
    encoded = gzip.compress(PAGE)
    warc.page(
        "https://www.shz.de/c-1",
        PAGE,
        payload=CcNewsWarc.chunked(encoded),
        extra_headers=[("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked")],
    )
    path = warc.write()
    (found,), _ = scan_all([path])
    assert found.body == encoded  # chunk framing gone, content encoding kept for Scrapy
    assert all(name.lower() != "transfer-encoding" for name, _ in found.headers)
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    (found_plain,), _ = scan_all([plain])
    assert found_plain.body == encoded
    head = plain.read_bytes()[found_plain.offset : found_plain.offset + 20]
    assert head.startswith(b"WARC/1.0")
    data = plain.read_bytes()
    assert data[found_plain.offset + found_plain.length :].startswith(b"WARC/1.0")  # the next


def test_path_argument_forms(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/1.warc.gz", "a/2.warc", "b.warc.gz", "a/.hidden.warc.gz", "a/notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert warc_files(str(tmp_path / "a")) == [tmp_path / "a/1.warc.gz", tmp_path / "a/2.warc"]
    assert warc_files(str(tmp_path / "b.warc.gz")) == [tmp_path / "b.warc.gz"]
    assert warc_files(str(tmp_path / "*.warc.gz")) == [tmp_path / "b.warc.gz"]
    assert warc_files(str(tmp_path / "a" / "*.warc*")) == [
        tmp_path / "a/1.warc.gz", tmp_path / "a/2.warc",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="names no WARC file"):
        warc_files(str(tmp_path / "c" / "*.warc.gz"))


def test_the_warc_file_beside_a_json_lines_file() -> None:
    assert warc_path_beside(Path("/o/shz/20220121T113100Z-0001.jsonl")) == Path(
        "/o/shz/20220121T113100Z-0001.warc.gz"
    )
    assert warc_path_beside(Path("/o/x.jl")) == Path("/o/x.warc.gz")
    assert warc_path_beside(Path("/o/x.out")) == Path("/o/x.out.warc.gz")
