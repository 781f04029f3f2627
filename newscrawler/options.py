"""What the crawler understands on its command line, declared once: the spider arguments
(`-a name=value`) of each spider and the `NEWSCRAWLER_*` settings (`-s NAME=value`), each
with its type and its meaning.

A typo in a crontab must not go unnoticed: a name nobody declared stops the run before anything
is fetched (exit status 3), with the closest known name (`unknown argument 'day' (did you mean
'days'?)`); a value of the wrong type names the option and what it expects. Arguments that start
with `_` are not ours (Scrapyd's `_job`, `_version`) and pass untouched.

A spider declares its arguments as a class attribute and inherits those of its base:

    class WarcSpider(NewsSpider):
        arguments = NewsSpider.arguments + Options(
            Option("warc", HTTP_URL, "a WARC file to read the pages from"),
        )

and finds each value as an attribute (`self.warc`, None when not given). Any Scrapy spider can
do the same with the `DeclaredArguments` mixin (`class S(DeclaredArguments, scrapy.Spider)`).
A new setting is declared in `SETTINGS` below, beside its default in `newscrawler/settings.py`
(a test keeps the two in step).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from newscrawler import settings as project_settings

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


class OptionError(ValueError):
    """An unknown option or a value it cannot take: bad input, reported without a traceback."""


# --- Kinds of values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """What a value must be. `convert` turns the command line's text (or a Python value given by
    a script) into the value, raising ValueError or TypeError; `expects` says in words what it
    takes, for the error message."""

    expects: str
    convert: Callable[[Any], Any]


def _given(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _number(value: Any, *, minimum: float, inclusive: bool) -> float | None:
    if not _given(value):
        return None
    if isinstance(value, bool):
        raise TypeError("a switch is no number")
    number = float(value)
    if math.isnan(number) or number < minimum or (number == minimum and not inclusive):
        raise ValueError(f"out of range: {value!r}")
    return number


def _share(value: Any) -> float | None:
    share = _number(value, minimum=0, inclusive=False)
    if share is not None and share > 1:
        raise ValueError(f"out of range: {value!r}")
    return share


def _whole_number(value: Any, *, minimum: int) -> int | None:
    if not _given(value):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise TypeError("not a whole number")
    number = int(str(value).strip()) if isinstance(value, str) else int(value)
    if number < minimum:
        raise ValueError(f"out of range: {value!r}")
    return number


def _gzip_level(value: Any) -> int | None:
    level = _whole_number(value, minimum=0)
    if level is not None and level > 9:
        raise ValueError(f"out of range: {value!r}")
    return level


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def parse_switch(value: Any) -> bool:
    """1/0, true/false, yes/no, on/off (or a bool)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"not a switch: {value!r}")


def parse_http_url(value: Any) -> str | None:
    """An absolute http(s) URL with a host."""
    if not _given(value):
        return None
    url = str(value).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    return url


def parse_origin(value: Any) -> str | None:
    """Scheme, host and port of a URL (`http://127.0.0.1:8000`); a path is dropped."""
    url = parse_http_url(value)
    if url is None:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def parse_site(value: Any) -> str | None:
    """A host name (https assumed) or a URL, as the home page URL of the site."""
    if not _given(value):
        return None
    text = str(value).strip()
    url = parse_http_url(text if "://" in text else f"https://{text}")
    assert url is not None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


SWITCH = Kind("1 or 0 (also true/false, yes/no, on/off)", parse_switch)
POSITIVE_NUMBER = Kind(
    "a number above 0 (e.g. 2 or 0.5)",
    lambda value: _number(value, minimum=0, inclusive=False),
)
SHARE = Kind("a share above 0 and at most 1 (e.g. 0.5)", _share)
SECONDS = Kind(
    "a number of seconds, 0 or more (e.g. 2.5)",
    lambda value: _number(value, minimum=0, inclusive=True),
)
COUNT = Kind("a whole number of 0 or more", lambda value: _whole_number(value, minimum=0))
POSITIVE_COUNT = Kind("a whole number of 1 or more", lambda value: _whole_number(value, minimum=1))
HTTP_URL = Kind("an http(s) URL such as https://www.example.de/rss", parse_http_url)
ORIGIN = Kind("an http(s) origin such as http://127.0.0.1:8000", parse_origin)
SITE = Kind("a host name such as www.example.de, or an http(s) URL", parse_site)
TEXT = Kind("text", _text)
GZIP_LEVEL = Kind("a gzip level from 0 to 9", _gzip_level)


