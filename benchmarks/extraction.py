"""Extraction speed: `extract_page` next to plain trafilatura, and where the time goes.

    python benchmarks/extraction.py [--pages DIR] [--rounds N]

Pages: both dev sets (`../shared/devset`, `../shared/devset-intl`: gzipped real pages listed in
cases.jsonl) when they are there, else the golden test pages under tests/extract/fixtures.
Prints, per set, measured in this one run on the same pages:

- median and mean milliseconds per page for `extract_page` and for
  `trafilatura.bare_extraction(html, url=url, with_metadata=True)` (what the dev-set scorer runs
  as its trafilatura baseline), and their ratio;
- the split of `extract_page`'s time over its stages, from a cProfile run (cumulative time of
  each stage's entry function, per page).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from newscrawler.extract import extract_page  # noqa: E402

# Stage -> (module file suffix, function name) of the functions whose cumulative time is the stage.
STAGES: dict[str, list[tuple[str, str]]] = {
    "decode + parse": [("extract/html.py", "decode_html"), ("extract/html.py", "parse_html")],
    "meta tags + JSON-LD": [
        ("extract/meta.py", "read_meta"),
        ("extract/jsonld.py", "jsonld_nodes"),
        ("extract/title.py", "main_heading"),
    ],
    "paywall + unreadable parts": [
        ("extract/paywall.py", "find_paywall"),
        ("extract/page.py", "remove_unreadable"),
        ("extract/paywall.py", "page_reference"),
    ],
    "trafilatura": [("extract/body.py", "_run_trafilatura")],
    "metadata fields": [
        ("extract/document.py", "strip_code"),
        ("extract/page.py", "read_fields"),
        ("extract/media.py", "lead_image"),
    ],
    "cleanup (blocks, passes, teaser)": [
        ("extract/body.py", "blocks_from_body"),
        ("extract/cleanup.py", "clean_blocks"),
        ("extract/page.py", "_with_shown_teaser"),
    ],
    "page type": [("extract/pagetype.py", "classify")],
}


def load_pages(folder: Path) -> list[tuple[str, str]]:
    """(url, html) of every page in a dev-set folder, or of the golden test pages."""
    cases = folder / "cases.jsonl"
    if cases.is_file():
        pages = []
        for line in cases.read_text(encoding="utf-8").splitlines():
            case = json.loads(line)
            data = (folder / "pages" / case["file"]).read_bytes()
            pages.append((case["url"], gzip.decompress(data).decode("utf-8")))
        return pages
    fixtures = ROOT / "tests" / "extract" / "fixtures"
    pages = []
    for expected in sorted(fixtures.glob("*.json")):
        url = json.loads(expected.read_text(encoding="utf-8"))["url"]
        pages.append((url, expected.with_suffix(".html").read_bytes().decode("utf-8", "replace")))
    return pages


def time_per_page(
    run: Callable[[str, str], object], pages: list[tuple[str, str]], rounds: int
) -> list[float]:
    run(pages[0][1], pages[0][0])  # warm-up: imports, caches
    best: list[float] = []
    for url, html in pages:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            run(html, url)
            times.append(time.perf_counter() - start)
        best.append(min(times))
    return best


def stage_split(pages: list[tuple[str, str]]) -> dict[str, float]:
    profile = cProfile.Profile()
    profile.enable()
    for url, html in pages:
        extract_page(html, url)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    split = {}
    for stage, functions in STAGES.items():
        total = 0.0
        for (filename, _, name), (_, _, _, cumulative, _) in stats.items():
            if any(filename.endswith(suffix) and name == wanted for suffix, wanted in functions):
                total += cumulative
        split[stage] = total / len(pages)
    whole = sum(
        cumulative
        for (filename, _, name), (_, _, _, cumulative, _) in stats.items()
        if filename.endswith("extract/page.py") and name == "extract_page"
    )
    split["total (profiled)"] = whole / len(pages)
    return split


def report(pages: list[tuple[str, str]], rounds: int) -> None:
    ours = time_per_page(extract_page, pages, rounds)
    theirs = time_per_page(
        lambda html, url: trafilatura.bare_extraction(html, url=url, with_metadata=True),
        pages,
        rounds,
    )
    print(f"{'system':<28} {'median ms':>10} {'mean ms':>10}")
    for name, times in (
        ("newscrawler extract_page", ours),
        ("trafilatura bare_extraction", theirs),
    ):
        median, mean = statistics.median(times) * 1000, statistics.fmean(times) * 1000
        print(f"{name:<28} {median:>10.1f} {mean:>10.1f}")
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"median ratio newscrawler / trafilatura: {ratio:.2f}")

    split = stage_split(pages)
    total = split["total (profiled)"]
    print(f"\n{'stage (cProfile, per page)':<34} {'ms':>8} {'share':>7}")
    for stage, seconds in split.items():
        print(f"{stage:<34} {seconds * 1000:>8.2f} {seconds / total:>7.0%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    shared = ROOT.parent / "shared"
    parser.add_argument(
        "--pages", type=Path, nargs="+", default=[shared / "devset", shared / "devset-intl"]
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs per page; the fastest counts")
    args = parser.parse_args()
    for folder in args.pages:
        pages = load_pages(folder)
        source = folder if (folder / "cases.jsonl").is_file() else "tests/extract/fixtures"
        print(f"\n== {len(pages)} pages from {source}")
        report(pages, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
