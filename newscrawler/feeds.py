"""Feed export helpers: how output files are named."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def uri_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    """`%(time)s` in feed URIs as a compact UTC stamp (`20220121T113100Z`) that sorts by time
    and needs no escaping in shells or crontabs."""
    params["time"] = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return params
