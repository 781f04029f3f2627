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
