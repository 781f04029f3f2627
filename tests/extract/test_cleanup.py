"""Page furniture German news sites put into the text, and text that must stay; the German
rules act on German pages only."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from newscrawler.extract import german
from newscrawler.extract.body import HEADING, ITEM, PARAGRAPH, Block, blocks_from_body
from newscrawler.extract.cleanup import CleanupContext, clean_blocks, is_furniture, words_in
from newscrawler.extract.paywall import LetterProfile
from newscrawler.text import count_words

GERMAN = CleanupContext(german=True)
OTHER = CleanupContext(german=False)

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
    "Folgen Sie uns auf Instagram",
    "Für Käufe über diese Links erhalten wir eine Provision.",
    "Ich bin einverstanden, dass mir externe Inhalte angezeigt werden.",
    "Aktien sind mit Risiken verbunden, ein Totalverlust ist möglich.",
    "Dies ist keine Anlageberatung.",
    "Nur für Abonnenten",
    "Sie haben bereits ein Abo? Hier anmelden",
    "Jetzt zum Newsletter anmelden und nichts verpassen",
    "Freiwillig zahlen für guten Journalismus",
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


# Furniture recognised by symbols, in any language.
UNIVERSAL_FURNITURE = {
    "© dpa-infocom, dpa:240512-99-012345/3",
    "(dmk)",
    "Kräfte der Feuerwehr im Einsatz. © DPA Images | Christoph Soeder",
}


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture(line: str) -> None:
    assert is_furniture(line, GERMAN)


@pytest.mark.parametrize("line", FURNITURE)
def test_furniture_in_capitals(line: str) -> None:
    # the phrases are matched case-insensitively, also where a literal is looked for first
    assert is_furniture(line.upper(), GERMAN)


def test_lower_case_finds_what_a_case_insensitive_search_finds() -> None:
    # The German tests look for their needles with `in` on the lower-cased block: exact as
    # long as every character a case-insensitive search matches to a needle's letter turns
    # into that letter in lower case, or is one of the few set apart.
    every_character = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    for letter in "abcdefghijklmnopqrstuvwxyzäöüß ,-.":
        for found in re.findall(re.escape(letter), every_character, re.IGNORECASE):
            assert found.lower() == letter or found in german.UNLIKE_THEIR_LOWER_CASE


@pytest.mark.parametrize("line", TEXT)
def test_text_stays(line: str) -> None:
    assert not is_furniture(line, GERMAN)


@pytest.mark.parametrize("line", sorted(set(FURNITURE) - UNIVERSAL_FURNITURE))
def test_german_furniture_rules_do_nothing_on_other_pages(line: str) -> None:
    # The same words on a page that is not German (a Danish, Sorbian or Plattdeutsch page of
    # a German publisher, say) are left to trafilatura.
    assert not is_furniture(line, OTHER)
    assert [b.text for b in clean_blocks([_p(line)], OTHER).blocks] == [line]


@pytest.mark.parametrize("line", sorted(UNIVERSAL_FURNITURE))
def test_symbols_mark_furniture_in_any_language(line: str) -> None:
    assert is_furniture(line, OTHER)


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
    context = CleanupContext(titles=["Die Überschrift des Artikels"], german=True)
    cleaned = clean_blocks(blocks, context)
    kept, scrambled = cleaned.blocks, cleaned.scrambled
    assert [b.text for b in kept] == [
        "Erster Absatz des Artikels mit genug Wörtern, um als Text zu gelten, und noch etwas mehr.",
        "Zweiter Absatz des Artikels, ebenfalls echter Text.",
    ]
    assert not scrambled


def test_links_headlines_and_arrows_go_in_any_language() -> None:
    text = "First paragraph of the article, long enough to be the text of the article itself."
    blocks = [
        _p("The headline of the article"),
        _p(text),
        _p(">> All dates at a glance", 0.7),
        _p("See the new ferry", 0.9),
        Block(ITEM, "Ferry timetable changes", 1.0, 4),
        Block(ITEM, "Harbour to be extended", 1.0, 4),
    ]
    kept = clean_blocks(blocks, CleanupContext(titles=["The headline of the article"])).blocks
    assert [b.text for b in kept] == [text]


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
    kept = clean_blocks(blocks, CleanupContext(authors=["Ulrich Exner"], german=True)).blocks
    assert [b.text for b in kept] == [blocks[0].text]
    other = CleanupContext(authors=["Ulrich Exner"], german=False)
    assert len(clean_blocks(blocks, other).blocks) == 2  # a German rule


def test_a_line_of_the_authors_names_alone_is_a_byline_or_a_signature() -> None:
    text = "The committee met on Tuesday and agreed on a new plan for the harbour after a debate."
    blocks = [_p("Anna Muster/Max Beispiel"), _p(text), _p("Anna Muster")]
    context = CleanupContext(authors=["Anna Muster", "Max Beispiel"])
    assert [b.text for b in clean_blocks(blocks, context).blocks] == [text]
    assert len(clean_blocks(blocks, CleanupContext()).blocks) == 3


def test_caption_text_repeated_in_the_body_goes() -> None:
    text = "The committee met on Tuesday and agreed on a new plan for the harbour after a debate."
    blocks = [_p(text), _p("The harbour at dawn, seen from the pier")]
    context = CleanupContext(captions=["The harbour at dawn, seen from the pier. Photo: X"])
    assert [b.text for b in clean_blocks(blocks, context).blocks] == [text]


READABLE = (
    "Marode Toiletten und undichte Dächer: Die Liste der Mängel an den Schulen ist lang. Seit "
    "Jahren warten die Eltern auf eine Sanierung, die der Kreistag immer wieder verschoben hat. "
    "Nun soll das Geld aus dem Landesprogramm kommen, sagt der Bürgermeister der Gemeinde."
)
SCRAMBLED = (
    "Vtutcp jqwvgp bwg Nkuvg rtkqtkvcgvgp Uejwngp ugkv Octgb fwtejigiwpigp wpf "
    "bcjnnqug Igitcgejg igowjtv."
)


# The rest of a page: navigation, teasers, footer.
PAGE = (
    "Startseite Lokales Kiel Flensburg Sport Politik Wirtschaft Kultur Leserbriefe Kontakt "
    "Impressum Datenschutz Die Stadtwerke erhöhen zum Jahresbeginn die Preise für Fernwärme. "
    "Der Sportverein feiert sein hundertjähriges Bestehen mit einem Fest auf dem Marktplatz. "
    "Neue Buslinie verbindet die Dörfer im Amt mit dem Bahnhof der Kreisstadt."
)


def test_scrambled_text_goes_and_is_reported_on_a_paywalled_page() -> None:
    blocks = [_p(READABLE), _p(SCRAMBLED)]
    reference = LetterProfile.of(f"{PAGE} {READABLE} {SCRAMBLED}")  # the whole page's text
    cleaned = clean_blocks(blocks, CleanupContext(scramble_reference=reference))
    assert [b.text for b in cleaned.blocks] == [READABLE]
    assert cleaned.scrambled


def test_without_paywall_evidence_no_text_is_taken_for_scrambled() -> None:
    blocks = [_p(READABLE), _p(SCRAMBLED)]
    cleaned = clean_blocks(blocks, CleanupContext(german=True))
    assert [b.text for b in cleaned.blocks] == [READABLE, SCRAMBLED]
    assert not cleaned.scrambled


@pytest.mark.parametrize(
    "text",
    [
        # real text in other languages and scripts, which a German stopword count took for
        # scrambled: on a paywalled page of their language they stay
        "Tras seis derrotas consecutivas, el Córdoba Patrimonio de la Humanidad volvió a "
        "puntuar en su lucha por la salvación ante un rival directo en Vista Alegre.",
        "157 миллионов гривен — именно столько за последние три года из украинского "
        "госбюджета потратили на содержание судей ликвидированного суда.",
        "De Kinner hebbt sik op den Weg na de School maakt, un de Wind weih kold över dat "
        "Feld, as de Lehrer ehr al an de Döör towacht hett.",
    ],
)
def test_real_text_of_any_language_is_not_scrambled(text: str) -> None:
    # the page's own text is the yardstick, whatever its language: here, the text twice more
    # (a teaser and a description of the article elsewhere on the page)
    context = CleanupContext(scramble_reference=LetterProfile.of(text * 3))
    assert [b.text for b in clean_blocks([_p(text)], context).blocks] == [text]


def test_a_date_line_before_the_text_goes_a_ticker_day_inside_it_stays() -> None:
    entry = "Die Armee meldet neue Angriffe im Norden, die Angaben lassen sich nicht prüfen. " * 3
    blocks = [
        _p("21. Januar 2022, 12:31 Uhr"),
        _p(entry),
        Block(HEADING, "Dienstag, 27. August 2024"),
        _p(entry.replace("Norden", "Süden")),
    ]
    kept = clean_blocks(blocks, GERMAN).blocks
    assert [b.text for b in kept] == [b.text for b in blocks[1:]]
    assert len(clean_blocks(blocks, OTHER).blocks) == 4  # German month names: a German rule


def test_repeated_paragraph_is_kept_once() -> None:
    text = "Ein Zitat, das die Seite als Hervorhebung ein zweites Mal zeigt, wörtlich gleich."
    kept = clean_blocks(
        [_p(text), _p("Anderer Text dazwischen."), _p(text)], CleanupContext()
    ).blocks
    assert [b.text for b in kept] == [text, "Anderer Text dazwischen."]


def test_words_in_blocks_is_the_count_of_their_joined_text() -> None:
    # blocks that end and start with word characters, digits, underscores, non-Latin words
    texts = ["Ende", "Anfang_2 und 3,5 Mio.", "", "  ", "Straße—weiter", "日本語 テキスト", "x"]
    blocks = [_p(text) for text in texts]
    for separator in ("\n\n", " "):
        assert words_in(blocks) == count_words(separator.join(texts))
    assert words_in([]) == 0
