"""Passwords are kept as Argon2id hashes with RFC 9106's parameters.

The test processes hash at argon2-cffi's cheapest (tests/plugins/passwords.py); these
tests hold the app's own parameters, read in a fresh process, and the sign-in that
brings a hash made with other parameters up to them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import argon2

from brandhub.auth import passwords
from brandhub.models import User
from tests.factories import PASSWORD, add_user, session

ROOT = Path(__file__).resolve().parents[2]


def test_the_app_hashes_with_rfc_9106_low_memory_parameters():
    code = (
        "import json, argon2\n"
        "from brandhub.auth import passwords\n"
        "made = passwords.hash_password('contraseña')\n"
        "p = argon2.extract_parameters(made)\n"
        "print(json.dumps([made, p.type.name, p.time_cost, p.memory_cost, p.parallelism,"
        " p.hash_len, p.salt_len]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    made, kind, *numbers = json.loads(done.stdout)
    expected = argon2.profiles.RFC_9106_LOW_MEMORY
    assert kind == "ID"
    assert (
        numbers
        == [
            expected.time_cost,
            expected.memory_cost,
            expected.parallelism,
            expected.hash_len,
            expected.salt_len,
        ]
        == [3, 65536, 4, 32, 16]
    )
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    # A hash made there verifies here, and the other way round: the parameters travel in it.
    assert passwords.verify_password(made, "contraseña")
    assert not passwords.verify_password(made, "contrasena")


def test_a_sign_in_rehashes_a_weaker_hash_with_the_apps_parameters(app, monkeypatch):
    user = add_user(app, "editor")  # hashed at the test processes' cheapest
    with session(app) as db:
        weak = db.get(User, user.id).password_hash
    assert argon2.extract_parameters(weak).memory_cost < 65536
    monkeypatch.setattr(passwords, "_hasher", argon2.PasswordHasher())  # the app's own
    response = app.test_client().post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    with session(app) as db:
        stored = db.get(User, user.id).password_hash
    assert stored != weak
    assert argon2.extract_parameters(stored) == argon2.profiles.RFC_9106_LOW_MEMORY
    assert passwords.verify_password(stored, PASSWORD)


def test_an_unknown_account_is_checked_against_a_hash_of_the_hasher_in_use(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", argon2.PasswordHasher(time_cost=2))
    assert not passwords.verify_password(None, "x")
    assert argon2.extract_parameters(passwords._dummy_hash()).time_cost == 2
