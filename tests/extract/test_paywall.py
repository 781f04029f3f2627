"""Paywall signals and unreadable text."""

from __future__ import annotations

import lxml.html
import pytest

from newscrawler.extract.paywall import find_paywall, is_free, looks_scrambled


@pytest.mark.parametrize(
    ("value", "free"),
    [(False, False), ("False", False), ("false", False), (0, False), (True, True),
     ("true", True), ("True", True), (None, None), ("maybe", None)],
)  # fmt: skip
def test_is_free(value: object, free: bool | None) -> None:
    assert is_free(value) is free


def test_german_and_english_text_is_not_scrambled() -> None:
    assert not looks_scrambled(
        "Die Gemeindevertretung hat am Dienstagabend mit knapper Mehrheit dem neuen "
        "Gewerbegebiet an der Bundesstraße zugestimmt, elf Vertreter stimmten dafür."
    )
    assert not looks_scrambled(
        "The council approved the new business park on Tuesday evening with a narrow "
        "majority of the votes, after a long debate in the town hall."
    )


def test_shifted_letters_are_scrambled() -> None:
    assert looks_scrambled(
        "Fkg Igogkpfgxgtvtgvwpi jcv co Fkgpuvcicdgpf okv mpcrrgt Ogjtjgkv fgo pgwgp "
        "Igygtdgigdkgv cp fgt Dwpfguuvtcuug bwigfvkoov gnh Xgtvtgvgt"
    )


def _paywall(html: str, article: dict) -> tuple[bool, list[str], list[str]]:
    tree = lxml.html.fromstring(html)
    info = find_paywall(tree, article, [article], heading=tree.find(".//h1"))
    return info.paywalled, info.signals, [e.get("class") for e in info.hidden]


def test_article_wrapper_with_a_paywall_class_is_not_removed() -> None:
    text = " ".join(["Ein ganz normaler Satz des frei lesbaren Artikels."] * 12)
    html = f'<html><body><div class="article paywall-article"><p>{text}</p></div></body></html>'
    paywalled, _, hidden = _paywall(html, {"@type": "NewsArticle"})
    assert not paywalled and hidden == []


def test_box_with_text_marks_the_page() -> None:
    html = (
        "<html><body><h1>T</h1><p>Frei.</p>"
        '<div class="c-paywall"><p>Weiterlesen mit Abo</p></div></body></html>'
    )
    paywalled, signals, hidden = _paywall(html, {"@type": "NewsArticle"})
    assert paywalled and "markup:paywall" in signals and hidden == ["c-paywall"]


def test_hidden_paywall_template_is_no_signal_but_is_removed() -> None:
    html = (
        '<html><body><h1>T</h1><div class="js-paywall-overlay"><div class="modal--hidden">'
        "<p>Zugang zu allen PLUS-Inhalten</p></div></div></body></html>"
    )
    paywalled, signals, hidden = _paywall(html, {"@type": "NewsArticle"})
    assert not paywalled and signals == [] and hidden == ["js-paywall-overlay"]


def test_declared_free_wins_over_markup() -> None:
    html = '<html><body><h1>T</h1><div class="paywall"><p>Abo-Angebot</p></div></body></html>'
    paywalled, _, _ = _paywall(html, {"@type": "NewsArticle", "isAccessibleForFree": True})
    assert not paywalled
