"""Page furniture German news sites put into the text, and text that must stay."""

from __future__ import annotations

import pytest
from lxml import etree

from newscrawler.extract.body import HEADING, ITEM, PARAGRAPH, Block, blocks_from_body
from newscrawler.extract.cleanup import CleanupContext, clean_blocks, is_furniture

FURNITURE = [
    "zur Startseite",
    "Diskutieren Sie mit.",
    "Leserkommentare anzeigen",
    "Avatar_Nordlicht72",
    "Foto: dpa",
    "Bild: Christian Charisius/dpa",
    "© dpa-infocom, dpa:240512-99-012345/3",
    "Weiterlesen nach der Anzeige",
    "Anzeige",
    "Dieses Thema im Programm:",
    "NDR 1 Welle Nord | Nachrichten | 28.04.2023 | 16:00 Uhr",
    "Lesezeit: 3 Min.",
    "(dmk)",
    "Mit Material von dpa",
    "Die Stadt im Abendlicht. Foto: Marcus Dewanger",
    "Kräfte der Feuerwehr im Einsatz. © DPA Images | Christoph Soeder",
    "Der BR24 Newsletter informiert Sie immer montags bis freitags über das Wichtigste vom "
    "Tag. Hier geht's zur Anmeldung!",
    "Laden Sie jetzt unsere kostenlose App herunter: im App Store und bei Google Play.",
    "Weiterlesen mit shz+",
    "Jetzt 4 Wochen für 0,99 € testen",
    "Externer Inhalt: Um den Inhalt zu sehen, müssen Sie der Datenschutzerklärung zustimmen.",
    "Dieser Artikel ist zuerst bei Capital erschienen.",
    "Die mit einem Symbol gekennzeichneten Links sind Affiliate-Links.",
    "Grafik-Karte Nr. 103618, Hochformat 110 x 120 mm; Grafik: A. Brühl, Redaktion: B. Schaller",
    "dpa Grafik",
    "Author: dpa/Pool AP",
    "Eine offene Gesellschaft braucht guten, frei zugänglichen Journalismus. Unterstützen Sie "
    "unsere Arbeit. Jetzt unterstützen",
]
TEXT = [
    "Die Feuerwehr war mit 40 Kräften im Einsatz, das Feuer war nach zwei Stunden gelöscht.",
    "Der Bürgermeister sagte: „Wir sind sehr zufrieden mit der Anmeldung so vieler Vereine.“",
    "Die Marktplätze stellen nur ihre Plattform gegen Provision bereit, den Kaufvertrag "
    "schließen Kunden mit den Händlern.",
    "Im Jahr 2023 hatte die Stadt noch 12.000 Einwohner weniger.",
    "Dienstag, 27. August 2024",
    "Streit um Copyright bei KI-Bildern",
    "Die neue Datenschutzerklärung von WhatsApp tritt im Mai in Kraft, Nutzer müssen zustimmen.",
    "Die App lässt sich im App Store herunterladen, kostet aber nach einem Monat Geld.",
    "Der Wechsel zum Abo-Modell hat dem Verlag nach eigenen Angaben 20.000 Leser gebracht.",
    "„Unterstützen Sie die Petition“, rief die Sprecherin den Demonstranten zu.",
]


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", TEXT)
def test_text_stays(line: str) -> None:
    assert not is_furniture(line)


def _p(text: str, link_share: float = 0.0) -> Block:
    return Block(PARAGRAPH, text, link_share)


def test_link_lists_pointers_and_their_headings_go() -> None:
    blocks = [
        Block(HEADING, "Kicker Die Überschrift des Artikels"),
        _p(
            "Erster Absatz des Artikels mit genug Wörtern, um als Text zu gelten, "
            "und noch etwas mehr."
        ),
        _p(">> Hier finden Sie alle Termine im Überblick", 0.7),
        _p("Lesen Sie auch: Die neue Fähre ist getauft", 0.6),
        _p("Zweiter Absatz des Artikels, ebenfalls echter Text."),
        Block(HEADING, "Mehr zum Thema"),
        Block(ITEM, "Fährplan: Das ändert sich im Sommer", 1.0, 7),
        Block(ITEM, "Hafen wird ausgebaut", 1.0, 7),
        Block(ITEM, "Gästerekord auf Föhr", 1.0, 7),
    ]
    cleaned = clean_blocks(blocks, CleanupContext(titles=["Die Überschrift des Artikels"]))
    kept, scrambled = cleaned.blocks, cleaned.scrambled
    assert [b.text for b in kept] == [
        "Erster Absatz des Artikels mit genug Wörtern, um als Text zu gelten, und noch etwas mehr.",
        "Zweiter Absatz des Artikels, ebenfalls echter Text.",
    ]
    assert not scrambled


