"""Extraction speed: `extract_page` next to plain trafilatura, and where its time goes.

    python benchmarks/extraction.py [--pages DIR ...] [--rounds N] [--input bytes|text]

Pages: both dev sets (`../shared/devset`, `../shared/devset-intl`: gzipped real pages listed in
cases.jsonl) when they are there, else the golden test pages under tests/extract/fixtures.
Prints, per set, measured in this one run on the same pages, page by page in turn (so that a
busy machine slows all of them alike):

- CPU milliseconds per page (median, mean, p95) of `extract_page` and of
  `trafilatura.bare_extraction(html, url=url)` with and without its metadata pass (with it: what
  the dev-set scorer runs as its trafilatura baseline), and the ratios of the means;
- the same per pass of the pipeline (`newscrawler.extract.page.extract_page_with_rules`), timed
  by wrapping each pass's function for this run only.

CPU time (`time.process_time`), the fastest of `--rounds` runs of each page: other programs on
the machine change it less than wall time.

Both systems get each page as `--input`: `bytes` (the default) as served, what a crawler hands
over (trafilatura decodes them itself, at once for UTF-8); `text` decoded first, as the dev-set
scorer calls trafilatura.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from newscrawler.extract import body, extract_page, newsroom, page  # noqa: E402

# The passes, as the pipeline calls them: (label, module, function name).
PASSES: list[tuple[str, Any, str]] = [
    ("parse (decode, lxml, meta, JSON-LD)", page, "parse_document"),
    ("strip code", page, "strip_code"),
    ("paywall", page, "find_paywall"),
    ("remove unreadable", page, "remove_unreadable"),
    ("trafilatura", body, "_run_trafilatura"),
    ("trafilatura -> blocks", body, "blocks_from_body"),
    ("metadata fields", page, "read_fields"),
    ("cleanup passes", page, "clean_blocks"),
    ("teaser, body", page, "_body"),
    ("newsroom (agencies, dateline, edition)", newsroom, "read_newsroom"),
    ("page type", page, "_classify"),
    ("item (image, counts, fingerprint)", page, "_article"),
]


def load_pages(folder: Path) -> list[tuple[str, bytes]]:
    """(url, html as served) of every page in a dev-set folder, or of the golden test pages."""
    cases = folder / "cases.jsonl"
    pages: list[tuple[str, bytes]] = []
    if cases.is_file():
        for line in cases.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            data = (folder / "pages" / case["file"]).read_bytes()
            pages.append((case["url"], gzip.decompress(data)))
    else:
        fixtures = ROOT / "tests" / "extract" / "fixtures"
        for expected in sorted(fixtures.glob("*.json")):
            url = json.loads(expected.read_text(encoding="utf-8"))["url"]
            pages.append((url, expected.with_suffix(".html").read_bytes()))
    return pages


class PassClock:
    """Wraps the pipeline's pass functions for one run and adds up their CPU time per page."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.originals: list[tuple[Any, str, Callable[..., Any]]] = []

    def __enter__(self) -> PassClock:
        for label, module, name in PASSES:
            original = getattr(module, name)
            self.originals.append((module, name, original))
            setattr(module, name, self._timed(label, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for module, name, original in self.originals:
            setattr(module, name, original)

    def _timed(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.current[label] += time.process_time() - start

        return timed

    def take(self) -> dict[str, float]:
        taken, self.current = dict(self.current), defaultdict(float)
        return taken


def cpu_time(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def measure(pages: list[tuple[str, bytes | str]], rounds: int) -> dict[str, list[float]]:
    """Seconds per page of each system and each pass, page by page in turn."""
    times: dict[str, list[float]] = defaultdict(list)
    extract_page(pages[0][1], pages[0][0])  # warm-up: imports, caches
    for url, html in pages:
        plain = functools.partial(trafilatura.bare_extraction, html, url=url)
        times["trafilatura with metadata"].append(
            cpu_time(functools.partial(plain, with_metadata=True), rounds)
        )
        times["trafilatura without metadata"].append(cpu_time(plain, rounds))
        ours = functools.partial(extract_page, html, url)
        times["newscrawler extract_page"].append(cpu_time(ours, rounds))
        with PassClock() as clock:
            extract_page(html, url)
        passes = clock.take()
        for label, _, _ in PASSES:
            times[f"  {label}"].append(passes.get(label, 0.0))
    return times


def report(times: dict[str, list[float]]) -> None:
    baseline = statistics.fmean(times["trafilatura with metadata"])
    print(f"{'ms per page (CPU)':<40} {'median':>7} {'mean':>7} {'p95':>7} {'mean/traf':>9}")
    for name, values in times.items():
        ms = sorted(value * 1000 for value in values)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        ratio = statistics.fmean(values) / baseline
        print(
            f"{name:<40} {statistics.median(ms):>7.1f} {statistics.fmean(ms):>7.1f} "
            f"{p95:>7.1f} {ratio:>9.2f}"
        )
    print("(passes are timed in a run of their own, so they need not add up to the total)")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    shared = ROOT.parent / "shared"
    parser.add_argument(
        "--pages", type=Path, nargs="+", default=[shared / "devset", shared / "devset-intl"]
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs per page; the fastest counts")
    parser.add_argument(
        "--input", choices=("bytes", "text"), default="bytes", help="pages as served or decoded"
    )
    args = parser.parse_args()
    for folder in args.pages:
        pages: list[tuple[str, bytes | str]] = list(load_pages(folder))
        if args.input == "text":
            pages = [(url, html.decode("utf-8", "replace")) for url, html in load_pages(folder)]
        source = folder if (folder / "cases.jsonl").is_file() else "tests/extract/fixtures"
        print(f"\n== {len(pages)} pages from {source}, as {args.input}")
        report(measure(pages, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
