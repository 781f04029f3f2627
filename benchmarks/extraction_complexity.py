"""What a page's tag count costs the extractor: the figures behind NEWSCRAWLER_EXTRACT_MAX_TAGS.

Each page is extracted in a fresh subprocess (`workers.extract`, as the spiders call it) so that
its peak RSS is its own. Two shapes: nested markup (hostile or broken pages) and paragraphs of
text (a very long article). Prints seconds, peak RSS and the ratio to a normal article page.

    python benchmarks/extraction_complexity.py
"""

from __future__ import annotations

import json
import subprocess
import sys

from newscrawler.spiders.base import DEFAULT_EXTRACT_MAX_TAGS

CHILD = r"""
import json, resource, sys, time
from datetime import datetime, timezone
from newscrawler.workers import extract

shape, tags = sys.argv[1], int(sys.argv[2])
head = ('<script type="application/ld+json">{"@type":"NewsArticle","headline":"T",'
        '"datePublished":"2022-01-21T12:00:00+01:00"}</script>')
paragraph = "<p>Die Straße über die Förde ist schön, sagt Jürgen Müller am Dienstag.</p>"
if shape == "nested":
    body = "<div><span>x</span></div>" * (tags // 4)
else:
    body = "".join(paragraph.replace("Dienstag", f"Tag {i}") for i in range(tags // 2))
html = f"<html><head>{head}</head><body><article><h1>T</h1>{body}</article></body></html>"
data = html.encode()
started = time.perf_counter()
extract(data, "https://www.example.de/a-12345678", "utf-8", datetime.now(timezone.utc))
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"bytes": len(data), "tags": data.count(b"<"), "seconds": seconds, "rss": peak}))
"""


def measure(shape: str, tags: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, shape, str(tags)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.splitlines()[-1])


def main() -> None:
    baseline = measure("paragraphs", 200)  # a normal article: about 200 paragraphs' tags
    print(f"NEWSCRAWLER_EXTRACT_MAX_TAGS = {DEFAULT_EXTRACT_MAX_TAGS}")
    print(f"{'shape':<11} {'tags':>9} {'MB':>6} {'seconds':>8} {'x article':>10} "
          f"{'peak RSS MiB':>13} {'extracted':>10}")  # fmt: skip
    rows = [("paragraphs", 200)]
    rows += [(shape, n) for shape in ("paragraphs", "nested")
             for n in (10_000, 50_000, 95_000, 200_000)]  # fmt: skip
    for shape, tags in rows:
        row = baseline if (shape, tags) == ("paragraphs", 200) else measure(shape, tags)
        ratio = row["seconds"] / baseline["seconds"]
        verdict = "yes" if row["tags"] <= DEFAULT_EXTRACT_MAX_TAGS else "refused"
        print(f"{shape:<11} {row['tags']:>9} {row['bytes'] / 1e6:>6.1f} {row['seconds']:>8.2f} "
              f"{ratio:>10.0f} {row['rss']:>13.0f} {verdict:>10}")  # fmt: skip


if __name__ == "__main__":
    main()
