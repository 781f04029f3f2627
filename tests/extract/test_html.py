"""Decoding and parsing: what a German reader sees, whatever the page declares."""

from __future__ import annotations

import codecs
from pathlib import Path

from lxml import etree

from newscrawler.extract.document import strip_code
from newscrawler.extract.html import decode_html, parse_html, parse_page

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


# Pages as bytes: what `parse_page` reads from the bytes must be the tree of the decoded text.
_BYTE_PAGES = [
    b"",
    b"   \n\t ",
    b"\x00\x00",
    _page("utf-8", TEXT).encode("utf-8"),
    codecs.BOM_UTF8 + _page(None, TEXT).encode("utf-8"),
    _page("iso-8859-1", TEXT).encode("utf-8"),  # a wrong Latin-1 label on UTF-8
    _page("windows-1252", TEXT).encode("cp1252"),
    _page(None, TEXT).encode("cp1252"),  # undeclared, not UTF-8: cp1252 byte by byte
    _page("utf-8", TEXT).encode("utf-8") + b"<p>caf\xe9</p>",  # a stray Latin-1 byte
    codecs.BOM_UTF16_LE + _page(None, TEXT).encode("utf-16-le"),
    _page("ascii", "plain").encode("ascii"),
    b"<?xml version='1.0' encoding='iso-8859-1'?>" + _page(None, TEXT).encode("utf-8"),
    b"\x1c<?xml version='1.0'?>" + _page(None, "x").encode("utf-8"),
    "\u00a0\u2003".encode(),  # whitespace to `str`, not to `bytes`
    "\u00a0<?xml version='1.0'?><p>x</p>".encode(),
    _page("utf-8", "a\x00b\x01c\x1fd\x7fe " + TEXT).encode("utf-8"),
]


def test_bytes_parse_to_the_tree_of_the_decoded_text() -> None:
    fixtures = sorted((Path(__file__).parent / "fixtures").glob("*.html"))
    assert fixtures
    for data in _BYTE_PAGES + [page.read_bytes() for page in fixtures]:
        expected = etree.tostring(parse_html(decode_html(data)), encoding="unicode")
        assert etree.tostring(parse_page(data), encoding="unicode") == expected, data[:80]


def test_code_goes_and_the_text_after_it_stays() -> None:
    tree = parse_html(
        "<html><body><div>a<svg>s<style>q</style>t</svg>b<p>c<script>z</script>d</p>"
        "<template><svg></svg>u</template>e<script>1</script><script>2</script>f</div>g"
        "<style>h</style></body></html>"
    )
    strip_code(tree)
    assert etree.tostring(tree) == b"<html><body><div>ab<p>cd</p>ef</div>g</body></html>"
