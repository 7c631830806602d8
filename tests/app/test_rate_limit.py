"""The attempt limiter: whose address counts, and the one contract every store keeps
(the database on SQLite or PostgreSQL, Redis on a real redis-server)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from brandhub.db import database
from brandhub.ratelimit import DatabaseStore, Limiter, RedisStore, Rule, client_address
from tests.app.compliance.support import check_desk


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


@pytest.fixture(params=["database", "redis"])
def store(request, app_factory):
    if request.param == "database":
        return DatabaseStore(database(app_factory()).engine)
    url = request.getfixturevalue("redis_url")
    made = RedisStore(url, prefix=f"test:{request.node.name}:")
    made.client.flushdb()
    return made


def test_a_burst_of_limit_then_one_per_interval(store):
    now = [1_000_000.0]
    limiter = Limiter(store, clock=lambda: now[0])
    rule = Rule("t", limit=2, window=600)
    assert [limiter.hit(rule, "a") for _ in range(3)] == [None, None, 300]
    assert limiter.hit(rule, "b") is None  # each key counts apart
    assert limiter.hit(rule, "a", "x") is None
    now[0] += 299
    assert limiter.hit(rule, "a") == 1
    now[0] += 1  # one interval (600 / 2) after the burst: one more attempt
    assert limiter.hit(rule, "a") is None
    assert limiter.hit(rule, "a") == 300
    now[0] += 600  # a whole window of quiet: a whole burst again
    assert [limiter.hit(rule, "a") for _ in range(3)] == [None, None, 300]


def test_release_gives_one_back_and_reset_all(store):
    now = [2_000_000.0]
    limiter = Limiter(store, clock=lambda: now[0])
    rule = Rule("t", limit=3, window=600)
    assert [limiter.hit(rule, "k") for _ in range(4)] == [None, None, None, 200]
    limiter.release(rule, "k")
    assert limiter.hit(rule, "k") is None and limiter.hit(rule, "k") == 200
    limiter.reset(rule, "k")
    assert [limiter.hit(rule, "k") for _ in range(4)] == [None, None, None, 200]
    long = "x" * 400 + "@example.org"  # kept as a digest, still its own key
    assert limiter.hit(rule, long) is None and limiter.hit(rule, long + "y") is None


def test_concurrent_attempts_are_counted_exactly(store):
    limiter = Limiter(store)
    rule = Rule("race", limit=10, window=600)
    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(lambda _i: limiter.hit(rule, "same"), range(60)))
    assert answers.count(None) == 10
    # One interval, +1 s for a clock read before another thread's insert.
    assert all(0 < wait <= 61 for wait in answers if wait is not None)


def test_an_unreachable_redis_counts_in_the_database(app_factory):
    fallback = DatabaseStore(database(app_factory()).engine)
    limiter = Limiter(RedisStore("redis://127.0.0.1:1/0", "x:", fallback=fallback))
    rule = Rule("t", limit=1, window=600)
    assert limiter.hit(rule, "k") is None and limiter.hit(rule, "k") == 600


def test_the_redis_store_is_used_when_redis_is_configured(app_factory, redis_url):
    from brandhub.ratelimit import EXT

    app = app_factory(REDIS_URL=redis_url, JOBS_BACKEND="immediate")
    assert isinstance(app.extensions[EXT].store, RedisStore)
    assert isinstance(app_factory().extensions[EXT].store, DatabaseStore)


def test_behind_a_proxy_each_visitor_has_a_window(app_factory):
    app = app_factory(CHECK_DESK_LIMIT=1, TRUSTED_PROXIES=1)
    send = check_desk(app)

    def check(visitor: str) -> int:
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        return int(send(headers={"X-Forwarded-For": visitor}, environ_base=proxy).status_code)

    assert [check("198.51.100.7"), check("198.51.100.8"), check("198.51.100.7")] == [
        200,
        200,
        429,
    ]


def test_count_request_and_its_429_for_other_parts_of_the_app(app):
    from brandhub.ratelimit import count_request, too_many

    def visit(path: str, address: str) -> int | None:
        with app.test_request_context(path, environ_base={"REMOTE_ADDR": address}):
            return count_request("render", limit=1, window=60)

    assert visit("/api/v1/x", "10.0.0.1") is None and visit("/", "10.0.0.2") is None
    assert visit("/api/v1/x", "10.0.0.1") == 60
    with app.test_request_context("/api/v1/x", headers={"Accept-Language": "es"}):
        api = too_many(60)
        error = api.get_json()["error"]
    assert api.status_code == 429 and api.headers["Retry-After"] == "60"
    assert error["code"] == "rate_limited" and error["retry_after"] == 60
    assert error["message"] == "Demasiadas solicitudes: vuelva a intentarlo en 60 segundos."
    with app.test_request_context("/marca/", headers={"Accept-Language": "es"}):
        page = too_many(600)
    assert page.status_code == 429 and page.mimetype == "text/html"
    assert "vuelva a intentarlo en 10 minutos" in page.get_data(True)
