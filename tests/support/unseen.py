"""The "unseen" replica in tests: a site without a profile whose URLs take the shapes of sites
we have never seen (newscrawler/demo/site/unseen, `cases.json` lists them), and articles to add
to a private copy of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawler.demo import SITES_DIR
from tests.support.replica import article_body

UNSEEN = SITES_DIR / "unseen"
ORIGIN = "https://www.kuestenbote.de"


def cases() -> dict[str, list[str]]:
    """`articles` (paths that must become items), `not_articles` (paths that must not),
    `fetched_not_emitted` (the section fronts: only the page can tell)."""
    data: dict[str, list[str]] = json.loads((UNSEEN / "cases.json").read_text("utf-8"))
    return data


def site_path(url: str) -> str:
    """Path and query of a URL, as the cases name them (`/article.php?id=4711`)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def article_html(path: str, number: int) -> str:
    """A generated article of the replica, in its structure (JSON-LD, byline, canonical)."""
    title = f"Meldung aus dem Norden Nummer {number}"
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": "2024-04-28T08:00:00+02:00",
        "author": {"@type": "Person", "name": "Kai Redaktion"},
    }
    paragraphs = "\n".join(f"<p>{text}</p>" for text in article_body(number))
    return f"""<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>{title} | Küstenbote</title>
<link rel="canonical" href="{ORIGIN}{path}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head>
<body><main><article><h1>{title}</h1><p class="autor">Von Kai Redaktion</p>
<div class="text">{paragraphs}</div></article></main></body></html>
"""


def grow_unseen(site: Path, count: int) -> set[str]:
    """`count` more articles in a copy of the replica, listed in its sitemap; the paths of
    every article of the site."""
    entries = []
    paths = set(cases()["articles"])
    for number in range(count):
        path = f"/lokales/meldungen/meldung-aus-dem-norden-{48400000 + number}"
        page = site / (path.lstrip("/") + ".html")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(article_html(path, number), encoding="utf-8")
        entries.append(f"  <url><loc>{ORIGIN}{path}</loc></url>\n")
        paths.add(path)
    sitemap = site / "sitemap.xml"
    text = sitemap.read_text("utf-8").replace("</urlset>", "".join(entries) + "</urlset>")
    sitemap.write_text(text, encoding="utf-8")
    return paths
