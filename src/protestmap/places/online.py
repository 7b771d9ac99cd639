"""Optional online fallback through geopy's Nominatim: rate-limited, cached on disk, opt-in.

Nothing in protestmap reaches the network unless a :class:`CachedNominatim` is created and passed
explicitly (``protestmap geocode --online``). Tests inject a fake geocoder instead of Nominatim.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from protestmap import settings
from protestmap._io import write_atomic

__all__ = ["CachedNominatim", "default_cache_dir"]

USER_AGENT = "protestmap (https://pypi.org/project/protestmap/)"


def default_cache_dir() -> Path:
    """Return the per-user cache directory for online geocoding answers."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(settings.CACHE_NAME)) / "nominatim"


class CachedNominatim:
    """Nominatim restricted to Peru, one request per second at most, answers cached on disk.

    Parameters
    ----------
    cache_dir
        Where answers are kept, one JSON file per query (keyed by a hash of it).
    geocoder
        A geopy geocoder; ``Nominatim(user_agent=...)`` when omitted. Tests pass a fake.
    min_delay_seconds
        Minimum pause between two requests (Nominatim's usage policy asks for 1 s).
    """

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        geocoder: Any = None,
        min_delay_seconds: float = 1.0,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        if geocoder is None:
            from geopy.geocoders import Nominatim

            geocoder = Nominatim(user_agent=USER_AGENT)
        self.cache_dir = cache_dir or default_cache_dir()
        self.min_delay_seconds = min_delay_seconds
        self._geocode = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=2,
            swallow_exceptions=False,
        )
        self.requests = 0

    def _path(self, query: str) -> Path:
        digest = hashlib.sha256(query.strip().lower().encode("utf-8")).hexdigest()
        return self.cache_dir / f"{digest}.json"

    def lookup(self, query: str) -> tuple[float, float] | None:
        """Return ``(latitude, longitude)`` of a place in Peru, or None when not found.

        Parameters
        ----------
        query
            The place as written.

        Returns
        -------
        tuple of float or None
            The first answer's coordinates; answers (including "not found") are cached.
        """
        path = self._path(query)
        if path.is_file():
            cached = json.loads(path.read_text(encoding="utf-8"))
            return None if cached["point"] is None else tuple(cached["point"])
        self.requests += 1
        location = self._geocode(query, exactly_one=True, country_codes="pe")
        point = None if location is None else (location.latitude, location.longitude)
        payload = {"query": query, "point": point, "address": getattr(location, "address", None)}
        write_atomic(json.dumps(payload, ensure_ascii=False), path)
        return point
