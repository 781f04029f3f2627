"""The registry of site profiles: one small module per site in this package.

A module defines one or more `SiteProfile` constants; they are collected here by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from urllib.parse import urlsplit

from newscrawler.sites.base import SiteProfile
from newscrawler.sites.rules import NO_RULES, ExtractionRules

__all__ = ["PROFILES", "SiteProfile", "profile_for_url", "rules_for_url"]


def _collect() -> dict[str, SiteProfile]:
    profiles: dict[str, SiteProfile] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, SiteProfile):
                if value.name in profiles and profiles[value.name] is not value:
                    raise ValueError(f"two site profiles are named {value.name!r}")
                profiles[value.name] = value
    return dict(sorted(profiles.items()))


PROFILES: dict[str, SiteProfile] = _collect()


def profile_for_url(url: str) -> SiteProfile | None:
    """The profile of the site serving `url`, matched by host; None for unknown sites."""
    host = (urlsplit(url).hostname or "").lower()
    matches = [p for p in PROFILES.values() if p.serves(host)]
    # The most specific host wins (www.ndr.de over ndr.de).
    return max(matches, key=lambda p: max(len(h) for h in p.hosts if p.serves(host)), default=None)


def rules_for_url(url: str) -> ExtractionRules:
    profile = profile_for_url(url)
    return profile.extraction if profile else NO_RULES
