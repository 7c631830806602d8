"""A small sliding-window rate limiter for sign-ins and public endpoints.

Counts live in the memory of one process: behind several gunicorn workers each
keeps its own window, so the effective limit is up to ``workers ×`` the number
set here. That still stops password guessing and abuse of the public check desk
by orders of magnitude; a shared store (Redis) would make it exact across hosts.

    limiter = RateLimiter(limit=10, window=600)
    if not limiter.hit(("login", ip)):
        ... answer 429 ...
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted_proxies: int) -> str:
    """The address a limit counts: the client's, also behind ``trusted_proxies`` reverse proxies.

    Behind a proxy (nginx, Caddy) every request comes from the proxy's own address;
    each proxy appends the address it saw to ``X-Forwarded-For``, so the client is
    the entry ``trusted_proxies`` from the right (as werkzeug's ProxyFix reads it).
    With 0, or with fewer entries than that (a request that did not pass through
    the proxies), the socket's address counts: a client cannot pick its own key.
    """
    if trusted_proxies > 0 and forwarded_for:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_proxies:
            return hops[-trusted_proxies]
    return remote_addr or "?"


class RateLimiter:
    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def hit(self, key: Hashable) -> bool:
        """Count one attempt; False when the key is over its limit (the attempt is refused)."""
        now = self.clock()
        with self._lock:
            hits = self._recent(key, now)
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # forget idle keys so memory stays bounded
                for stale in [k for k, v in self._hits.items() if not v][:10_000]:
                    del self._hits[stale]
            return True

    def blocked(self, key: Hashable) -> bool:
        """True when the key is at its limit, without counting an attempt."""
        now = self.clock()
        with self._lock:
            return len(self._recent(key, now)) >= self.limit

    def retry_after(self, key: Hashable) -> int:
        """Seconds until the oldest counted attempt leaves the window."""
        now = self.clock()
        with self._lock:
            hits = self._recent(key, now)
            return max(1, int(hits[0] + self.window - now) + 1) if hits else 0

    def reset(self, key: Hashable) -> None:
        with self._lock:
            self._hits.pop(key, None)
