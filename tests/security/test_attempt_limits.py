"""Sign-in and share-link password limits: keyed by the client's address behind the
proxy, counted before the password is checked (so concurrent guesses cannot slip
through), and never a way for one visitor to lock out another."""

from __future__ import annotations

import http.client
import threading
from typing import Any
from urllib.parse import urlencode

import argon2
import pytest

from brandhub.auth import passwords
from brandhub.models import RateLimitCounter, User
from tests.factories import PASSWORD, add_user, approve, session, upload
from tests.security.served import served

PROXY = {"REMOTE_ADDR": "10.0.0.2"}  # nginx, as every request reaches the app


def _login(client, email: str, password: str, visitor: str) -> int:
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": visitor},
        environ_base=PROXY,
    ).status_code


def test_an_attacker_behind_the_proxy_does_not_lock_out_other_visitors(app_factory):
    app = app_factory(TRUSTED_PROXIES=1)
    user = add_user(app, "editor")
    client = app.test_client()
    attacker, visitor = "198.51.100.7", "198.51.100.8"
    made_up = [_login(client, f"nadie{i}@example.org", "x", attacker) for i in range(50)]
    assert made_up == [401] * 50
    # This address is done: the few attempts it regained while those 50 were checked
    # (one every 12 s) go, then 429.
    more = [_login(client, f"otro{i}@example.org", "x", attacker) for i in range(8)]
    assert more[-1] == 429
    assert _login(client, user.email, PASSWORD, visitor) == 302


def test_failures_on_an_account_from_one_address_do_not_lock_it_elsewhere(app_factory):
    app = app_factory(TRUSTED_PROXIES=1)
    user = add_user(app, "editor")
    client = app.test_client()
    attacker = "198.51.100.7"
    assert [_login(client, user.email, "x", attacker) for _ in range(10)] == [401] * 10
    r = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        headers={"X-Forwarded-For": attacker},
        environ_base=PROXY,
    )
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60
    assert "Demasiados intentos fallidos. Vuelva a intentarlo en" in r.get_data(True)
    # The owner, from a fresh address, signs in.
    assert _login(client, user.email, PASSWORD, "203.0.113.20") == 302


def test_a_right_password_is_not_counted_as_a_failure(app_factory):
    app = app_factory(LOGIN_ATTEMPTS=3)
    user = add_user(app, "editor")
    for _ in range(5):  # more sign-ins than failures allowed, each a fresh session
        assert _login(app.test_client(), user.email, PASSWORD, "x") == 302


@pytest.fixture
def verifications(monkeypatch):
    """Every Argon2 verification the app runs (the real one, counted)."""
    calls: list[str] = []
    h = passwords._hasher

    class Counted(argon2.PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
            calls.append(str(hash))
            return super().verify(hash, password)

    counted = Counted(h.time_cost, h.memory_cost, h.parallelism, h.hash_len, h.salt_len)
    monkeypatch.setattr(passwords, "_hasher", counted)
    return calls


def test_an_unknown_email_costs_one_hash_verification_like_a_known_one(app, verifications):
    user = add_user(app, "editor")
    inactive = add_user(app, "viewer")
    with session(app) as db:
        db.get(User, inactive.id).active = False
        db.commit()
    client = app.test_client()
    for email in (user.email, "nadie@example.org", inactive.email):
        verifications.clear()
        r = client.post("/login", data={"email": email, "password": "wrong password"})
        assert r.status_code == 401
        assert len(verifications) == 1, email
    # The stand-in hash costs what a real one costs: the same Argon2 parameters.
    dummy = argon2.extract_parameters(verifications[0])
    assert dummy == argon2.extract_parameters(passwords.hash_password("any"))


def _post_form(port: int, path: str, fields: dict[str, str], headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = urlencode(fields)
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        return conn.getresponse().status
    finally:
        conn.close()


def _together(count: int, send: Any) -> list[int]:
    """``send(i)`` from ``count`` threads released at the same instant; their statuses."""
    start, statuses = threading.Barrier(count), [0] * count

    def run(i: int) -> None:
        start.wait()
        statuses[i] = send(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return statuses


def test_concurrent_share_password_guesses_are_counted_before_they_are_checked(
    app, api_for, monkeypatch
):
    editor = api_for("editor", "salud")
    asset = upload(editor, 50, "acto.jpg", title="Acto")
    approve(app, asset["id"])
    made = editor.post("/share-links", json={"asset_id": asset["id"], "password": "prensa-2026"})
    path = "/s/" + made.get_json()["url"].rsplit("/s/", 1)[1]
    from brandhub.web import share

    checked: list[str] = []
    real = share.unlock

    def counted(link: Any, password: str) -> bool:
        checked.append(password)
        return real(link, password)

    monkeypatch.setattr(share, "unlock", counted)
    with served(app) as (_host, port):
        statuses = _together(60, lambda i: _post_form(port, path, {"password": f"g{i}"}, {}))
        right = _post_form(port, path, {"password": "prensa-2026"}, {})
    assert len(checked) == 10 and "prensa-2026" not in checked
    assert sorted(statuses) == [403] * 10 + [429] * 50
    assert right == 429


def test_concurrent_sign_in_guesses_are_counted_before_they_are_checked(app_factory, verifications):
    app = app_factory(LOGIN_ATTEMPTS=5)  # each check holds 64 MiB: fewer at once
    user = add_user(app, "editor")
    with served(app) as (_host, port):
        statuses = _together(
            40, lambda i: _post_form(port, "/login", {"email": user.email, "password": f"g{i}"}, {})
        )
        right = _post_form(port, "/login", {"email": user.email, "password": PASSWORD}, {})
    assert len(verifications) == 5
    assert sorted(statuses) == [401] * 5 + [429] * 35
    assert right == 429


def test_with_redis_configured_the_counts_live_in_redis(app_factory, redis_url):
    import uuid

    import redis

    queue = f"limits-{uuid.uuid4().hex[:8]}"
    app = app_factory(
        REDIS_URL=redis_url, JOBS_QUEUE_NAME=queue, TRUSTED_PROXIES=1, LOGIN_ATTEMPTS=2
    )
    user = add_user(app, "editor")
    client = app.test_client()
    attacker = "198.51.100.7"
    assert [_login(client, user.email, "x", attacker) for _ in range(3)] == [401, 401, 429]
    assert _login(client, user.email, PASSWORD, "198.51.100.9") == 302
    keys = redis.Redis.from_url(redis_url).keys(f"{queue}:limits:*")
    assert {k.decode() for k in keys} >= {
        f"{queue}:limits:login-address:{attacker}",
        f"{queue}:limits:login-account:{attacker}:{user.email}",
    }
    with session(app) as db:
        assert db.query(RateLimitCounter).count() == 0
