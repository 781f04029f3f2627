"""Web archives: what writing WARC costs a crawl, how fast `scrapy crawl warc` re-extracts, how
fast warcio and FastWARC read, and whether memory stays flat in the size of a WARC file.

    python benchmarks/warc.py [--n 1500] [--rounds 3] [--large-mb 1024 256] [--pages DIR]

0. One page's records: warcio's own writer (zlib level 9 for every record) against ours (warcio
   builds the record, we compress it as one gzip member at level 1 or 6), ms per page.
1. Crawl throughput, WARC off and on, side by side: `scrapy crawl news -a sitemap=...` against
   benchmarks/page_server.py (the dev set's real pages, served uncompressed: the most zlib work
   per page), rounds alternating off/on; pages/s (median), CPU ms per page of the crawl process
   and its workers, peak RSS of the process tree, WARC bytes per page.
2. `scrapy crawl warc` over the WARC file of the last "on" round (N pages, one site), against
   the extraction limit (single-core extraction rate x usable CPUs, measured in this process on
   the same pages), the same way crawl_throughput.py measures `scrapy crawl news`.
3. Reading a large WARC file (generated: the dev set's pages under 50 hosts, 2 % of them the
   chosen site, one gzip member per record, level 1) with warcio and with FastWARC: MB/s of
   compressed file, every record's headers read, the chosen site's payloads read.
4. `scrapy crawl warc` over large files of different sizes: with `-a site=` a site none of the
   records is of (filtering alone) and with `-a site=shz` (2 % of the records extracted):
   elapsed time against the FastWARC scan of the same file (is filtering as fast as reading?),
   peak RSS of the process tree (flat in the file's size?).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from crawl_throughput import (  # noqa: E402
    MIB,
    SCRAPY,
    PageServer,
    Setup,
    TreeMonitor,
    local_pages,
    run_crawl,
    seconds_per_page,
    stat,
)
from extraction import ROOT, load_pages  # noqa: E402

from newscrawler.warc.records import Exchange, exchange_records, warcinfo_record  # noqa: E402
from newscrawler.workers import usable_cpus  # noqa: E402

CHOSEN = "www.shz.de"


# --- 0. One page's records -------------------------------------------------------------------


def page_exchange(url: str, body: bytes) -> Exchange:
    return Exchange(
        url=url,
        method="GET",
        request_headers=[("User-Agent", "benchmark")],
        request_body=b"",
        status=200,
        protocol="HTTP/1.1",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
        fetched_at=_now(),
    )


def record_costs(pages: list[tuple[str, bytes]]) -> None:
    from warcio.recordbuilder import RecordBuilder
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def warcio_writer(url: str, body: bytes) -> int:
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        builder = RecordBuilder("1.1")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = builder.create_warc_record(
            url, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
        )
        writer.write_record(record)
        return out.tell()

    def ours(level: int) -> Callable[[str, bytes], int]:
        def build(url: str, body: bytes) -> int:
            return len(exchange_records(page_exchange(url, body), level).response)

        return build

    print("\n== 0. One page's WARC records (response record; ms per page, one core) ==")
    candidates = [("warcio WARCWriter (level 9)", warcio_writer)]
    candidates += [(f"ours, level {level}", ours(level)) for level in (1, 6)]
    raw = sum(len(body) for _, body in pages)
    for name, build in candidates:
        started = time.perf_counter()
        size = sum(build(url, body) for url, body in pages)
        ms = (time.perf_counter() - started) / len(pages) * 1000
        print(f"{name:<28} {ms:6.1f} ms/page, {size / raw:.0%} of the page's size")


# --- 1. Crawls with WARC off and on ---------------------------------------------------------


def crawl_rounds(args: argparse.Namespace, pages: list[tuple[str, bytes]], workdir: Path) -> Path:
    server = PageServer(args.n, args.pages)
    tasks = local_pages(pages, server.origin, args.n)
    runs: dict[str, list] = {"off": [], "on": []}  # type: ignore[type-arg]
    limits = []
    warc_bytes = []
    try:
        base = Setup(server, args.n, workdir, args.concurrency, [])
        for number in range(1, args.rounds + 1):
            limits.append(seconds_per_page(tasks))
            for mode in ("off", "on"):
                setup = replace(base, settings=["NEWSCRAWLER_WARC=True"] if mode == "on" else [])
                for old in workdir.glob("C.*"):
                    old.unlink()
                run = run_crawl("C", setup)
                runs[mode].append(run)
                warc = workdir / "C.warc.gz"
                if mode == "on":
                    warc_bytes.append(warc.stat().st_size if warc.exists() else 0)
                    warc.rename(workdir / "crawl.warc.gz")
                print(
                    f"  round {number} WARC {mode}: {run.rate:6.1f} pages/s, {run.items} items,"
                    f" peak RSS {run.peak_rss / MIB:.0f} MiB, other {run.other_cores:.2f} cores"
                    + "".join(f" ! {note}" for note in run.notes),
                    flush=True,
                )
    finally:
        server.close()
    cores = usable_cpus()
    limit = cores / statistics.median(limits)
    print(f"\n== 1. Crawl throughput, WARC off and on (N = {args.n}, {cores} CPUs) ==")
    print(
        "{:<10} {:>8}  {:<22} {:>8} {:>10} {:>8}".format(
            "", "pages/s", "rounds", "main ms", "workers ms", "RSS MiB"
        )
    )
    medians = {}
    for mode, mode_runs in runs.items():
        rates = [r.rate for r in mode_runs]
        medians[mode] = statistics.median(rates)
        middle = sorted(mode_runs, key=lambda r: r.rate)[len(mode_runs) // 2]
        print(
            f"WARC {mode:<5} {medians[mode]:>8.1f}  {' '.join(f'{r:.1f}' for r in rates):<22}"
            f" {middle.per_page_ms(middle.main_cpu):>8.2f}"
            f" {middle.per_page_ms(middle.helper_cpu):>10.2f}"
            f" {max(r.peak_rss for r in mode_runs) / MIB:>8.0f}"
        )
    per_page = statistics.median(warc_bytes) / args.n / 1024
    print(
        f"on/off {medians['on'] / medians['off']:.2f}; extraction limit {limit:.1f} pages/s;"
        f" WARC {per_page:.0f} KiB per page ({statistics.median(warc_bytes) / MIB:.0f} MiB)"
    )
    return workdir / "crawl.warc.gz"


# --- 2. `scrapy crawl warc` against the extraction limit --------------------------------------


@dataclass
class WarcRun:
    elapsed: float
    items: int
    taken: int
    peak_rss: int
    main_cpu: float
    helper_cpu: float


def run_warc_crawl(path: Path, workdir: Path, *site: str) -> WarcRun:
    output = workdir / "re.jsonl"
    output.unlink(missing_ok=True)
    command = [SCRAPY, "crawl", "warc", "-a", f"path={path}", "-a", "incremental=0", *site]
    command += ["-s", "LOG_LEVEL=INFO", "-O", str(output)]
    log_path = workdir / "re.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
        monitor = TreeMonitor(process.pid)
        monitor.start()
        process.wait()
        monitor.stop()
    log = log_path.read_text(errors="replace")
    if process.returncode != 0:
        print(f"   ! crawl warc exit status {process.returncode}, see {log_path}")
    return WarcRun(
        elapsed=stat(log, "elapsed_time_seconds"),
        items=int(stat(log, "item_scraped_count")),
        taken=int(stat(log, "newscrawler/warc/records_taken")),
        peak_rss=monitor.peak_rss,
        main_cpu=monitor.cpu.get(process.pid, 0.0),
        helper_cpu=monitor.helper_cpu,
    )


def reextraction(args: argparse.Namespace, warc: Path, pages: list, workdir: Path) -> None:  # type: ignore[type-arg]
    tasks = local_pages(pages, "http://127.0.0.1:1", args.n)
    cores = usable_cpus()
    rates, limits = [], []
    for _ in range(args.rounds):
        limits.append(cores / seconds_per_page(tasks))
        run = run_warc_crawl(warc, workdir)
        rates.append(run.taken / run.elapsed)
        print(
            f"  crawl warc: {rates[-1]:.1f} pages/s ({run.taken} records, {run.items} items),"
            f" CPU ms per page: main {run.main_cpu / run.taken * 1000:.2f},"
            f" workers {run.helper_cpu / run.taken * 1000:.2f};"
            f" peak RSS {run.peak_rss / MIB:.0f} MiB",
            flush=True,
        )
    rate, limit = statistics.median(rates), statistics.median(limits)
    print(f"\n== 2. scrapy crawl warc over the crawl's WARC ({args.n} pages) ==")
    print(
        f"crawl warc {rate:.1f} pages/s (rounds {' '.join(f'{r:.1f}' for r in rates)}),"
        f" extraction limit {limit:.1f} pages/s: {rate / limit:.2f} of the limit"
    )


# --- 3. and 4. Large files --------------------------------------------------------------------


def write_large_warc(path: Path, pages: list[tuple[str, bytes]], size_mb: int) -> int:
    """A WARC of ~`size_mb` MB: the pages under 50 hosts, every 50th the chosen site's.
    Returns the number of records of the chosen site."""
    chosen = 0
    with path.open("wb") as file:
        file.write(warcinfo_record(path.name, {"software": "benchmarks/warc.py"}, 1))
        number = 0
        while file.tell() < size_mb * 1_000_000:
            _, body = pages[number % len(pages)]
            host = CHOSEN if number % 50 == 0 else f"www.site{number % 49:02d}.de"
            chosen += host == CHOSEN
            # (an article URL by the shz profile's pattern: /artikel/<slug>-<8 digits>)
            url = f"https://{host}/lokales/kiel/artikel/meldung-{10_000_000 + number}"
            records = exchange_records(page_exchange(url, body))
            file.write(records.response + records.request)
            number += 1
    return chosen


def _now() -> datetime:
    return datetime.now(timezone.utc)


def read_warcio(path: Path) -> tuple[int, int]:
    from warcio.archiveiterator import ArchiveIterator

    records = taken = 0
    with path.open("rb") as file:
        for record in ArchiveIterator(file):
            records += 1
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.rec_type == "response" and f"//{CHOSEN}/" in url:
                record.content_stream().read()
                taken += 1
    return records, taken


def read_fastwarc(path: Path) -> tuple[int, int]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    records = taken = 0
    with path.open("rb") as file:
        for record in ArchiveIterator(file, parse_http=False):
            records += 1
            url = record.headers.get("WARC-Target-URI") or ""
            if record.record_type == WarcRecordType.response and f"//{CHOSEN}/" in url:
                record.parse_http()
                record.reader.read()
                taken += 1
    return records, taken


def large_files(args: argparse.Namespace, pages: list[tuple[str, bytes]], workdir: Path) -> None:
    files = []
    for size in sorted(args.large_mb):
        path = workdir / f"large-{size}.warc.gz"
        started = time.perf_counter()
        chosen = write_large_warc(path, pages, size)
        print(f"  wrote {path.name}: {path.stat().st_size / 1e6:.0f} MB,"
              f" {chosen} records of {CHOSEN} ({time.perf_counter() - started:.0f} s)",
              flush=True)  # fmt: skip
        files.append((path, chosen))
    biggest = files[-1][0]
    print(f"\n== 3. Reading {biggest.name} ({biggest.stat().st_size / 1e6:.0f} MB) ==")
    scan_seconds: dict[Path, float] = {}
    for name, reader in (("warcio", read_warcio), ("FastWARC", read_fastwarc)):
        seconds = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            records, taken = reader(biggest)
            seconds.append(time.perf_counter() - started)
        best = min(seconds)
        if name == "FastWARC":
            scan_seconds[biggest] = best
        print(
            f"{name:<9} {biggest.stat().st_size / 1e6 / best:7.1f} MB/s"
            f" ({best:.1f} s, best of {args.rounds}; {records} records, {taken} taken)"
        )
    print("\n== 4. scrapy crawl warc over large files ==")
    print(
        "{:<22} {:>6} {:<18} {:>6} {:>10} {:>16} {:>13}".format(
            "file", "MB", "-a site=", "taken", "elapsed s", "FastWARC scan s", "peak RSS MiB"
        )
    )
    for path, _ in files:
        if path not in scan_seconds:
            started = time.perf_counter()
            read_fastwarc(path)
            scan_seconds[path] = time.perf_counter() - started
        for site in ("www.nirgendwo.de", "shz"):
            run = run_warc_crawl(path, workdir, "-a", f"site={site}")
            print(
                f"{path.name:<22} {path.stat().st_size / 1e6:>6.0f} {site:<18} {run.taken:>6}"
                f" {run.elapsed:>10.1f} {scan_seconds[path]:>16.1f}"
                f" {run.peak_rss / MIB:>13.0f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1500, help="pages per crawl")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--large-mb", type=int, nargs="+", default=[256, 1024])
    parser.add_argument("--skip", default="", help="parts to skip, e.g. 12")
    args = parser.parse_args()
    pages = load_pages(args.pages)
    print(f"{len(pages)} distinct pages; load average {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="warc-bench-") as tmp:
        workdir = Path(tmp)
        if "0" not in args.skip:
            record_costs(pages)
        if "1" not in args.skip:
            warc = crawl_rounds(args, pages, workdir)
            if "2" not in args.skip:
                reextraction(args, warc, pages, workdir)
        if "3" not in args.skip:
            large_files(args, pages, workdir)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
