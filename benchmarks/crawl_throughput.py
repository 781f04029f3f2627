"""Crawl throughput: `scrapy crawl news` against the framework's limit, a naive spider and the
machine's extraction limit, measured side by side in one run.

    python benchmarks/crawl_throughput.py [--n 1500 4500] [--rounds 3] [--pages DIR]

A fast local server (benchmarks/page_server.py, a process of its own) serves N article pages
(the dev set's real pages when `../shared/devset` is there, else the golden test pages, repeated
under distinct URLs) listed in a sitemap. Each round runs one after the other:

- A  fetch-only: Scrapy's SitemapSpider yielding a small item per page, no extraction: what the
     framework manages on this machine (downloads, middlewares, feed export);
- B  naive: the same spider calling `trafilatura.bare_extraction` inline in its callback;
- C  `scrapy crawl news -a sitemap=...`: our spider, extraction in its worker processes;
- the extraction limit: `workers.extract` (decode + extract_page: what a worker runs for a
     page) timed in this process on the same pages under the same URLs; the single-core rate
     times the CPUs this process may use;
- the trafilatura limit: plain `trafilatura.bare_extraction(html, url=url, with_metadata=True)`
     timed the same way (the rate a crawl would have if trafilatura alone cost nothing else);
- on all CPUs at once, once per size before the rounds: one process per CPU running
     `workers.extract`, then trafilatura, at the same time, no crawl. Two busy processes can
     each run slower than one alone (shared caches, hyperthreads), so "trafilatura on all CPUs
     at once" is the rate plain trafilatura alone reaches on these CPUs, and C is held to it
     (C/trafilatura on all CPUs, target 0.95); the single-core limits times the CPUs are an
     ideal no process reaches when every CPU is busy.

Crawls run the `scrapy` command with the project's settings, politeness overridden for
127.0.0.1: no delay, no AutoThrottle, CONCURRENT_REQUESTS and ..._PER_DOMAIN = --concurrency;
robots.txt is served. pages/s = N / the crawl's `elapsed_time_seconds` (spider open to close:
without interpreter start-up, with the worker pool's start-up), median of the rounds.

Columns: peak RSS and PSS of the crawl's process tree (crawl process, fork server, workers),
sampled from /proc every 0.1 s (PSS every 0.5 s); RSS counts memory shared between the processes
once per process, PSS splits it. CPU milliseconds per page of the crawl process ("main",
spider open to close), of its other processes ("workers", with their start-up) and of the
server. "other": CPU the rest of the machine used meanwhile, in cores; above ~0.15 another
program competed and the round is marked.

"CPU ceiling" is the CPUs divided by the CPU time C spends per page (main + workers + server):
the rate C would reach with every CPU busy all the time. C/limit is bounded by it.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import trafilatura  # noqa: E402
from extraction import ROOT, load_pages  # noqa: E402
from page_server import article_path  # noqa: E402

from newscrawler import settings as project_settings  # noqa: E402
from newscrawler.workers import extract, usable_cpus  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MIB = 1024 * 1024
SCRAPY = str(Path(sys.executable).with_name("scrapy"))
KINDS = {"A": "fetch-only spider", "B": "naive: trafilatura inline", "C": "scrapy crawl news"}
BUSY_ELSEWHERE = 0.15
"""Cores the rest of the machine may use during a crawl before the round is marked."""


# --- /proc ------------------------------------------------------------------------------------


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process, None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def process_rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
    except OSError:
        return 0


def process_pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def children(pid: int) -> list[int]:
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def machine_busy() -> float:
    """CPU seconds all processes on the machine have used, on all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICKS


