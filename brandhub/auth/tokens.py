"""API tokens: random, shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ApiToken, User, utcnow

TOKEN_PREFIX = "bh_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str = "", scopes: str = "read write") -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user=user, name=name, token_hash=_digest(token), prefix=token[:10], scopes=scopes)
    )
    return token


def user_for_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user, row
