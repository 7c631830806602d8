"""The check desk's limiter: a sliding window per client address, behind proxies too."""

from __future__ import annotations

import pytest

from brandhub.ratelimit import RateLimiter, client_address
from tests.compliance.support import CHECK_URL, form, pieces


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", None, 0, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.7", 0, "203.0.113.9"),  # no proxy: the header is ignored
        ("10.0.0.2", "198.51.100.7", 1, "198.51.100.7"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", 1, "198.51.100.7"),  # a forged first entry
        ("10.0.0.2", "198.51.100.7, 10.0.0.3", 2, "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7", 2, "10.0.0.2"),  # fewer hops than proxies: not trusted
        ("10.0.0.2", " , ", 1, "10.0.0.2"),
        (None, None, 0, "?"),
    ],
)
def test_client_address(remote, forwarded, proxies, expected):
    assert client_address(remote, forwarded, proxies) == expected


def test_the_window_slides():
    now = [1000.0]
    limiter = RateLimiter(limit=2, window=600, clock=lambda: now[0])
    assert limiter.hit("a") and limiter.hit("a") and not limiter.hit("a")
    assert limiter.hit("b")  # each key has its own window
    assert limiter.retry_after("a") == 601
    now[0] += 599
    assert not limiter.hit("a")
    now[0] += 2  # the first two attempts left the window
    assert limiter.hit("a")


def test_behind_a_proxy_each_visitor_has_a_window(app_factory):
    app = app_factory(CHECK_DESK_LIMIT=1, TRUSTED_PROXIES=1)
    app.test_cli_runner().invoke(args=["brands", "load"])
    client = app.test_client()

    def check(visitor: str) -> int:
        return client.post(
            CHECK_URL,
            data=form(pieces()["official"], "x.png"),
            headers={"X-Forwarded-For": visitor},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the proxy
        ).status_code

    assert [check("198.51.100.7"), check("198.51.100.8"), check("198.51.100.7")] == [
        200,
        200,
        429,
    ]
