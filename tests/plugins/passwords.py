"""A pytest plugin: Argon2 at its cheapest in the test processes.

The app hashes with argon2-cffi's default, RFC 9106's second recommendation: three
passes over 64 MiB, 190 ms of CPU a hash on this 2-core machine, and 64 MiB of
fresh pages to fault in each time. Tests add users and sign in by the thousand,
and the suite spent a fifth of its CPU there. The test processes hash with
argon2-cffi's ``CHEAPEST`` profile instead (the same Argon2id, one pass over
8 KiB), as argon2-cffi advises for tests. Processes the tests start (command lines,
gunicorn) keep the default, and a hash made with either verifies with both (its
parameters travel in it). tests/security/test_password_hashing.py checks the
app's own parameters in a fresh process, and that a cheaper hash is replaced by one
with those parameters at the next sign-in.
"""

from __future__ import annotations

import argon2

from brandhub.auth import passwords

passwords._hasher = argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST)
