"""Headlines without the site name and without the kicker."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawler.extract.title import heading_text, strip_site_suffix

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
