"""Bytes -> text -> one lxml tree: the only place a page is decoded and parsed, and where CSS
selectors (site rules, a page's own JSON-LD `hasPart`) are compiled. A page read as UTF-8 goes
from its bytes to the same tree, without the text (`parse_page`).

Decoding follows what a browser shows a German reader: the declared charset, read strictly; a
page that declares UTF-8 but carries Latin-1/cp1252 bytes (common on old CMS templates) still gets
its umlauts, because undecodable bytes are read as cp1252 instead of becoming U+FFFD.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

logger = logging.getLogger(__name__)

# Bytes 0x80-0xFF that are not valid UTF-8, kept by "surrogateescape" as U+DC80-U+DCFF.
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_SINGLE_BYTE_LATIN = {"cp1252", "iso8859-1", "iso8859-15", "ascii"}
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


def _cp1252_byte(match: re.Match[str]) -> str:
    byte = bytes([ord(match.group()) - 0xDC00])
    return byte.decode("cp1252", errors="replace")


def _decode_utf8_with_cp1252_fallback(data: bytes) -> str:
    """UTF-8 where the bytes are valid UTF-8, cp1252 for every byte that is not."""
    text = data.decode("utf-8", errors="surrogateescape")
    return _ESCAPED_BYTE.sub(_cp1252_byte, text)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def declared_encoding(data: bytes, content_type: str | None = None) -> str | None:
    """The charset the page declares: BOM, then HTTP header, then `<meta>`/XML declaration."""
    bom_encoding, _ = read_bom(data)
    if bom_encoding:
        return bom_encoding
    return http_content_type_encoding(content_type) or html_body_declared_encoding(data)


def decode_html(html: str | bytes, content_type: str | None = None) -> str:
    """Text of a page. `str` is returned as given; bytes are decoded with the declared charset
    (strictly), falling back to UTF-8 and then cp1252 byte by byte for what does not decode."""
    if isinstance(html, str):
        return html
    data = bytes(html)
    encoding = declared_encoding(data, content_type)
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        data = data[len(bom) :]
    if encoding in _SINGLE_BYTE_LATIN and not data.isascii() and _is_utf8(data):
        # A Latin-1 label on bytes that are valid UTF-8 with non-ASCII characters is a wrong
        # label: Latin-1 text practically never forms valid multi-byte UTF-8 sequences.
        logger.debug("declared %s but the bytes are UTF-8; reading UTF-8", encoding)
        return data.decode("utf-8")
    if encoding and encoding != "utf-8":
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            logger.debug("page does not decode as its declared %s; detecting", encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        if encoding == "utf-8":
            logger.debug("page declared UTF-8 but has non-UTF-8 bytes; reading those as cp1252")
        return _decode_utf8_with_cp1252_fallback(data)


_CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Testing for each of them with `in` is 4x faster than the regex scan on pages without any.
_CONTROL_CHARACTER_LIST = tuple(c for c in map(chr, range(128)) if _CONTROL_CHARACTERS.match(c))
# The same characters as UTF-8 bytes: in UTF-8 they never occur inside another character.
_CONTROL_BYTES = "".join(_CONTROL_CHARACTER_LIST).encode("ascii")
_CONTROL_BYTE = re.compile(_CONTROL_CHARACTERS.pattern.encode("ascii"))
# `\s` of `str` patterns also takes \x1c-\x1f, which `bytes` patterns leave out.
_XML_DECLARATION_BYTES = re.compile(rb"^[\s\x1c-\x1f]*<\?xml[^>]*\?>", re.IGNORECASE)


def _html_parser(**options: str) -> lxml.html.HTMLParser:
    """The HTML parser of every page (`encoding`: of the bytes it is given)."""
    # As trafilatura parses pages itself: comments and processing instructions are not part of
    # the tree. Its heuristics count children and read tails, and a tree with comments is read
    # differently (measured: paragraphs lost after an HTML comment between them).
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, **options
    )
    # Every element an `HtmlElement`, chosen in C: lxml.html's own lookup is a Python method
    # called each time an element is touched from Python (780,000 calls on the 196 dev-set pages:
    # 1 to 4 ms a page, mostly inside trafilatura), to give form fields their own classes, which
    # nothing here uses.
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


_PARSER = _html_parser()
_UTF8_PARSER = _html_parser(encoding="utf-8")


def _empty_page() -> HtmlElement:
    return lxml.html.document_fromstring("<html><head></head><body></body></html>")


def parse_html(text: str) -> HtmlElement:
    """The page's element tree; an empty `<html>` for empty or unparsable input (never raises)."""
    text = _XML_DECLARATION.sub("", text, count=1)  # lxml refuses str with an encoding declaration
    # NUL truncates the parse in libxml2; other C0 controls make later tree edits raise.
    text = text.replace("\x00", "")
    if any(ch in text for ch in _CONTROL_CHARACTER_LIST):
        text = _CONTROL_CHARACTERS.sub(" ", text)
    if text.isspace() or not text:  # no stripped copy of the page to find out
        return _empty_page()
    return _parse(text, _PARSER)


