"""The shz.de replica in tests: the articles it serves, and articles to add to a private copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHZ = "https://www.shz.de"

# The replica's articles (the video page is no article, the private one robots.txt forbids).
REPLICA_ARTICLES = {
    "/deutschland-welt/politik/artikel/"
    "blinken-und-lawrow-in-genf-letzte-chance-fuer-deeskalation-41250311",
    "/lokales/flensburg/artikel/flensburger-foerde-neuer-faehranleger-eroeffnet-41248890",
    "/lokales/flensburg/artikel/handball-sg-flensburg-handewitt-gewinnt-nordderby-41252004",
    "/lokales/kiel/artikel/kieler-woche-2022-programm-steht-fest-41251577",
    "/lokales/kieler-nachrichten/kiel-bekommt-neue-radwege-entlang-der-hoern-id34567890.html",
}


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
