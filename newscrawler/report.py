"""report.html: the page a person opens to see how a site's crawls go, rewritten after each run
beside the site's JSON lines (the folder of the run summary).

Plots of items per run, field coverage over time and failures (failed extractions, 4xx and 5xx
shares), drawn by matplotlib as inline SVG when the report is written; the last run's monitor
results and its revisit and version counts as tables. One self-contained file: no script, no
font or style from the network (SVG text is drawn as paths).
"""

from __future__ import annotations

import html
import io
import logging
import time
from typing import TYPE_CHECKING, Any

# (matplotlib's object-oriented API: no pyplot, so no backend or global figure state)
from matplotlib.figure import Figure

from newscrawler.items import COVERED_FIELDS
from newscrawler.publish.files import write_atomically
from newscrawler.publish.layout import feed_folder, run_stamp

if TYPE_CHECKING:
    from pathlib import Path

    from scrapy.crawler import Crawler

# (its font search logs hundreds of DEBUG lines per report)
logging.getLogger("matplotlib").setLevel(logging.INFO)
logger = logging.getLogger(__name__)

REPORT_NAME = "report.html"
SVG_METADATA: dict[str, Any] = {"Creator": None, "Date": None, "Format": None, "Type": None}
RUNS_PLOTTED = 60

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; background: #fff; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .3em .6em; }
.fail { background: #fdd; } .pass { background: #dfd; } .skip { color: #777; }
svg { max-width: 100%; height: auto; }
"""


def svg(figure: Figure) -> str:
    """The figure as an inline `<svg>` element (text as paths: no font to load)."""
    buffer = io.StringIO()
    # (text as paths, the default, so the page needs no font; no metadata: its RDF block
    # names creativecommons.org and the time of writing)
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata=SVG_METADATA)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def labels(runs: list[dict[str, Any]]) -> list[str]:
    return [str(run.get("started_at") or "?")[5:16].replace("T", " ") for run in runs]


def line_plot(runs: list[dict[str, Any]], series: dict[str, list[Any]], title: str) -> str:
    figure = Figure(figsize=(9, 3))
    axes = figure.subplots()
    x = range(len(runs))
    for name, values in series.items():
        axes.plot(x, [v if v is not None else float("nan") for v in values], marker="o",
                  label=name)  # fmt: skip
    axes.set_title(title)
    axes.set_xticks(list(x), labels(runs), rotation=45, ha="right", fontsize=7)
    axes.grid(alpha=0.3)
    if len(series) > 1:
        axes.legend(fontsize=7, loc="best")
    return svg(figure)


def plots(runs: list[dict[str, Any]]) -> list[str]:
    """Items per run, coverage over time, failures: oldest run first."""
    coverage = {
        name: [run.get("coverage", {}).get(name) for run in runs] for name in COVERED_FIELDS
    }
    failures = {
        name: [run.get(name) for run in runs]
        for name in ("failed_extractions", "http_4xx", "http_5xx")
    }
    return [
        line_plot(runs, {"items": [run.get("items", 0) for run in runs]}, "Items per run"),
        line_plot(runs, coverage, "Field coverage of the article pages extracted"),
        line_plot(runs, failures, "Failures (share of pages / responses)"),
    ]


def monitor_rows(last: dict[str, Any]) -> str:
    rows = []
    for result in last.get("monitors") or []:
        status = str(result.get("status"))
        css = {"FAIL": "fail", "ERROR": "fail", "OK": "pass"}.get(status, "skip")
        reason = html.escape(str(result.get("reason") or ""))
        rows.append(
            f'<tr class="{css}"><td>{html.escape(str(result.get("monitor")))}</td>'
            f"<td>{html.escape(status)}</td><td>{reason}</td></tr>"
        )
    return "".join(rows) or '<tr><td colspan="3">no monitor ran</td></tr>'


def render(site: str, history: list[dict[str, Any]]) -> str:
    """The report's HTML from the site's history (newest first)."""
    runs = list(reversed(history[:RUNS_PLOTTED]))
    last = history[0] if history else {}
    counts = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{last.get(name, 0)}</td></tr>"
        for label, name in (
            ("items", "items"), ("requests", "requests"), ("revisits", "revisits"),
            ("answered 304 Not Modified", "not_modified"), ("new versions", "new_versions"),
        )
    )  # fmt: skip
    figures = "\n".join(plots(runs)) if runs else "<p>No run recorded yet.</p>"
    verdict = "passed" if last.get("good") else "FAILED"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(site)}: crawl report</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{html.escape(site)}: crawl report</h1>
<p>Last run {html.escape(str(last.get("started_at")))}: monitors {verdict};
{len(history)} runs in the history.</p>
<h2>Last run's monitors</h2>
<table><tr><th>monitor</th><th>status</th><th>figures</th></tr>{monitor_rows(last)}</table>
<h2>Last run's revisits and versions</h2>
<table>{counts}</table>
<h2>Runs</h2>
{figures}
</body>
</html>
"""


def report_path(crawler: Crawler, site: str) -> Path:
    return feed_folder(crawler.settings, site, run_stamp(crawler)) / REPORT_NAME


def write_report(crawler: Crawler, history: list[dict[str, Any]]) -> None:
    """Rewrite the site's report (atomically); a failure costs the report, not the run."""
    site = crawler.spider.name if crawler.spider else str(crawler.spidercls.name)
    path = report_path(crawler, site)
    # (after the crawl, on the reactor's thread: nothing else runs by then)
    started = time.perf_counter()
    try:
        write_atomically(path, render(site, history).encode("utf-8"))
    except (OSError, ValueError) as error:
        logger.warning("Could not write the report %s: %s", path, error)
        return
    logger.info("Report: %s (%.2f s)", path, time.perf_counter() - started)
