"""Helpers for the incremental-crawl and cron tests: crawls into an output folder (as cron runs
them, with the default feed layout), crawls to kill, and articles to add to a replica."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.crawl import FAST_SETTINGS, PROJECT_ROOT, SCRAPY_STRICT

SHZ = "https://www.shz.de"


def feeds_setting(folder: Path, *, batch: int = 200, **options: Any) -> str:
    """The default feed layout (`<folder>/<spider>/<stamp>-0001.jsonl`) as a `-s FEEDS=` value."""
    uri = f"{folder}/%(name)s/%(time)s-%(batch_id)04d.jsonl"
    feed = {"format": "jsonlines", "batch_item_count": batch, "store_empty": False, **options}
    return json.dumps({uri: feed})


def crawl_command(
    spider: str,
    *,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    extra: list[str] | None = None,
) -> list[str]:
    command = [sys.executable, "-c", SCRAPY_STRICT, "crawl", spider]
    for key, value in (args or {}).items():
        command += ["-a", f"{key}={value}"]
    for key, value in {**FAST_SETTINGS, **(settings or {})}.items():
        command += ["-s", f"{key}={value}"]
    return command + (extra or [])


def crawl_env(env: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **(env or {})}


def start_crawl(command: list[str], log: Path, env: dict[str, str] | None = None) -> Any:
    """A crawl running in the background (to kill), its output going to `log`."""
    with log.open("ab") as sink:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=crawl_env(env), stdout=sink, stderr=subprocess.STDOUT
        )


@dataclass
class Run:
    returncode: int
    log: str
    summary: dict[str, Any] | None
    items: list[dict[str, Any]] = field(default_factory=list)
    """The items of the files this run published (from its summary)."""

    def paths(self) -> list[str]:
        return sorted(urlsplit(item["url"]).path for item in self.items)


def run_cron(
    spider: str,
    folder: Path,
    *,
    args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    extra: list[str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> Run:
    """One run as cron does it: output in `folder/<spider>/`, state in `folder/.state/`."""
    settings = {"FEEDS": feeds_setting(folder), **(settings or {})}
    command = crawl_command(spider, args=args, settings=settings, extra=extra)
    before = set(summaries(folder))
    completed = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env=crawl_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    new = sorted(set(summaries(folder)) - before)
    summary = json.loads(new[-1].read_text(encoding="utf-8")) if new else None
    items = []
    for name in (summary or {}).get("files", []):
        items += [json.loads(line) for line in Path(name).read_text("utf-8").splitlines()]
    return Run(completed.returncode, completed.stdout + completed.stderr, summary, items)


def summaries(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.summary.json"))


def published_files(folder: Path) -> list[Path]:
    """The files a consumer picks up: `*.jsonl`, never hidden ones."""
    return sorted(p for p in folder.rglob("*.jsonl") if not p.name.startswith("."))


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.part"))


# --- Replica editing ------------------------------------------------------------------------

SENTENCES = (
    "Die Stadtverwaltung hat am Montag neue Pläne für das Viertel vorgestellt.",
    "Anwohnerinnen und Anwohner können ihre Hinweise bis Ende des Monats einreichen.",
    "Nach Angaben der Verwaltung sollen die Arbeiten im Frühjahr beginnen und zwei Jahre dauern.",
    "Der Ortsbeirat will die Vorschläge in seiner nächsten öffentlichen Sitzung beraten.",
    "Kritik kam von der Opposition, die höhere Kosten und längere Sperrungen befürchtet.",
    "Die Finanzierung ist nach Angaben des Kreises zu großen Teilen gesichert.",
)


def article_body(number: int, version: int = 1) -> list[str]:
    """Three paragraphs (well over the article minimum) that differ per article and version."""
    lead = f"Meldung Nummer {number} in Fassung {version}: "
    return [
        lead + " ".join(SENTENCES[:3]),
        " ".join(SENTENCES[3:]) + f" Bislang sind {number * 7 + version} Stellungnahmen da.",
        " ".join(reversed(SENTENCES)),
    ]


def article_html(url: str, title: str, paragraphs: list[str], published: str,
                 modified: str | None = None) -> str:  # fmt: skip
    """A news article page in the replica's structure (canonical link, JSON-LD, byline)."""
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published,
        "author": {"@type": "Person", "name": "Testa Redaktion"},
    }
    if modified:
        ld["dateModified"] = modified
    body = "\n".join(f"    <p>{text}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>{title} | shz.de</title>
<link rel="canonical" href="{url}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
</head>
<body>
<main>
<article class="article">
  <header class="article-header"><h1 class="article-headline">{title}</h1></header>
  <div class="article-byline">Von Testa Redaktion</div>
  <div class="article-body">
{body}
  </div>
</article>
</main>
</body>
</html>
"""


def article_path(number: int) -> str:
    return f"/lokales/kiel/artikel/testmeldung-nummer-{number}-{42000000 + number}"


def write_article(site: Path, number: int, *, version: int = 1, modified: str | None = None,
                  published: str = "2022-01-21T10:00:00+01:00") -> str:  # fmt: skip
    """Add (or rewrite) generated article `number` in the replica; its path on the site."""
    path = article_path(number)
    page = site / (path.lstrip("/") + ".html")
    page.parent.mkdir(parents=True, exist_ok=True)
    title = f"Testmeldung Nummer {number}"
    html = article_html(SHZ + path, title, article_body(number, version), published, modified)
    page.write_text(html, encoding="utf-8")
    return path


def list_in_sitemap(site: Path, path: str, *, lastmod: str | None = None) -> None:
    """Add a URL to the replica's news sitemap, or set its `<lastmod>` if it is listed."""
    sitemap = site / "sitemaps" / "news.xml"
    text = sitemap.read_text(encoding="utf-8")
    entry_start = text.find(f"<loc>{SHZ}{path}</loc>")
    lastmod_xml = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
    if entry_start < 0:
        entry = f"  <url>\n    <loc>{SHZ}{path}</loc>{lastmod_xml}\n  </url>\n"
        text = text.replace("</urlset>", entry + "</urlset>")
    else:
        entry_end = text.index("</url>", entry_start)
        entry = text[entry_start:entry_end]
        if "<lastmod>" in entry:
            old = entry[entry.index("<lastmod>") : entry.index("</lastmod>") + len("</lastmod>")]
            new_entry = entry.replace(old, lastmod_xml)
        else:
            new_entry = entry.replace("</loc>", "</loc>" + lastmod_xml, 1)
        text = text[:entry_start] + new_entry + text[entry_end:]
    sitemap.write_text(text, encoding="utf-8")


def list_in_feed(site: Path, path: str, title: str) -> None:
    """Add a URL to the replica's main RSS feed."""
    feed = site / "rss.xml"
    item = (
        f"  <item>\n    <title>{title}</title>\n    <link>{SHZ}{path}?utm_source=rss</link>\n"
        "    <pubDate>Fri, 21 Jan 2022 09:00:00 GMT</pubDate>\n  </item>\n"
    )
    feed.write_text(feed.read_text("utf-8").replace("</channel>", item + "</channel>"), "utf-8")