class TreeMonitor(threading.Thread):
    """Samples a process and its descendants: peak RSS and PSS of the tree, CPU per process."""

    def __init__(self, root: int, interval: float = 0.1, pss_every: int = 5) -> None:
        super().__init__(daemon=True)
        self.root, self.interval, self.pss_every = root, interval, pss_every
        self.cpu: dict[int, float] = {}
        self.peak_rss = self.peak_pss = 0
        self._stop_event = threading.Event()

    def sample(self, count: int) -> None:
        pids, queue = [], [self.root]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            queue += children(pid)
        self.peak_rss = max(self.peak_rss, sum(process_rss(pid) for pid in pids))
        if count % self.pss_every == 0:
            self.peak_pss = max(self.peak_pss, sum(process_pss(pid) for pid in pids))
        for pid in pids:
            cpu = process_cpu(pid)
            if cpu is not None:
                self.cpu[pid] = cpu

    def run(self) -> None:
        count = 0
        while not self._stop_event.wait(self.interval):
            self.sample(count)
            count += 1

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    @property
    def helper_cpu(self) -> float:
        """CPU seconds of every process in the tree but the root."""
        return sum(cpu for pid, cpu in self.cpu.items() if pid != self.root)


# --- The server and the crawls ------------------------------------------------------------------


