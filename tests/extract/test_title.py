"""Headlines without the site name and without the kicker."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawler.extract.title import heading_text, main_heading, strip_site_suffix

SITES = ["Golem.de", "golem.de", "golem"]


@pytest.mark.parametrize(
    ("title", "others", "expected"),
    [
        ("LTE-Patent: Samsung soll zahlen - Golem.de", [], "LTE-Patent: Samsung soll zahlen"),
        ("LTE-Patent: Samsung soll zahlen | golem.de", [], "LTE-Patent: Samsung soll zahlen"),
        (
            "Golem.de: LTE-Patent: Samsung soll zahlen",
            [],
            "Golem.de: LTE-Patent: Samsung soll zahlen",
        ),
        ("Golem.de | LTE-Patent: Samsung soll zahlen", [], "LTE-Patent: Samsung soll zahlen"),
        # a section segment goes only when another source shows the headline without it
        ("Bubi-Bomber wieder da | Sport", ["Bubi-Bomber wieder da"], "Bubi-Bomber wieder da"),
        ("Bubi-Bomber wieder da | Sport", [], "Bubi-Bomber wieder da | Sport"),
        # a dash inside the headline stays
        (
            "Brand in Lichterfelde – Starke Rauchentwicklung",
            [],
            "Brand in Lichterfelde – Starke Rauchentwicklung",
        ),
    ],
)
def test_strip_site_suffix(title: str, others: list[str], expected: str) -> None:
    assert strip_site_suffix(title, SITES, others) == expected


def test_heading_without_kicker() -> None:
    heading = lxml.html.fromstring(
        '<h1><span class="article-kicker">Ahrtal</span> <span>Zwei Rücktritte</span></h1>'
    )
    assert heading_text(heading) == "Zwei Rücktritte"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # inside <article> first, even after a heading outside it and one inside <main>
        ("<h1>Site</h1><main><h1>Main</h1><article><h1> </h1><h1>Own</h1></article></main>", "Own"),
        ("<h1>Site</h1><div><main><div><h1>Main</h1></div></main></div>", "Main"),
        ("<h1></h1><div><h1>First with text</h1></div><h1>Later</h1>", "First with text"),
        ("<article><h1><span> </span></h1></article><h1>Outside</h1>", "Outside"),
        ("<p>No heading</p>", None),
    ],
)
def test_main_heading(body: str, expected: str | None) -> None:
    heading = main_heading(lxml.html.fromstring(f"<html><body>{body}</body></html>"))
    assert (heading.text_content() if heading is not None else None) == expected