# --- Options and their declarations -------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One declared option: its name on the command line, its kind, what it means, its value
    when not given and (for spider arguments) the attribute that holds the value, when that is
    not the name itself (`start` would hide `Spider.start`)."""

    name: str
    kind: Kind
    meaning: str
    default: Any = None
    attribute: str | None = None

    @property
    def attribute_name(self) -> str:
        return self.attribute or self.name


class Options:
    """The options of one spider (or the settings): parses what a command line gave."""

    def __init__(self, *options: Option, what: str = "argument"):
        self.what = what
        self.by_name: dict[str, Option] = {option.name: option for option in options}

    def __add__(self, other: Options) -> Options:
        """These options and `other`'s; `other` wins where both declare a name."""
        return Options(*self.by_name.values(), *other.by_name.values(), what=self.what)

    def __iter__(self) -> Iterator[Option]:
        return iter(self.by_name.values())

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def unknown(self, name: str, known: Iterable[str] | None = None) -> OptionError:
        """The error for an undeclared name, with the closest known name or the list of all."""
        names = sorted(known if known is not None else self.by_name)
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        close = close or [n for n in names if n.lower() == name.lower()]
        if close:
            return OptionError(f"unknown {self.what} {name!r} (did you mean {close[0]!r}?)")
        listing = ", ".join(names) if names else "none"
        return OptionError(f"unknown {self.what} {name!r} (known: {listing})")

    def value(self, name: str, given: Any) -> Any:
        """The declared option's value for what was given; OptionError naming what it expects."""
        option = self.by_name[name]
        try:
            value = option.kind.convert(given)
        except (ValueError, TypeError, OverflowError):
            raise OptionError(
                f"{self.what} {name!r} expects {option.kind.expects}, got {given!r}"
            ) from None
        return option.default if value is None else value

    def parse(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Every declared option's value (its default when not given), by name. Names starting
        with `_` are not checked and not returned."""
        for name in given:
            if not name.startswith("_") and name not in self.by_name:
                raise self.unknown(name)
        return {
            name: self.value(name, given[name]) if name in given else option.default
            for name, option in self.by_name.items()
        }


class DeclaredArguments:
    """Mixin for a Scrapy spider whose `-a` arguments are declared in `arguments`: each value
    becomes an attribute (`Option.attribute_name`); an undeclared argument or a wrong value
    stops the spider from being created (`OptionError`), so the run stops before any request.
    Arguments that start with `_` go to Scrapy untouched (it makes them attributes)."""

    arguments: ClassVar[Options] = Options()

    def __init__(self, *args: Any, **kwargs: Any):
        values = self.arguments.parse(kwargs)
        for option in self.arguments:
            setattr(self, option.attribute_name, values[option.name])
        passed_on = {name: value for name, value in kwargs.items() if name.startswith("_")}
        super().__init__(*args, **passed_on)


CRAWL_ARGUMENTS = Options(
    Option(
        "incremental",
        SWITCH,
        "0: a full crawl, no article skipped and none recorded as emitted",
        default=True,
    ),
    Option(
        "revisit",
        SWITCH,
        "0: no revisits of recent articles (README: Versions of an article)",
        default=True,
    ),
)
"""The arguments every spider run with the crawl state (`newscrawler.extensions.crawl_state`)
understands: declare a spider's own as `CRAWL_ARGUMENTS + Options(...)`."""


# --- Settings -------------------------------------------------------------------------------

SETTINGS = Options(
    Option("NEWSCRAWLER_CONTACT_URL", TEXT, "where site operators reach you (User-Agent)"),
    Option("NEWSCRAWLER_RETRY_BACKOFF_BASE", SECONDS, "seconds before the first retry"),
    Option("NEWSCRAWLER_RETRY_BACKOFF_MAX", SECONDS, "upper bound of one backoff wait"),
    Option("NEWSCRAWLER_FOLLOW_DEPTH", POSITIVE_COUNT, "news -a start=: link hops followed"),
    Option("NEWSCRAWLER_EXTRACT_MAX_TAGS", POSITIVE_COUNT, "pages with more tags are skipped"),
    Option("NEWSCRAWLER_EXTRACT_WORKERS", COUNT, "extraction processes (0: inline)"),
    Option("NEWSCRAWLER_EXTRACT_TIMEOUT", SECONDS, "seconds a worker may spend on a page"),
    Option("NEWSCRAWLER_OUTPUT_DIR", TEXT, "folder of the default output files"),
    Option("NEWSCRAWLER_NON_ARTICLE_TTL", SECONDS, "seconds a lead found no article is skipped"),
    Option("NEWSCRAWLER_STATE_URL", TEXT, "where the state lives (sqlite:///…, redis://…)"),
    Option("NEWSCRAWLER_SUMMARY_PATH", TEXT, "where run summaries go (%(name)s, %(time)s)"),
    Option("NEWSCRAWLER_FRONTIER_URL", TEXT, "redis://… of a shared frontier"),
    Option("NEWSCRAWLER_FRONTIER_IDLE_CLOSE", SECONDS, "idle seconds before a worker ends"),
    Option("NEWSCRAWLER_REDIS_PREFIX", TEXT, "the first part of every Redis key"),
    Option("NEWSCRAWLER_WARC", SWITCH, "write the fetched pages as WARC beside the JSON lines"),
    Option("NEWSCRAWLER_WARC_GZIP_LEVEL", GZIP_LEVEL, "compression of the WARC records"),
    Option("NEWSCRAWLER_SYNDICATION", SWITCH, "compare each article's text with those seen"),
    # (the syndication middleware also refuses shares below syndication.MIN_THRESHOLD)
    Option("NEWSCRAWLER_SYNDICATION_THRESHOLD", SHARE, "overlap from which texts are copies"),
    Option("NEWSCRAWLER_REVISIT_WINDOW", TEXT, "articles first seen this long ago are revisited"),
    Option("NEWSCRAWLER_REVISIT_AGES", TEXT, "ages after first seen to revisit at (1h,6h,...)"),
    Option("NEWSCRAWLER_REVISIT_SHARE", SHARE, "at most this share of a run's requests revisits"),
    Option("NEWSCRAWLER_MONITOR_RUNS", POSITIVE_COUNT, "good runs a monitor compares with"),
    Option("NEWSCRAWLER_MONITOR_MIN_RUNS", POSITIVE_COUNT, "runs recorded before monitors judge"),
    Option("NEWSCRAWLER_MONITOR_ITEMS_SHARE", SHARE, "fewer items than this share of usual fail"),
    Option("NEWSCRAWLER_MONITOR_COVERAGE_DROP", SHARE, "a field's coverage may drop this much"),
    Option("NEWSCRAWLER_MONITOR_FAILURE_RISE", SHARE, "failed extractions/errors may rise this"),
    Option("NEWSCRAWLER_MONITOR_HISTORY", POSITIVE_COUNT, "runs kept in the state's history"),
    Option("NEWSCRAWLER_REPORT", SWITCH, "write report.html beside the site's JSON lines"),
    what="setting",
)
"""The `NEWSCRAWLER_*` settings (defaults and comments in `newscrawler/settings.py`)."""

SETTINGS_PREFIX = "NEWSCRAWLER_"


def project_setting_names() -> set[str]:
    """The `NEWSCRAWLER_*` names `newscrawler/settings.py` defines: known even before they are
    declared in `SETTINGS` (a setting added there must never stop a run)."""
    return {name for name in vars(project_settings) if name.startswith(SETTINGS_PREFIX)}


def check_settings(settings: BaseSettings) -> None:
    """`OptionError` for a `NEWSCRAWLER_*` setting nobody declared (a typo: `-s
    NEWSCRAWLER_STATE_UR=…`, also in lower case) or a declared one whose text is not what it
    expects. Values a settings module gives as Python objects are its author's business."""
    known = set(SETTINGS.by_name) | project_setting_names()
    for name in list(settings):
        if not name.upper().startswith(SETTINGS_PREFIX):
            continue
        if name not in known:
            raise SETTINGS.unknown(name, known)
        value = settings[name]
        if name in SETTINGS and isinstance(value, str):
            SETTINGS.value(name, value)