class PageServer:
    """benchmarks/page_server.py in its own process."""

    def __init__(self, n: int, pages_dir: Path) -> None:
        command = [sys.executable, str(HERE / "page_server.py"), "--n", str(n)]
        self.process = subprocess.Popen(
            [*command, "--pages", str(pages_dir)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("port "):
            raise RuntimeError(f"page server did not start: {line!r}")
        self.origin = f"http://127.0.0.1:{int(line.split()[1])}"

    def cpu(self) -> float:
        return process_cpu(self.process.pid) or 0.0

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the server stops at the end of its input
        self.process.wait(timeout=30)


@dataclass
class Setup:
    """What every crawl of a session shares."""

    server: PageServer
    n: int
    workdir: Path
    concurrency: int
    settings: list[str]


@dataclass
class Run:
    kind: str
    pages: int
    elapsed: float
    items: int
    responses: int
    peak_rss: int
    peak_pss: int
    main_cpu: float
    helper_cpu: float
    server_cpu: float
    other_cores: float
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.pages / self.elapsed

    def per_page_ms(self, seconds: float) -> float:
        return seconds / self.pages * 1000


def stat(log: str, key: str) -> float:
    """A number from the stats Scrapy dumps at the end of its log (0 if absent)."""
    match = re.search(rf"'{re.escape(key)}': ([0-9.]+)", log)
    return float(match.group(1)) if match else 0.0


def crawl_command(kind: str, setup: Setup, output: Path) -> list[str]:
    sitemap = f"{setup.server.origin}/sitemap.xml"
    if kind == "C":
        # A full crawl every round: incremental runs would skip what the previous round
        # emitted (and the repeated pages are one article under many URLs).
        command = ["crawl", "news", "-a", f"sitemap={sitemap}", "-a", "incremental=0"]
    else:
        mode = "fetch" if kind == "A" else "trafilatura"
        spider = str(HERE / "baseline_spider.py")
        command = ["runspider", spider, "-a", f"sitemap={sitemap}", "-a", f"mode={mode}"]
    settings = [
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=0",
        f"CONCURRENT_REQUESTS={setup.concurrency}",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={setup.concurrency}",
        "LOG_LEVEL=INFO",
        # -s EXTENSIONS replaces the project's: theirs are kept.
        "EXTENSIONS=" + json.dumps({**project_settings.EXTENSIONS, "cpu_stats.CpuStats": 0}),
        *setup.settings,
    ]
    for setting in settings:
        command += ["-s", setting]
    return [SCRAPY, *command, "-O", str(output)]


def run_crawl(kind: str, setup: Setup) -> Run:
    output, log_path = setup.workdir / f"{kind}.jsonl", setup.workdir / f"{kind}.log"
    path = os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}  # for the CpuStats extension
    busy_before, server_before = machine_busy(), setup.server.cpu()
    own_before = time.process_time()
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            crawl_command(kind, setup, output),
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        monitor = TreeMonitor(process.pid)
        monitor.start()
        process.wait()
        monitor.stop()
    log = log_path.read_text(encoding="utf-8", errors="replace")
    server_cpu = setup.server.cpu() - server_before
    own_cpu = time.process_time() - own_before
    main_cpu = stat(log, "benchmark/main_cpu_seconds")
    crawl_cpu = monitor.cpu.get(process.pid, main_cpu) + monitor.helper_cpu
    elapsed = stat(log, "elapsed_time_seconds") or float("nan")
    other = machine_busy() - busy_before - crawl_cpu - server_cpu - own_cpu
    run = Run(
        kind=kind,
        pages=setup.n,
        elapsed=elapsed,
        items=int(stat(log, "item_scraped_count")),
        responses=int(stat(log, "downloader/response_status_count/200")),
        peak_rss=monitor.peak_rss,
        peak_pss=monitor.peak_pss,
        main_cpu=main_cpu,
        helper_cpu=monitor.helper_cpu,
        server_cpu=server_cpu,
        other_cores=max(other, 0.0) / elapsed,
    )
    if process.returncode != 0 or math.isnan(elapsed):  # no stats dumped
        run.notes.append(f"exit status {process.returncode}, see {log_path}")
    if run.responses < setup.n:
        run.notes.append(f"only {run.responses} of {setup.n} pages fetched")
    if run.other_cores > BUSY_ELSEWHERE:
        run.notes.append(f"other programs used {run.other_cores:.2f} cores meanwhile")
    return run


# --- The extraction limit ------------------------------------------------------------------------


def local_pages(pages: list[tuple[str, bytes]], origin: str, n: int) -> list[tuple[bytes, str]]:
    """(body, URL) of the distinct pages as the crawl fetches them."""
    count = min(n, len(pages))
    return [(body, origin + article_path(i, url)) for i, (url, body) in enumerate(pages[:count])]


def seconds_per_page(tasks: list[tuple[bytes, str]], passes: int = 3) -> float:
    """Median over `passes` of the mean time of `workers.extract` on the pages, after a
    warm-up pass."""
    now = datetime.now(timezone.utc)
    for body, url in tasks:
        extract(body, url, "utf-8", now)
    seconds = []
    for _ in range(passes):
        started = time.perf_counter()
        for body, url in tasks:
            extract(body, url, "utf-8", now)
        seconds.append((time.perf_counter() - started) / len(tasks))
    return statistics.median(seconds)


def trafilatura_seconds_per_page(tasks: list[tuple[bytes, str]], passes: int = 3) -> float:
    """As `seconds_per_page`, for plain `trafilatura.bare_extraction(html, url=url,
    with_metadata=True)`: the limit issue 22 measures the crawl against."""
    for body, url in tasks:
        trafilatura.bare_extraction(body, url=url, with_metadata=True)
    seconds = []
    for _ in range(passes):
        started = time.perf_counter()
        for body, url in tasks:
            trafilatura.bare_extraction(body, url=url, with_metadata=True)
        seconds.append((time.perf_counter() - started) / len(tasks))
    return statistics.median(seconds)


def all_cores_rate(
    tasks: list[tuple[bytes, str]], timer: Callable[[list[tuple[bytes, str]]], float]
) -> float:
    """Pages/s with one process per CPU extracting at once (no crawl; `timer` is
    `seconds_per_page` or `trafilatura_seconds_per_page`): how far the CPUs scale. Two busy
    processes can each run slower than one alone (shared caches, hyperthreads of one core)."""
    cores = usable_cpus()
    with multiprocessing.get_context("forkserver").Pool(cores) as pool:
        seconds = pool.map(timer, [tasks] * cores)
    return sum(1 / s for s in seconds)


# --- Report -------------------------------------------------------------------------------------


@dataclass
class Session:
    n: int
    runs: dict[str, list[Run]] = field(default_factory=dict)
    limits: list[float] = field(default_factory=list)  # seconds per page, one core
    trafilatura_limits: list[float] = field(default_factory=list)  # the same, plain trafilatura
    all_cores: float = 0.0
    trafilatura_all_cores: float = 0.0  # pages/s, plain trafilatura on every CPU at once


def _print_limits(session: Session, cores: int, medians: dict[str, float]) -> float:
    """The rates of extraction alone, ours and trafilatura's, into `medians`; returns the
    extraction limit (pages/s)."""
    per_page = statistics.median(session.limits)
    limit = cores / per_page
    medians["limit"] = limit
    rounds = " ".join(f"{cores / s:.1f}" for s in session.limits)
    print(
        f"{'extraction limit':<32} {limit:>8.1f}  {rounds:<20} "
        f"{cores} x {1 / per_page:.1f} pages/s ({per_page * 1000:.1f} ms/page, one core)"
    )
    if session.trafilatura_limits:
        traf_per_page = statistics.median(session.trafilatura_limits)
        medians["trafilatura_limit"] = cores / traf_per_page
        print(
            f"{'trafilatura limit':<32} {cores / traf_per_page:>8.1f}  "
            f"{' '.join(f'{cores / s:.1f}' for s in session.trafilatura_limits):<20} "
            f"{cores} x plain bare_extraction with metadata ({traf_per_page * 1000:.1f} ms/page; "
            f"ours {per_page / traf_per_page:.2f} x it)"
        )
    print(
        f"{'extraction on all CPUs at once':<32} {session.all_cores:>8.1f}  {'':<20} "
        f"{cores} processes, no crawl: {session.all_cores / limit:.0%} of the limit"
    )
    if session.trafilatura_all_cores:
        medians["trafilatura_all_cores"] = session.trafilatura_all_cores
        print(
            f"{'trafilatura on all CPUs at once':<32} {session.trafilatura_all_cores:>8.1f}  "
            f"{'':<20} {cores} processes of plain bare_extraction with metadata, no crawl: the "
            "rate trafilatura alone reaches on these CPUs"
        )
    return limit


def report(session: Session, page_kib: float) -> dict[str, float]:
    cores, n = usable_cpus(), session.n
    print(f"\n== N = {n} pages ({page_kib:.0f} KiB mean), {cores} usable CPUs ==")
    print(
        f"{'':<30} {'pages/s':>8}  {'rounds':<20} {'peak MiB':>9} {'':>5} "
        f"{'CPU ms per page':^27} {'other':>6}"
    )
    print(
        f"{'':<30} {'median':>8}  {'':<20} {'RSS':>9} {'PSS':>5} "
        f"{'main':>9} {'workers':>9} {'server':>7} {'cores':>6}"
    )
    medians: dict[str, float] = {}
    for kind, label in KINDS.items():
        runs = session.runs.get(kind)
        if not runs:
            continue
        rates = [run.rate for run in runs]
        medians[kind] = statistics.median(rates)
        middle = sorted(runs, key=lambda r: r.rate)[len(runs) // 2]
        print(
            f"{kind} {label:<28} {medians[kind]:>8.1f}  "
            f"{' '.join(f'{r:.1f}' for r in rates):<20} "
            f"{max(r.peak_rss for r in runs) / MIB:>9.0f} "
            f"{max(r.peak_pss for r in runs) / MIB:>5.0f} "
            f"{middle.per_page_ms(middle.main_cpu):>9.2f} "
            f"{middle.per_page_ms(middle.helper_cpu):>9.2f} "
            f"{middle.per_page_ms(middle.server_cpu):>7.2f} {middle.other_cores:>6.2f}"
        )
        for number, run in enumerate(runs, 1):
            for note in run.notes:
                print(f"   ! {kind} round {number}: {note}")
    limit = _print_limits(session, cores, medians)
    if "C" in medians:
        c_runs = session.runs["C"]
        middle = sorted(c_runs, key=lambda r: r.rate)[len(c_runs) // 2]
        cpu_per_page = (middle.main_cpu + middle.helper_cpu + middle.server_cpu) / n
        ceiling = cores / cpu_per_page
        print(
            f"{'C CPU ceiling':<32} {ceiling:>8.1f}  {'':<20} "
            f"{cores} CPUs / {cpu_per_page * 1000:.1f} ms CPU per page = {ceiling / limit:.0%} "
            f"of the limit; C reaches {medians['C'] / ceiling:.0%} of it"
        )
        medians["C_ceiling"] = ceiling
        medians["C_peak_rss_mib"] = max(r.peak_rss for r in c_runs) / MIB
        medians["C_peak_pss_mib"] = max(r.peak_pss for r in c_runs) / MIB
        ratios = []
        if "A" in medians:
            ratios.append(f"C/A {medians['C'] / medians['A']:.2f}")
        if "B" in medians:
            ratios.append(f"C/B {medians['C'] / medians['B']:.2f} (target >= 1.8)")
        ratios.append(f"C/limit {medians['C'] / limit:.2f} (target >= 0.85)")
        if "trafilatura_limit" in medians:
            ratios.append(f"C/trafilatura limit {medians['C'] / medians['trafilatura_limit']:.2f}")
        if "trafilatura_all_cores" in medians:
            ratios.append(
                f"C/trafilatura on all CPUs {medians['C'] / medians['trafilatura_all_cores']:.2f}"
                " (target >= 0.95)"
            )
        ratios.append(f"C peak RSS {medians['C_peak_rss_mib']:.0f} MiB (target <= 600)")
        print("   ".join(ratios))
        # Each round's C beside the limit measured just before it: steadier when the machine's
        # speed drifts (other virtual machines on the host, for one).
        pairs = zip(c_runs, session.limits, strict=True)
        paired = [run.rate * per_page / cores for run, per_page in pairs]
        medians["C_limit_paired"] = statistics.median(paired)
        print(
            f"C/limit round by round: {' '.join(f'{r:.2f}' for r in paired)}, "
            f"median {medians['C_limit_paired']:.2f}"
        )
    return medians


def measure(n: int, pages: list[tuple[str, bytes]], args: argparse.Namespace) -> Session:
    session = Session(n)
    server = PageServer(n, args.pages)
    tasks = local_pages(pages, server.origin, n)
    try:
        with tempfile.TemporaryDirectory(prefix="crawl-throughput-") as tmp:
            setup = Setup(server, n, Path(tmp), args.concurrency, args.set)
            session.all_cores = all_cores_rate(tasks, seconds_per_page)
            session.trafilatura_all_cores = all_cores_rate(tasks, trafilatura_seconds_per_page)
            for number in range(1, args.rounds + 1):
                session.limits.append(seconds_per_page(tasks))
                session.trafilatura_limits.append(trafilatura_seconds_per_page(tasks))
                for kind in args.spiders:
                    run = run_crawl(kind, setup)
                    session.runs.setdefault(kind, []).append(run)
                    print(
                        f"  N={n} round {number} {kind}: {run.rate:6.1f} pages/s, "
                        f"{run.items} items, peak RSS {run.peak_rss / MIB:.0f} MiB, "
                        f"other {run.other_cores:.2f} cores",
                        flush=True,
                    )
    finally:
        server.close()
    return session


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[1500], help="pages per crawl")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--spiders", default="ABC", help="which of A, B, C to run")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a Scrapy setting for every crawl (repeatable)",
    )  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    pages = load_pages(args.pages)
    source = args.pages if (args.pages / "cases.jsonl").is_file() else "tests/extract/fixtures"
    page_kib = statistics.fmean(len(body) for _, body in pages) / 1024
    print(f"{len(pages)} distinct pages from {source}; load average {os.getloadavg()[0]:.2f}")
    figures = {}
    for n in args.n:
        figures[n] = report(measure(n, pages, args), page_kib)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
