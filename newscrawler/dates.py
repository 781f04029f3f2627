"""German date normalisation: raw date strings as news pages show them -> ISO 8601.

First version: machine formats and dateparser. See `normalize_date`.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_MAX_INPUT = 200


def _iso_with_offset(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)
    return moment.astimezone(BERLIN).replace(microsecond=0).isoformat()


def normalize_date(raw: str, *, now: datetime | None = None) -> str | None:
    """ISO 8601 in Europe/Berlin time for a date with time, `YYYY-MM-DD` for a bare day,
    None when `raw` holds no date. Never raises."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = raw.strip()[:_MAX_INPUT]
    match = _ISO.match(text)
    if match:
        year, month, day, hour, minute, second, zone = match.groups()
        try:
            if hour is None:
                return datetime(int(year), int(month), int(day)).date().isoformat()
            moment = datetime(
                int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
            )
        except ValueError:
            return None
        if zone:
            zone = "+00:00" if zone == "Z" else zone
            moment = datetime.fromisoformat(moment.isoformat() + zone[:3] + ":" + zone[-2:])
        return _iso_with_offset(moment)
    try:
        import dateparser  # noqa: PLC0415 (slow import, only for the fallback)

        parsed = dateparser.parse(
            text,
            languages=["de", "en"],
            settings={
                "DATE_ORDER": "DMY",
                "RELATIVE_BASE": (now or datetime.now(timezone.utc))
                .astimezone(BERLIN)
                .replace(tzinfo=None),
                "TIMEZONE": "Europe/Berlin",
                "RETURN_AS_TIMEZONE_AWARE": True,
            },
        )
    except Exception:
        return None
    return _iso_with_offset(parsed) if parsed else None
