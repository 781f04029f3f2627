"""Articles that change after they appear, in a private copy of the shz.de replica."""

from __future__ import annotations

from pathlib import Path

from tests.support.replica import article_path

UPDATE = "Update, 14.30 Uhr: Die Verwaltung hat die Pläne am Nachmittag noch einmal ergänzt."

FAST_REVISITS = {
    # every article is due one second after its first sighting, and may all be revisited
    "NEWSCRAWLER_REVISIT_AGES": "1s",
    "NEWSCRAWLER_REVISIT_SHARE": "1.0",
}


def add_paragraph(site: Path, number: int, text: str = UPDATE) -> None:
    """The generated article `number` gains a last paragraph (its body changes, nothing else)."""
    page = site / (article_path(number).lstrip("/") + ".html")
    html = page.read_text(encoding="utf-8")
    marker = "  </div>\n</article>"
    assert marker in html
    page.write_text(html.replace(marker, f"    <p>{text}</p>\n{marker}"), encoding="utf-8")


def move_headline(site: Path, number: int) -> None:
    """The site's new template for article `number`: the headline in a renamed element
    (`<div class="hl-2024">` instead of `<h1 class="article-headline">`), which the page's
    metadata (JSON-LD, `<title>`) no longer repeats."""
    page = site / (article_path(number).lstrip("/") + ".html")
    html = page.read_text(encoding="utf-8")
    title = f"Testmeldung Nummer {number}"
    for old, new in (
        (f'<h1 class="article-headline">{title}</h1>', f'<div class="hl-2024">{title}</div>'),
        (f'"headline": "{title}", ', ""),
        (f"<title>{title} | shz.de</title>\n", ""),
    ):
        assert old in html
        html = html.replace(old, new)
    page.write_text(html, encoding="utf-8")
