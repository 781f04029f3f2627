"""A machine without network, for crawls of the live sites in tests: a DNS resolver that
resolves no host name (only IP addresses and `localhost`), so a crawl sees the very errors an
offline machine gives (`CannotResolveHostError`) without asking any name server.

Crawls use it with `-s TWISTED_DNS_RESOLVER=tests.support.offline.OfflineResolver`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

if TYPE_CHECKING:
    from twisted.internet.defer import Deferred

OFFLINE_SETTINGS = {"TWISTED_DNS_RESOLVER": "tests.support.offline.OfflineResolver"}


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class OfflineResolver(CachingThreadedResolver):
    """Scrapy's resolver, failing every host name as a machine without network does."""

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        if is_address(name):
            return defer.succeed(name)
        if name == "localhost":
            return defer.succeed("127.0.0.1")
        failure: Any = DNSLookupError(f"no network in this test: {name}")
        return defer.fail(failure)
