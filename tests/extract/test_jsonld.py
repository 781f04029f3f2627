"""JSON-LD as sites write it, valid or not."""

from __future__ import annotations

import itertools

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawler.extract import jsonld
from newscrawler.extract.jsonld import (
    find_article,
    get,
    id_index,
    jsonld_nodes,
    loads_lenient,
    node_types,
    person_names,
    unwrapped,
)


def test_valid_json() -> None:
    assert loads_lenient('{"@type": "NewsArticle", "headline": "A"}') == [
        {"@type": "NewsArticle", "headline": "A"}
    ]


def test_trailing_commas_and_comment_wrapper() -> None:
    text = '<!--\n{"@type": "NewsArticle", "keywords": ["a", "b",], "headline": "A",}\n-->'
    assert loads_lenient(text) == [
        {"@type": "NewsArticle", "keywords": ["a", "b"], "headline": "A"}
    ]


def test_raw_control_characters_in_strings() -> None:
    assert loads_lenient('{"description": "line one\nline two\ttab"}') == [
        {"description": "line one\nline two\ttab"}
    ]


def test_several_objects_in_one_block() -> None:
    values = loads_lenient('{"@type": "Organization"}\n{"@type": "NewsArticle"};')
    assert [v["@type"] for v in values] == ["Organization", "NewsArticle"]


def test_cdata_and_invalid_escape() -> None:
    assert loads_lenient('//<![CDATA[\n{"headline": "It\\\'s"}\n//]]>') == [{"headline": "It's"}]


def _unwrapped_by_regex(text: str) -> str:
    """What `unwrapped` stands for: the wrapper pattern searched over the whole block."""
    return jsonld._WRAPPERS.sub("", text.strip()).strip()


_WRAPPER_PIECES = ["", " ", "\n", "//", "// ", "<!--", "-->", "<![CDATA[", "]]>", "{}", "<", "-"]


def test_unwrapped_pre_check_agrees_with_the_regex_on_every_wrapper_combination() -> None:
    for pieces in itertools.product(_WRAPPER_PIECES, repeat=4):
        text = "".join(pieces)
        assert unwrapped(text) == _unwrapped_by_regex(text), repr(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from([*_WRAPPER_PIECES, "a", '"x"', "\t", "/", "]", "!"]), max_size=8))
def test_unwrapped_pre_check_agrees_with_the_regex(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert unwrapped(text) == _unwrapped_by_regex(text)


def test_unreadable_block_is_skipped() -> None:
    assert loads_lenient("{ not json") == []
    assert loads_lenient("") == []


def test_nodes_from_graph_lists_and_main_entity() -> None:
    blocks = [
        '{"@graph": [{"@type": "WebSite"}, {"@type": "NewsArticle", "headline": "G"}]}',
        '[{"@type": "Person", "name": "P"}]',
        '{"@type": "WebPage", "mainEntity": {"@type": "Article", "headline": "M"}}',
    ]
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    html = (
        f"<html><head>{scripts}"
        '<script type="text/javascript">{"@type": "NewsArticle"}</script></head></html>'
    )
    nodes = jsonld_nodes(lxml.html.fromstring(html))
    assert [sorted(node_types(n)) for n in nodes] == [
        [],
        ["WebSite"],
        ["NewsArticle"],
        ["Person"],
        ["WebPage"],
        ["Article"],
    ]


def test_keys_ignore_case_and_prefix() -> None:
    node = {"isAccessibleforFree": "false", "schema:headline": "H"}
    assert get(node, "isAccessibleForFree") == "false"
    assert get(node, "headline") == "H"


def test_types_without_vocabulary_prefix() -> None:
    assert node_types({"@type": ["http://schema.org/NewsArticle", "schema:Thing"]}) == {
        "NewsArticle",
        "Thing",
    }


def test_find_article_prefers_the_page_itself() -> None:
    nodes = [
        {"@type": "NewsArticle", "headline": "Other", "url": "https://x.de/other", "author": "A"},
        {"@type": "NewsArticle", "headline": "Own", "url": "https://www.x.de/own/"},
    ]
    article = find_article(nodes, ["https://x.de/own"])
    assert article is not None and article["headline"] == "Own"


def test_author_references_and_name_parts() -> None:
    nodes = [{"@id": "#p1", "@type": "Person", "name": "Anna Muster"}]
    authors = [
        {"@id": "#p1"},
        {"@type": "Person", "givenName": "Anna Giulia", "familyName": "Fink"},
        {"@type": "Organization", "name": "dpa"},
        "Max Beispiel",
    ]
    assert person_names(authors, id_index(nodes)) == [
        ("Anna Muster", False),
        ("Anna Giulia Fink", False),
        ("dpa", True),
        ("Max Beispiel", False),
    ]