def test_in_page_anchor_lists_stay_links_elsewhere_go() -> None:
    # A ticker's summary links to its own entries (#anchors): content, not related articles.
    body = etree.fromstring(
        "<body><p>Der erste Eintrag des Tickers mit einem ganzen Satz Text.</p>"
        '<list><item><ref target="#e1">Angriff im Westjordanland (11.13 Uhr)</ref></item>'
        '<item><ref target="#e2">Mittlerweile 640 Tote (05.19 Uhr)</ref></item></list>'
        '<list><item><ref target="/a/1">Fährplan: Das ändert sich</ref></item>'
        '<item><ref target="https://x.de/a/2">Hafen wird ausgebaut</ref></item></list></body>'
    )
    kept = clean_blocks(blocks_from_body(body), CleanupContext()).blocks
    assert [b.text for b in kept] == [
        "Der erste Eintrag des Tickers mit einem ganzen Satz Text.",
        "Angriff im Westjordanland (11.13 Uhr)",
        "Mittlerweile 640 Tote (05.19 Uhr)",
    ]


def test_line_breaks_become_spaces_and_punctuation_stays_attached() -> None:
    body = etree.fromstring(
        '<body><p>Erste Zeile<lb/>zweite Zeile bei <ref target="/x">Baufinanzierungen</ref>.'
        "</p></body>"
    )
    assert [b.text for b in blocks_from_body(body)] == [
        "Erste Zeile zweite Zeile bei Baufinanzierungen."
    ]


def test_author_bio_at_the_end_goes() -> None:
    blocks = [
        _p("Der Artikel selbst, mit einem Satz über die Wahl in Thüringen und ihre Folgen."),
        _p("Korrespondent Ulrich Exner ist bei WELT für landespolitische Themen zuständig."),
    ]
    kept = clean_blocks(blocks, CleanupContext(authors=["Ulrich Exner"])).blocks
    assert [b.text for b in kept] == [blocks[0].text]


def test_scrambled_text_goes_and_is_reported() -> None:
    blocks = [
        _p("Marode Toiletten und undichte Dächer: Die Liste der Mängel an den Schulen ist lang."),
        _p(
            "Vtutcp jqwvgp bwg Nkuvg rtkqtkvcgvgp Uejwngp ugkv Octgb fwtejigiwpigp wpf "
            "bcjnnqug Igitcgejg igowjtv."
        ),
    ]
    cleaned = clean_blocks(blocks, CleanupContext())
    kept, scrambled = cleaned.blocks, cleaned.scrambled
    assert [b.text for b in kept] == [blocks[0].text]
    assert scrambled


def test_a_date_line_before_the_text_goes_a_ticker_day_inside_it_stays() -> None:
    entry = "Die Armee meldet neue Angriffe im Norden, die Angaben lassen sich nicht prüfen. " * 3
    blocks = [
        _p("21. Januar 2022, 12:31 Uhr"),
        _p(entry),
        Block(HEADING, "Dienstag, 27. August 2024"),
        _p(entry.replace("Norden", "Süden")),
    ]
    kept = clean_blocks(blocks, CleanupContext()).blocks
    assert [b.text for b in kept] == [b.text for b in blocks[1:]]


def test_repeated_paragraph_is_kept_once() -> None:
    text = "Ein Zitat, das die Seite als Hervorhebung ein zweites Mal zeigt, wörtlich gleich."
    kept = clean_blocks(
        [_p(text), _p("Anderer Text dazwischen."), _p(text)], CleanupContext()
    ).blocks
    assert [b.text for b in kept] == [text, "Anderer Text dazwischen."]
