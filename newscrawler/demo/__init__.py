"""The offline demo: replicas of news sites served from 127.0.0.1, and a crawl of them.

The same replicas are the fixtures of the test suite.
"""

from pathlib import Path

SITES_DIR = Path(__file__).parent / "site"
"""One folder per replicated site, named after its site profile."""

GENERIC_SITE = "generic"
"""The replica without a site profile (a fictional paper): crawled by the `news` spider."""

GENERIC_ORIGIN = "https://www.foerde-kurier.de"
"""The address the generic replica's absolute URLs name (see `RehostedReplica`)."""
