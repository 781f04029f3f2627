"""JSON-LD (schema.org) as news sites really write it: several script blocks, `@graph`, lists,
`@id` references, and JSON that is not quite JSON (trailing commas, raw control characters,
HTML comments around it, several objects in one block)."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newscrawler.text import normalize_text

logger = logging.getLogger(__name__)

Node = dict[str, Any]

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle",
        "OpinionNewsArticle", "ReviewNewsArticle", "BackgroundNewsArticle",
        "AskPublicNewsArticle", "SatiricalArticle", "LiveBlogPosting", "BlogPosting",
        "Report", "TechArticle", "ScholarlyArticle", "SocialMediaPosting", "Review",
    }
)  # fmt: skip
LIVE_TYPES = frozenset({"LiveBlogPosting"})
VIDEO_TYPES = frozenset({"VideoObject"})
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "CollectionPage", "SearchResultsPage"})
INDEX_TYPES = frozenset({"CollectionPage", "SearchResultsPage"})

_WRAPPERS = re.compile(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_BAD_ESCAPE = re.compile(r"\\(?![\"\\/bfnrtu])")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
# Compiled once: the module-level re functions look each pattern up in re's cache per call.
_VOCABULARY_SEPARATOR = re.compile(r"[/:#]")
_TAG = re.compile(r"<[^>]{0,200}>")


def _decode_all(text: str) -> list[Any]:
    """Every JSON value in `text`, which may hold several one after another."""
    decoder = json.JSONDecoder(strict=False)
    values, position = [], 0
    while position < len(text):
        while position < len(text) and text[position] in " \t\r\n,;":
            position += 1
        if position >= len(text):
            break
        value, position = decoder.raw_decode(text, position)
        values.append(value)
    return values


def unwrapped(text: str) -> str:
    """The block without the HTML comment or CDATA section around it (`<!-- ... -->`,
    `//<![CDATA[ ... //]]>`), stripped."""
    text = text.strip()
    # A wrapper stands at the very start or end of the stripped text (the pattern's anchors):
    # the regex, tried at every position of the block, cost 5 times json.loads (0.25 ms a page
    # on devset), these tests next to nothing.
    if text.startswith(("<", "/")) or text.endswith(("-->", "]]>")):
        return _WRAPPERS.sub("", text).strip()
    return text


def loads_lenient(text: str) -> list[Any]:
    """The JSON values of one `<script type="application/ld+json">` block, repaired where the
    usual publishing mistakes make it invalid. [] when it cannot be read."""
    text = unwrapped(text)
    if not text:
        return []
    try:
        return [json.loads(text, strict=False)]
    except RecursionError:
        logger.debug("JSON-LD block nested too deeply; skipped")
        return []
    except ValueError:
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", _BLOCK_COMMENT.sub("", text))
    repaired = _BAD_ESCAPE.sub("", repaired)
    for candidate in (text, repaired):
        try:
            return _decode_all(candidate)
        except (ValueError, RecursionError):
            continue
    logger.debug("unreadable JSON-LD block skipped: %.80r", text)
    return []


_MAX_DEPTH = 8


def _walk(value: Any, depth: int = 0) -> Iterator[Node]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for entry in value:
            yield from _walk(entry, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity"):
            nested = get(value, key)
            if isinstance(nested, (dict, list)):
                yield from _walk(nested, depth + 1)


def jsonld_nodes(tree: HtmlElement) -> list[Node]:
    """All top-level schema.org nodes of the page, in document order (`@graph` and
    `mainEntity` flattened)."""
    nodes: list[Node] = []
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        for value in loads_lenient(script.text or ""):
            nodes.extend(_walk(value))
    return nodes


def get(node: Mapping[str, Any], key: str) -> Any:
    """`node[key]`, ignoring the case of the key (sites write `isAccessibleforFree`) and a
    `schema:` prefix."""
    if key in node:
        return node[key]
    wanted = key.lower()
    for name, value in node.items():
        if isinstance(name, str) and name.lower().removeprefix("schema:") == wanted:
            return value
    return None


def node_types(node: Mapping[str, Any]) -> set[str]:
    """The node's `@type`s without vocabulary prefixes (`http://schema.org/NewsArticle`)."""
    value = get(node, "@type")
    values = value if isinstance(value, list) else [value]
    return {_VOCABULARY_SEPARATOR.split(v)[-1] for v in values if isinstance(v, str) and v}


