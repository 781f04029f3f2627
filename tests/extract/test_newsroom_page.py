"""The newsroom pass on whole pages: agencies, dateline off the body, local edition."""

from __future__ import annotations

import json

from newscrawler.extract import extract_article
from newscrawler.extract.newsroom import local_edition

GERMAN_TEXT = [
    "Kiel (dpa/lno) – Die Landesregierung hat am Dienstag den Entwurf für den Haushalt des"
    " kommenden Jahres vorgestellt und dabei deutliche Einsparungen angekündigt.",
    "Finanzministerin Jana Beispiel sagte, das Land müsse in allen Ressorts sparen, um die"
    " Schuldenbremse einzuhalten und zugleich in Schulen und Straßen zu investieren.",
    "Die Opposition kritisierte die Pläne als mutlos und kündigte Änderungsanträge an, über"
    " die der Landtag im Dezember abstimmen will.",
    "Mit Material von AFP",
]
ENGLISH_TEXT = [
    "The state government presented its draft budget for next year on Tuesday and announced"
    " significant savings across all departments of the administration.",
    "The finance minister said the state had to save in every ministry in order to respect"
    " the debt brake while still investing in schools and roads.",
    "The opposition criticised the plans as timid and announced amendments, which the state"
    " parliament wants to vote on in December. (Reuters)",
    "Mit Material von AFP",
]


def page(paragraphs: list[str], *, lang: str = "de", crumbs: list[str] = ()) -> str:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Haushalt",
          "datePublished": "2024-11-05T10:00:00+01:00", "author": {"@type": "Person",
          "name": "Anna Muster"}}  # fmt: skip
    trail = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i + 1, "name": name} for i, name in enumerate(crumbs)
    ]}  # fmt: skip
    text = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<html lang="{lang}"><head><title>Haushalt</title>
<script type="application/ld+json">{json.dumps(ld)}</script>
<script type="application/ld+json">{json.dumps(trail)}</script></head>
<body><article><h1>Haushalt</h1>{text}</article></body></html>"""


def test_dateline_leaves_the_body_and_names_place_and_agency() -> None:
    article = extract_article(page(GERMAN_TEXT), "https://www.example.de/politik/haushalt-123456")
    assert article.body.startswith("Die Landesregierung hat am Dienstag")
    assert "(dpa/lno)" not in article.body
    assert article.dateline == ["Kiel"]
    assert article.agencies == ["dpa", "AFP"]


def test_german_credit_phrases_do_nothing_on_an_english_page() -> None:
    article = extract_article(
        page(ENGLISH_TEXT, lang="en"), "https://www.example.com/politics/budget-123456"
    )
    assert article.language == "en"
    assert article.agencies == ["Reuters"]  # the agency tag counts in any language; "Mit …" not
    assert article.dateline == []
    assert article.body.startswith("The state government")


def test_local_edition_from_the_url_spelled_by_the_profile_or_the_page() -> None:
    kiel = "https://www.shz.de/lokales/flensburg/artikel/neuer-anleger-41248890"
    assert extract_article(page(GERMAN_TEXT), kiel).local_edition == "Flensburg"
    luebeck = (
        "https://www.ln-online.de/lokales/luebeck/neue-bruecke-ABCDEFGHIJKLMNOPQRSTUVWXYZ.html"
    )
    assert extract_article(page(GERMAN_TEXT), luebeck).local_edition == "Lübeck"
    crumbs = ["Startseite", "Lokales", "Bad Oldesloe", "Haushalt"]
    generic = "https://www.example.de/lokales/bad-oldesloe/haushalt-123456.html"
    assert extract_article(page(GERMAN_TEXT, crumbs=crumbs), generic).local_edition == (
        "Bad Oldesloe"
    )
    national = "https://www.shz.de/deutschland-welt/politik/artikel/haushalt-41250311"
    assert extract_article(page(GERMAN_TEXT), national).local_edition is None


def test_local_edition_from_breadcrumbs_and_spelled_slugs() -> None:
    assert local_edition(
        "https://x.de/a/b-1.html", ["Start", "Region", "Husum", "A"], None, {}
    ) == ("Husum")
    assert local_edition("https://x.de/region/sankt-peter/a-1.html", [], None, {}) == "Sankt Peter"
    assert local_edition("https://x.de/lokales/artikel/a-12345678", [], None, {}) is None
    assert local_edition("https://x.de/lokales/guestrow/a-1.html", [], "Lokales / Güstrow", {}) == (
        "Güstrow"
    )
