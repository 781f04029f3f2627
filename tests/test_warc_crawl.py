"""A crawl of the shz.de replica with `-s NEWSCRAWLER_WARC=True`, as cron runs it (batches of two
articles): WARC files beside the JSON lines that warcio's checker passes, pointers that read
back the page as served (a gzip-encoded one still gzip-encoded) and re-extract to the item,
`scrapy crawl warc` over our own WARC giving the same items, pywb replaying the archived
pages, the CDXJ index and a WACZ that `wacz validate` accepts.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newscrawler.demo import SITES_DIR
from newscrawler.demo.server import ReplicaServer, Reply, resolve
from newscrawler.extensions.outcome import ExitStatus
from newscrawler.extract import extract_page
from newscrawler.urls import replace_origin, strip_tracking
from tests.support.crawl import run_crawl
from tests.support.cron import Run, feeds_setting, run_cron
from tests.support.paths import PROJECT_ROOT
from tests.support.replica import REPLICA_ARTICLES, SHZ
from tests.support.warc import PywbServer, read_pointer, warc_records, warcio_check

pytestmark = pytest.mark.slow

BLINKEN = (
    "/deutschland-welt/politik/artikel/"
    "blinken-und-lawrow-in-genf-letzte-chance-fuer-deeskalation-41250311"
)
GZIPPED = "/lokales/kiel/artikel/kieler-woche-2022-programm-steht-fest-41251577"
WARC_ON = {"NEWSCRAWLER_WARC": "True"}


@dataclass
class Archived:
    """The crawl with WARC on: its output folder, run, replica and what the server sent."""

    folder: Path
    run: Run
    site: Path
    origin: str
    gzipped_body: bytes

    @property
    def warcs(self) -> list[Path]:
        return sorted(self.folder.glob("*.warc.gz"))


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Archived:
    root = tmp_path_factory.mktemp("warc-crawl")
    site = Path(shutil.copytree(SITES_DIR / "shz", root / "site"))
    page = resolve(site, GZIPPED)
    assert page is not None
    gzipped = gzip.compress(page.read_bytes(), mtime=0)
    encoded = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
    routes = {GZIPPED: lambda _: Reply(200, encoded, gzipped)}
    with ReplicaServer(site, routes=routes) as server:
        run = run_cron(
            "shz",
            root / "out",
            args={"base_url": server.url},
            settings={**WARC_ON, "FEEDS": feeds_setting(root / "out", batch=2)},
        )
        origin = server.url
    assert run.returncode == ExitStatus.OK, run.log[-3000:]
    return Archived(root / "out" / "shz", run, site, origin, gzipped)


def test_warc_files_lie_beside_the_json_lines_and_pass_warcio_check(archived: Archived) -> None:
    lines = sorted(archived.folder.glob("*.jsonl"))
    assert len(lines) == 3  # five articles in batches of two
    assert {path.name.replace(".jsonl", ".warc.gz") for path in lines} <= {
        path.name for path in archived.warcs
    }
    assert archived.run.summary is not None
    assert set(map(str, archived.warcs)) <= set(archived.run.summary["files"])
    checked = warcio_check(archived.warcs)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("digest pass") >= 3 * len(REPLICA_ARTICLES)
    for path in archived.warcs:
        records = warc_records(path)
        assert records[0][1]["WARC-Type"] == "warcinfo"
        responses = {h["WARC-Record-ID"]: h for _, h in records if h["WARC-Type"] == "response"}
        requests = [h for _, h in records if h["WARC-Type"] == "request"]
        assert {h["WARC-Concurrent-To"] for h in requests} == set(responses)
        for headers in responses.values():
            assert headers["WARC-Target-URI"].startswith(archived.origin)
            assert headers["WARC-Protocol"] == "http/1.1"


def test_items_point_into_the_warc_file_beside_their_json_lines_file(
    archived: Archived,
) -> None:
    for lines in sorted(archived.folder.glob("*.jsonl")):
        for line in lines.read_text(encoding="utf-8").splitlines():
            assert json.loads(line)["warc"]["file"] == lines.name.replace(".jsonl", ".warc.gz")


def test_warcinfo_names_the_crawler_its_settings_and_what_is_not_as_received(
    archived: Archived,
) -> None:
    with gzip.open(archived.warcs[0], "rb") as file:
        head = file.read(4000).decode("utf-8", "replace")
    assert "software: newscrawler/" in head and "Scrapy/" in head
    assert "http-header-user-agent: newscrawler/" in head
    assert "operator: https://" in head and "robots: obey" in head
    assert "DOWNLOAD_DELAY=" in head and "reason phrase" in head


def test_every_pointer_reads_back_its_page_which_re_extracts_to_the_item(
    archived: Archived,
) -> None:
    items = archived.run.items
    assert sorted(urlsplit(item["url"]).path for item in items) == sorted(REPLICA_ARTICLES)
    for item in items:
        record = read_pointer(archived.folder, item["warc"])
        assert record.one_member
        assert record.warc_headers["WARC-Type"] == "response"
        assert record.warc_headers["WARC-Record-ID"] == item["warc"]["record_id"]
        assert strip_tracking(record.warc_headers["WARC-Target-URI"]) == item["url"]
        site_url = replace_origin(item["url"], SHZ)
        again = extract_page(record.payload, site_url).article
        assert (again.title, again.body, again.fingerprint) == (
            item["title"],
            item["body"],
            item["fingerprint"],
        )
        assert item["crawled_at"] == record.warc_headers["WARC-Date"][:19] + "+00:00"


def test_the_body_is_stored_as_received_content_encoding_included(archived: Archived) -> None:
    (item,) = [i for i in archived.run.items if urlsplit(i["url"]).path == GZIPPED]
    record = read_pointer(archived.folder, item["warc"])
    assert record.http_headers.get_header("Content-Encoding") == "gzip"
    assert record.raw_payload == archived.gzipped_body
    assert record.http_headers.statusline == "200 OK"


def test_re_extracting_our_own_warc_gives_the_same_items(
    archived: Archived, tmp_path: Path
) -> None:
    again = run_cron(
        "warc",
        tmp_path,
        args={"path": str(archived.folder), "site": "shz", "base_url": archived.origin},
    )
    assert again.returncode == ExitStatus.OK, again.log[-3000:]
    before = {item["url"]: item for item in archived.run.items}
    after = {item["url"]: item for item in again.items}
    assert set(after) == set(before), again.log[-6000:]
    for url, item in after.items():
        differing = {key for key in item if item[key] != before[url][key]}
        assert differing <= {"crawled_at", "warc"}, (url, differing)
        # the pointer names the record the live crawl's item points at
        folder = tmp_path / "shz"
        assert (folder / item["warc"]["file"]).resolve() == (
            archived.folder / before[url]["warc"]["file"]
        ).resolve()
        assert item["warc"]["offset"] == before[url]["warc"]["offset"]
        assert item["warc"]["record_id"] == before[url]["warc"]["record_id"]


def test_pywb_serves_the_archived_article(archived: Archived, tmp_path: Path) -> None:
    item = next(i for i in archived.run.items if urlsplit(i["url"]).path == BLINKEN)
    page = resolve(archived.site, BLINKEN)
    assert page is not None
    with PywbServer(tmp_path / "pywb", archived.warcs) as pywb:
        stamp = item["crawled_at"][:19].replace("-", "").replace(":", "").replace("T", "")
        status, headers, body = pywb.get(pywb.url(stamp, item["url"]))
        assert status == 200, body[:500]
        assert body == page.read_bytes()
        assert "Memento-Datetime" in headers
        # the gzip-encoded page too, and the rewritten (browsing) view of the article
        gzipped = next(i for i in archived.run.items if urlsplit(i["url"]).path == GZIPPED)
        status, _, body = pywb.get(pywb.url(stamp, gzipped["url"]))
        assert status == 200 and b"Kieler Woche 2022" in body
        status, _, body = pywb.get(pywb.url(stamp, item["url"], mode="mp_"))
        assert status == 200 and b"Blinken und Lawrow in Genf" in body


def newscrawler_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newscrawler", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_cdxj_index_of_the_folder(archived: Archived) -> None:
    done = newscrawler_command("warc", "index", str(archived.folder))
    assert done.returncode == 0, done.stderr
    lines = (archived.folder / "index.cdxj").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
    responses = sum(
        1 for path in archived.warcs for _, h in warc_records(path) if h["WARC-Type"] == "response"
    )
    assert len(entries) == responses
    for item in archived.run.items:
        entry = next(e for e in entries if e["offset"] == str(item["warc"]["offset"])
                     and e["filename"] == item["warc"]["file"])  # fmt: skip
        assert (entry["url"], entry["length"]) == (item["url"], str(item["warc"]["length"]))


def test_a_wacz_that_wacz_validate_accepts(archived: Archived, tmp_path: Path) -> None:
    output = tmp_path / "shz.wacz"
    done = newscrawler_command("warc", "pack", str(archived.folder), str(output))
    assert done.returncode == 0, done.stderr
    validate = Path(sys.executable).with_name("wacz")
    checked = subprocess.run(
        [str(validate), "validate", "-f", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Validation succeeded" in checked.stdout
    with zipfile.ZipFile(output) as wacz:
        pages = wacz.read("pages/pages.jsonl").decode().splitlines()
        archives = [name for name in wacz.namelist() if name.startswith("archive/")]
    titles = {json.loads(line).get("title") for line in pages[1:]}
    assert titles == {item["title"] for item in archived.run.items}
    assert sorted(archives) == sorted(f"archive/{path.name}" for path in archived.warcs)


def test_warc_needs_a_local_json_lines_file(tmp_path: Path, shz_server: ReplicaServer) -> None:
    result = run_crawl(
        "shz", output=Path("-:jsonlines"), args={"base_url": shz_server.url}, settings=WARC_ON
    )
    assert result.returncode == ExitStatus.NOT_STARTED
    assert "needs a local feed file" in result.log


def test_pointers_of_items_to_any_json_lines_file(archived: Archived, tmp_path: Path) -> None:
    """`-O file` writes `file.warc.gz` beside it."""
    output = tmp_path / "one.jsonl"
    with ReplicaServer(archived.site) as server:
        result = run_crawl("shz", output=output, args={"base_url": server.url}, settings=WARC_ON)
    assert result.returncode == ExitStatus.OK, result.log[-2000:]
    assert {item["warc"]["file"] for item in result.items} == {"one.warc.gz"}
    for item in result.items:
        assert read_pointer(tmp_path, item["warc"]).warc_headers["WARC-Target-URI"]