def clean_text(value: Any) -> str | None:
    """A JSON-LD text value as plain text: first of a list, entities decoded (some CMS
    HTML-escape their JSON-LD), whitespace normalised."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, dict):
        value = get(value, "@value") or get(value, "name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    if _ENTITY.search(value):
        value = html.unescape(value)
    if "<" in value and ">" in value:
        value = _TAG.sub(" ", value)
    return normalize_text(value) or None


def page_key(url: str) -> str:
    """Host (without www.) and path of a URL: what tells two pages apart."""
    parts = urlsplit(url)
    return (parts.hostname or "").removeprefix("www.") + parts.path.rstrip("/")


def node_urls(node: Mapping[str, Any]) -> set[str]:
    urls = set()
    for key in ("url", "@id", "mainEntityOfPage"):
        value = get(node, key)
        if isinstance(value, dict):
            value = get(value, "@id") or get(value, "url")
        if isinstance(value, str) and value.strip():
            urls.add(page_key(value.strip()))
    return urls


def find_article(nodes: Iterable[Node], page_urls: Iterable[str] = ()) -> Node | None:
    """The node describing the page's own article: among the article-typed nodes, the one that
    names the page's URL, else the one with the most of headline, date and author."""
    candidates = [n for n in nodes if node_types(n) & ARTICLE_TYPES]
    if not candidates:
        return None
    own = {page_key(u) for u in page_urls if u}

    def rank(node: Node) -> int:
        score = 4 if own & node_urls(node) else 0
        return score + sum(
            get(node, k) is not None for k in ("headline", "datePublished", "author")
        )

    return max(candidates, key=rank)  # max keeps the first of equals: document order


def id_index(nodes: Iterable[Node]) -> dict[str, Node]:
    """Nodes by `@id`, for resolving references like `"author": {"@id": "#/person/1"}`."""
    index: dict[str, Node] = {}
    for node in nodes:
        node_id = get(node, "@id")
        if isinstance(node_id, str) and len(node) > 1:
            index.setdefault(node_id, node)
    return index


def resolve(value: Any, index: Mapping[str, Node]) -> Any:
    """`value` with a bare `{"@id": ...}` reference replaced by the node it points to."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(get(value, "@id"), str):
        return index.get(value["@id"], value)
    return value


def person_names(value: Any, index: Mapping[str, Node]) -> list[tuple[str, bool]]:
    """(name, is_organisation) for each author/creator entry: a string, a Person or
    Organization node, a reference to one, or a list of those."""
    entries = value if isinstance(value, list) else [value]
    found: list[tuple[str, bool]] = []
    for raw in entries:
        entry = resolve(raw, index)
        if isinstance(entry, str):
            name = clean_text(entry)
            if name:
                found.append((name, False))
            continue
        if not isinstance(entry, dict):
            continue
        name = clean_text(get(entry, "name"))
        if not name:
            given, family = (
                clean_text(get(entry, "givenName")),
                clean_text(get(entry, "familyName")),
            )
            name = " ".join(part for part in (given, family) if part) or None
        if name:
            is_org = bool(
                node_types(entry) & {"Organization", "NewsMediaOrganization", "Corporation"}
            )
            found.append((name, is_org))
    return found


def breadcrumbs(nodes: Iterable[Node]) -> list[tuple[str, str | None]]:
    """(name, url) of the first BreadcrumbList's items, in position order."""
    for node in nodes:
        if "BreadcrumbList" not in node_types(node):
            continue
        items = get(node, "itemListElement")
        items = items if isinstance(items, list) else [items]
        crumbs = []
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            target = get(item, "item")
            name = clean_text(get(item, "name"))
            url = None
            if isinstance(target, dict):
                name = name or clean_text(get(target, "name"))
                url = get(target, "@id") or get(target, "url")
            elif isinstance(target, str):
                url = target
            order = get(item, "position")
            key = order if isinstance(order, (int, float)) else position
            if name:
                crumbs.append((float(key), name, url if isinstance(url, str) else None))
        crumbs.sort(key=lambda crumb: crumb[0])
        return [(name, url) for _, name, url in crumbs]
    return []