def _parse(markup: str | bytes, parser: lxml.html.HTMLParser) -> HtmlElement:
    try:
        return lxml.html.document_fromstring(markup, parser=parser)
    except (ValueError, etree.ParserError) as exc:
        logger.debug("unparsable HTML (%s); treating the page as empty", exc)
        return _empty_page()


def parse_page(html: str | bytes, content_type: str | None = None) -> HtmlElement:
    """`parse_html(decode_html(html, content_type))`, the same tree. A page `decode_html` reads
    as UTF-8 (most pages) is parsed from its bytes, never decoded: no text copy of the page,
    and scans of one byte per character instead of two or four (a German page's text is
    stored two bytes a character once it holds an umlaut). 5.5 against 6.8 ms a page on
    devset, 4.5 against 5.3 on devset-intl, the same trees on all 196 pages."""
    data = _utf8_bytes(html, content_type) if isinstance(html, bytes) else None
    if data is None:
        return parse_html(decode_html(html, content_type))
    # parse_html's steps, on bytes
    data = _XML_DECLARATION_BYTES.sub(b"", data, count=1)
    data = data.replace(b"\x00", b"")
    if len(data.translate(None, _CONTROL_BYTES)) != len(data):
        data = _CONTROL_BYTE.sub(b" ", data)
    start = data.lstrip()[:1]
    if not start:
        return _empty_page()
    if start[0] >= 0x80:  # `str` has whitespace beyond ASCII, `bytes` not: its own rules
        return parse_html(data.decode("utf-8"))
    return _parse(data, _UTF8_PARSER)


def parses_as_utf8(data: bytes) -> bool:
    """Whether `parse_page` reads these bytes as UTF-8 on its own, with no charset from HTTP:
    it then parses them as they are, for the same tree as from `data.decode("utf-8")` (less a
    byte-order mark)."""
    return _utf8_bytes(data, None) is not None


def _utf8_bytes(data: bytes, content_type: str | None) -> bytes | None:
    """The page's bytes without a byte-order mark when `decode_html` reads them as UTF-8: valid
    UTF-8 declared as UTF-8, as a Latin charset or not at all. None for anything else."""
    encoding = declared_encoding(data, content_type)
    if encoding not in (None, "utf-8") and encoding not in _SINGLE_BYTE_LATIN:
        return None
    bom_encoding, bom = read_bom(data)
    if bom_encoding and bom:
        data = data[len(bom) :]
    return data if data.isascii() or _is_utf8(data) else None


@lru_cache(maxsize=1024)
def compile_selector(selector: str) -> CSSSelector | None:
    """The compiled CSS selector, or None when cssselect cannot read it. Cached: site rules are
    the same on every page, and compiling costs more than matching."""
    try:
        return CSSSelector(selector)
    except Exception:  # cssselect raises several types (SelectorSyntaxError, ExpressionError...)
        logger.debug("unreadable CSS selector %r", selector)
        return None


def select(tree: HtmlElement, selector: str) -> list[HtmlElement]:
    """Elements matching a CSS selector; none for a selector that cannot be read (pages name
    selectors of their own in JSON-LD, and a bad one must cost nothing but itself)."""
    compiled = compile_selector(selector)
    return list(compiled(tree)) if compiled is not None else []
