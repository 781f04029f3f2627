"""Paywall signals and unreadable text."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path

import pytest

from newscrawler.extract.document import Document, parse_document, strip_code
from newscrawler.extract.paywall import (
    LetterProfile,
    _marked,
    _numpy_pairs,
    find_paywall,
    has_paywall_markup,
    is_free,
    looks_scrambled,
)
from newscrawler.sites.rules import NO_RULES


@pytest.mark.parametrize(
    ("value", "free"),
    [(False, False), ("False", False), ("false", False), (0, False), (True, True),
     ("true", True), ("True", True), (None, None), ("maybe", None)],
)  # fmt: skip
def test_is_free(value: object, free: bool | None) -> None:
    assert is_free(value) is free


GERMAN = (
    "Die Gemeindevertretung hat am Dienstagabend mit knapper Mehrheit dem neuen "
    "Gewerbegebiet an der Bundesstraße zugestimmt, elf Vertreter stimmten dafür."
)
ENGLISH = (
    "The council approved the new business park on Tuesday evening with a narrow "
    "majority of the votes, after a long debate in the town hall."
)
NAVIGATION = (
    "Startseite Lokales Sport Politik Kultur Impressum Kontakt Datenschutz Leserbriefe. "
    "Der Sportverein feiert sein Jubiläum mit einem Fest auf dem Marktplatz der Stadt. "
    "Die Stadtwerke erhöhen zum Jahresbeginn die Preise für Fernwärme und Strom. "
    "The harbour will be extended next year, the mayor said at the meeting on Monday. "
    "Neue Buslinie verbindet die Dörfer im Amt mit dem Bahnhof der Kreisstadt ab Dezember. "
    "Die Feuerwehr übt am Wochenende mit den Nachbarwehren am Deich bei Sturmflut."
)
PAGE_TEXT = f"{GERMAN} {ENGLISH} {NAVIGATION}"
PAGE = LetterProfile.of(PAGE_TEXT)


def test_german_and_english_text_is_not_scrambled() -> None:
    assert not looks_scrambled(GERMAN, PAGE)
    assert not looks_scrambled(ENGLISH, PAGE)


@pytest.mark.parametrize(
    "scrambled",
    [
        # every letter shifted by two
        "Fkg Igogkpfgxgtvtgvwpi jcv co Fkgpuvcicdgpf okv mpcrrgt Ogjtjgkv fgo pgwgp "
        "Igygtdgigdkgv cp fgt Dwpfguuvtcuug bwigfvkoov gnh Xgtvtgvgt",
        # letters replaced at random
        "Rmf hbvejh Mvbxjh xtj drfjsfn kmjgrtzw nlqwerhd Pfvhvtrz, tbxm dlmnrstx vqwl jehtmrz "
        "ajlxpq. Dbjw Trfnhmcl kjw Bqzntvxs wuhgrlmt qzwtrfk mnbvcxy plokmijn.",
    ],
)
def test_shifted_or_replaced_letters_are_scrambled(scrambled: str) -> None:
    reference = LetterProfile.of(f"{PAGE_TEXT} {scrambled}")  # the scrambled text is on the page
    assert looks_scrambled(scrambled, reference)


def test_scripts_with_large_alphabets_are_never_measured() -> None:
    japanese = "気象庁は13日、午後9時19分ごろ、日向灘で震度5弱の地震があったと発表した。" * 3
    assert not looks_scrambled(japanese, PAGE)


def _paywall(html: str, article: dict) -> tuple[bool, list[str], list[str]]:
    script = f'<script type="application/ld+json">{json.dumps(article)}</script>'
    doc = parse_document(
        html.replace("<body>", f"<head>{script}</head><body>", 1),
        "https://example.de/a",
        datetime(2024, 7, 1, tzinfo=timezone.utc),
        NO_RULES,
    )
    info = find_paywall(doc)
    return info.paywalled, info.signals, [e.get("class") for e in info.unreadable]


def test_article_wrapper_with_a_paywall_class_is_not_removed() -> None:
    text = " ".join(["Ein ganz normaler Satz des frei lesbaren Artikels."] * 12)
    html = f'<html><body><div class="article paywall-article"><p>{text}</p></div></body></html>'
    paywalled, _, hidden = _paywall(html, {"@type": "NewsArticle"})
    assert not paywalled and hidden == []


PROMPT = (
    '<div class="c-paywall"><p>Weiterlesen mit Abo</p><a href="/abo">Jetzt abonnieren</a></div>'
)


def test_prompt_box_marks_the_page_and_goes() -> None:
    html = f"<html><body><h1>T</h1><p>Frei.</p>{PROMPT}</body></html>"
    paywalled, signals, unreadable = _paywall(html, {"@type": "NewsArticle"})
    assert paywalled and "markup:paywall" in signals and unreadable == ["c-paywall"]


def test_hidden_prompt_template_is_no_signal_but_goes() -> None:
    html = (
        '<html><body><h1>T</h1><div class="js-paywall-overlay"><div class="modal--hidden">'
        "<p>Zugang zu allen PLUS-Inhalten</p><button>Jetzt testen</button></div></div>"
        "</body></html>"
    )
    paywalled, signals, unreadable = _paywall(html, {"@type": "NewsArticle"})
    assert not paywalled and signals == [] and unreadable == ["js-paywall-overlay"]


def test_declared_free_wins_over_markup() -> None:
    html = f"<html><body><h1>T</h1>{PROMPT}</body></html>"
    paywalled, _, _ = _paywall(html, {"@type": "NewsArticle", "isAccessibleForFree": True})
    assert not paywalled


def test_paragraphs_marked_paywall_are_metered_text_and_stay() -> None:
    # Sites mark the metered part of the text itself (`<p class="paywall">`), delivered readable.
    html = (
        f'<html><body><h1>T</h1><p class="paywall">{ENGLISH}</p>'
        f'<p class="paywall">{ENGLISH} <a href="/shop">A link in the text.</a></p></body></html>'
    )
    _, _, unreadable = _paywall(html, {"@type": "NewsArticle"})
    assert unreadable == []


def test_text_the_page_delivers_but_hides_stays() -> None:
    # The full text, hidden until a script has checked the subscription: the article.
    text = " ".join([GERMAN] * 6)
    html = f'<html><body><h1>T</h1><nav>{NAVIGATION}</nav><div class="paywall" hidden><p>{text}</p>'
    html += "</div>"
    html += "</body></html>"
    _, _, unreadable = _paywall(html, {"@type": "NewsArticle"})
    assert unreadable == []


def _has_part(css: str) -> dict:
    return {
        "@type": "NewsArticle",
        "isAccessibleForFree": False,
        "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": css},
    }


def test_readable_paywalled_part_stays_and_the_page_is_flagged() -> None:
    polish = (
        "Na trzy tygodnie przed wyborami parlamentarnymi w Niemczech przez kraj przetoczyła się "
        "prawdziwa nawałnica, a debata nad imigracją przerodziła się w spór o przyszłość kraju."
    )
    navigation = (  # the rest of a Polish page: the yardstick is the page's own language
        "Strona główna Kraj Świat Ekonomia Sport Kultura Prawo Nauka Zdrowie Kontakt Regulamin. "
        "Rząd przyjął projekt ustawy o podatkach lokalnych, który trafi teraz do Sejmu. "
        "Piłkarze reprezentacji wygrali mecz towarzyski po bramce w ostatniej minucie gry. "
        "Ceny mieszkań w dużych miastach rosną wolniej niż w ubiegłym roku, podają analitycy. "
        "Strażacy przez całą noc walczyli z pożarem hali magazynowej na obrzeżach miasta."
    )
    html = f'<html><body><h1>T</h1><nav>{navigation}</nav><div class="rest"><p>{polish}</p></div>'
    html += f"{PROMPT}</body></html>"
    paywalled, signals, unreadable = _paywall(html, _has_part(".rest"))
    assert paywalled and "jsonld:hasPart" in signals and unreadable == ["c-paywall"]


@pytest.mark.parametrize(
    ("part", "why"),
    [
        ('<div class="rest"><p>Rmf hbvejh Mvbxjh xtj drfjsfn kmjgrtzw nlqwerhd Pfvhvtrz, tbxm '
         "dlmnrstx vqwl jehtmrz ajlxpq. Dbjw Trfnhmcl kjw Bqzntvxs wuhgrlmt qzwtrfk.</p></div>",
         "scrambled"),
        ('<div class="rest"><p>Lorem ipsum dolor sit amet, consetetur sadipscing elitr.</p></div>',
         "filler"),
        ('<div class="rest Blurred-x"><p>Mehr als 1500 Studierende warten.</p></div>', "blur"),
    ],
)  # fmt: skip
def test_unreadable_paywalled_part_goes(part: str, why: str) -> None:
    html = f"<html><body><h1>T</h1><nav>{NAVIGATION}</nav><p>{GERMAN} {ENGLISH}</p>{part}"
    html += f"{PROMPT}</body></html>"
    paywalled, signals, unreadable = _paywall(html, _has_part(".rest"))
    assert paywalled and "hasPart:.rest" in signals, why
    assert unreadable[0] == "c-paywall" and unreadable[1].startswith("rest"), why


def _document(html: str | bytes) -> Document:
    doc = parse_document(html, "https://example.org/a", datetime.now(timezone.utc), NO_RULES)
    strip_code(doc.tree)
    return doc


@pytest.mark.parametrize(
    ("body", "marked"),
    [
        ('<div class="c-paywall">x</div>', True),
        ('<section id="PAYWALL-box">x</section>', True),
        ('<div data-area="obfuscated">x</div>', True),
        ('<p class="text scrambled">x</p>', True),
        ('<div data-paywall="">x</div>', True),
        ("<div data-paywall>x</div>", True),
        # named only where `_marked` does not look: in a script, in text, in another attribute
        ('<script>var paywall = {"scrambled": 1}</script><p>x</p>', False),
        ("<p>Die Paywall fällt: paywall, obfuscated.</p>", False),
        ('<a href="/paywall" title="encrypted-content">x</a>', False),
        # a word split over two attributes is no word
        ('<div class="pay" id="wall">x</div><div class="aywa" id="ll">y</div>', False),
    ],
)
def test_markup_precheck_finds_what_the_element_walk_finds(body: str, marked: bool) -> None:
    doc = _document(f"<html><head><title>T</title></head><body>{body}</body></html>")
    assert has_paywall_markup(doc) is marked
    assert bool(list(_marked(doc.tree))) is marked


def test_markup_precheck_agrees_with_the_element_walk_on_every_fixture_page() -> None:
    pages = sorted((Path(__file__).parent / "fixtures").glob("*.html"))
    assert pages
    for page in pages:
        doc = _document(page.read_bytes())
        assert has_paywall_markup(doc) is bool(list(_marked(doc.tree))), page.name


@pytest.mark.parametrize(
    "letters",
    [
        " grünkohl für bärbel an der förde straße ſ i̇ ß " * 200,
        " новости киля 北部ドイツの地方ニュース 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \udc80 " * 150,  # a lone surrogate too
        " a b c " * 1000 + "  ",
    ],
)
def test_long_texts_have_the_letter_pairs_of_counting_pair_by_pair(letters: str) -> None:
    assert _numpy_pairs(letters) == Counter(pairwise(letters))
