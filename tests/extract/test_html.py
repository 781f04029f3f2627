"""Decoding and parsing: what a German reader sees, whatever the page declares."""

from __future__ import annotations

import codecs

from newscrawler.extract.html import decode_html, parse_html

TEXT = "Grünkohl, Bärbel, Straße – 5 € „Zitat“"


def _page(charset: str | None, body: str) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_declared_utf8_but_cp1252_bytes_keeps_umlauts() -> None:
    data = _page("utf-8", TEXT).encode("cp1252")
    text = decode_html(data)
    assert TEXT in text
    assert "\ufffd" not in text


def test_mostly_utf8_with_stray_cp1252_bytes() -> None:
    data = _page("utf-8", TEXT).encode("utf-8") + "<p>Müller</p>".encode("cp1252")
    text = decode_html(data)
    assert TEXT in text
    assert "Müller" in text


def test_declared_latin1_but_utf8_bytes_is_read_as_utf8() -> None:
    data = _page("iso-8859-1", TEXT).encode("utf-8")
    assert TEXT in decode_html(data)


def test_declared_latin1_is_read_as_windows_1252() -> None:
    # Browsers read a Latin-1 label as windows-1252: 0x80 is the euro sign, not a control.
    data = _page("iso-8859-1", TEXT).encode("cp1252")
    assert TEXT in decode_html(data)


def test_http_header_charset_wins_over_nothing() -> None:
    data = _page(None, TEXT).encode("cp1252")
    assert TEXT in decode_html(data, content_type="text/html; charset=windows-1252")


def test_bom_decides() -> None:
    data = codecs.BOM_UTF16_LE + _page(None, TEXT).encode("utf-16-le")
    assert TEXT in decode_html(data)


def test_undeclared_utf8_and_undeclared_cp1252() -> None:
    assert TEXT in decode_html(_page(None, TEXT).encode("utf-8"))
    assert TEXT in decode_html(_page(None, TEXT).encode("cp1252"))


def test_str_is_taken_as_given() -> None:
    assert decode_html(TEXT) == TEXT


def test_parse_never_raises() -> None:
    for text in (
        "",
        "   ",
        "\x00\x00",
        "<?xml version='1.0' encoding='utf-8'?><html><p>x</p></html>",
    ):
        tree = parse_html(text)
        assert tree.tag == "html"
    assert parse_html("<?xml version='1.0' encoding='utf-8'?><p>Text</p>").text_content() == "Text"
