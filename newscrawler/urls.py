"""URL canonicalisation: one article, one URL, whatever tracking decoration a link carries.

`strip_tracking` is ours, not w3lib's `url_query_cleaner` or courlan's `clean_url`: those
match parameter names exactly (no `utm_*` prefixes, case-sensitive) or bring their own list
and rewrite the rest of the URL, and item URLs and state keys must stay what they are.
`state_key` is the key the state stores an article under; `w3lib.url.canonicalize_url`
(which also normalises percent-encoding) is for comparing URLs within a run.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the click and never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "twclid", "ttclid",
        "mc_cid", "mc_eid", "_ga", "_gl", "wt_mc", "wt.mc_id", "wtmc", "ref_src", "cmpid",
        "ito", "xtor", "ocid", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname",
        "icid", "ref", "share", "sc_cid", "at_medium", "at_campaign", "at_custom1",
        "at_custom2", "at_custom3", "at_custom4", "dicbo", "outputtype",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "wt_", "hsa_", "oly_")

_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """Remove tracking parameters and the fragment; keep everything else as it was."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    kept = [(k, v) for k, v in query if not is_tracking_param(k)]
    new_query = parts.query if len(kept) == len(query) else urlencode(kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, new_query, ""))


def state_key(url: str) -> str:
    """Key under which the state knows an article: tracking and fragment removed, scheme and
    host lower-cased, default port and a trailing `?` dropped, remaining parameters sorted."""
    parts = urlsplit(strip_tracking(url))
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:  # `:abc`, `:99999`: not fetchable, but a key must not crash the crawl
        netloc = parts.netloc.lower()
    else:
        host = (parts.hostname or "").lower()
        netloc = f"{host}:{port}" if port and port != _DEFAULT_PORTS.get(scheme) else host
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def host_of(url: str) -> str:
    """Lower-case host name of a URL, without port ('' when there is none)."""
    return (urlsplit(url).hostname or "").lower()


def replace_origin(url: str, origin: str) -> str:
    """Put `url`'s path and query under another scheme and host (a mirror or local replica)."""
    target = urlsplit(origin)
    parts = urlsplit(url)
    return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))
