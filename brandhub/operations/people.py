"""People and agencies: who signs in, in which role and agency, and how they get in.

The pages under ``/admin`` and the ``brandhub users`` commands both call these
functions, so the rules hold wherever a change comes from:

- roles and agencies change only to ones that exist, and there is always at
  least one active administrator (nobody can disable or demote the last one);
- disabling a person ends their sessions (``session_version``) and stops their
  API tokens (``auth.tokens`` reads ``active``);
- a person gets in through a one-time link (:class:`~brandhub.models.AccessLink`):
  an invitation, which creates the account with the role and agency it names,
  or a password reset. Only the SHA-256 of a link's token is stored; a link is
  used once, expires, and a newer link for the same person replaces it;
- agencies are created and edited with the brand their uploads are checked
  against and the time zone their cameras' clocks are read in.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from assets.errors import PermissionDenied
from assets.metadata.capture import zone_info
from core.errors import N_, Conflict, InvalidInput, NotFound

from ..auth.passwords import hash_password
from ..models import ROLES, AccessLink, Agency, Asset, User, utcnow
from .access import Viewer, signed_in
from .brands import latest_brands
from .capture import apply_capture

#: The shortest password a person may choose.
MIN_PASSWORD = 10
MAX_PASSWORD = 200
#: How long a one-time link works when the settings do not say (``ACCESS_LINK_DAYS``).
LINK_DAYS = 7
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")
SLUG_SHAPE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
#: The states a list of people can be narrowed to.
STATES = ("active", "disabled")


UNKNOWN_LINK = N_("This link is not valid. Ask an administrator for a new one.")


class LinkUnusable(NotFound):
    """This link is not valid. Ask an administrator for a new one."""

    code = "link_unusable"


# --- who may do this --------------------------------------------------------------


def require_admin(user: Viewer) -> User:
    """The administrator behind ``user``; 403 for anyone else."""
    u = signed_in(user)
    if u is None or u.role != "admin" or not u.active:
        raise PermissionDenied("Only administrators can manage people and agencies.")
    return u


# --- looking people and agencies up -----------------------------------------------


def normal_email(email: str) -> str:
    """An e-mail address as stored: trimmed, lower case; 400 if it is not one."""
    value = (email or "").strip().lower()
    if not EMAIL_SHAPE.match(value) or len(value) > 254:
        raise InvalidInput("Enter an e-mail address.", field="email")
    return value


def person_by_email(db: Session, email: str) -> User:
    person = db.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if person is None:
        raise NotFound("There is no person with that e-mail address.", field="email")
    return person


def person_by_id(db: Session, person_id: int) -> User:
    person = db.get(User, person_id)
    if person is None:
        raise NotFound("There is no such person.")
    return person


def agency_by_slug(db: Session, slug: str) -> Agency:
    agency = db.scalar(select(Agency).where(Agency.slug == (slug or "").strip()))
    if agency is None:
        raise NotFound("There is no agency with that short name.", field="agency")
    return agency


def checked_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput("There is no such role.", field="role", allowed=list(ROLES))
    return role


def agencies(db: Session) -> Sequence[Agency]:
    return db.scalars(select(Agency).order_by(Agency.name)).all()


# --- the list of people -----------------------------------------------------------


@dataclass(frozen=True)
class PeopleFilter:
    """What the list of people is narrowed to (every part optional)."""

    text: str = ""
    role: str = ""
    agency: str = ""  # an agency's slug, or "none" for people without one
    state: str = ""  # "active", "disabled" or "" for both


@dataclass(frozen=True)
class PeoplePage:
    rows: Sequence[User]
    total: int
    page: int
    pages: int


def list_people(db: Session, wanted: PeopleFilter, page: int = 1, per_page: int = 50) -> PeoplePage:
    """People matching ``wanted``, by name then e-mail, one page of them."""
    query = select(User)
    text = wanted.text.strip().lower()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                func.lower(User.email).like(like, escape="\\"),
                func.lower(User.name).like(like, escape="\\"),
            )
        )
    if wanted.role:
        query = query.where(User.role == wanted.role)
    if wanted.agency == "none":
        query = query.where(User.agency_id.is_(None))
    elif wanted.agency:
        query = query.join(Agency, User.agency_id == Agency.id).where(Agency.slug == wanted.agency)
    if wanted.state in STATES:
        query = query.where(User.active.is_(wanted.state == "active"))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = db.scalars(
        query.order_by(func.lower(User.name), User.email)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return PeoplePage(rows, total, page, pages)


# --- changing a person ------------------------------------------------------------


def _keep_an_admin(db: Session, person: User, role: str, active: bool) -> None:
    """Refuse a change that would leave no active administrator."""
    if person.role != "admin" or not person.active or (role == "admin" and active):
        return
    others = db.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != person.id)
    )
    if not others:
        raise Conflict(
            "This is the last active administrator: make someone else an administrator first."
        )


def set_role(db: Session, person: User, role: str) -> None:
    role = checked_role(role)
    _keep_an_admin(db, person, role, person.active)
    person.role = role


def set_agency(db: Session, person: User, agency: Agency | None) -> None:
    person.agency = agency
    person.agency_id = agency.id if agency is not None else None


def set_active(db: Session, person: User, active: bool, *, by: User | None = None) -> None:
    """Disable or enable ``person``; disabling ends every session they have open."""
    if not active and by is not None and by.id == person.id:
        raise Conflict("You cannot disable your own account.")
    _keep_an_admin(db, person, person.role, active)
    if person.active and not active:
        person.session_version += 1
    person.active = active


def check_password(password: str, email: str = "") -> str:
    """``password`` if it is long enough and not the e-mail address; 400 otherwise."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("The password must have at least 10 characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("The password is too long.", field="password")
    if len(set(password)) < 4 or (email and password.strip().lower() == email.lower()):
        raise InvalidInput("Choose a password that is harder to guess.", field="password")
    return password


def set_password(db: Session, person: User, password: str) -> None:
    """A new password; every session opened with the old one ends."""
    person.password_hash = hash_password(check_password(password, person.email))
    person.session_version += 1


# --- one-time links ---------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_link(db: Session, link: AccessLink, days: int) -> str:
    if days < 1:
        raise InvalidInput("A link must work for at least one day.", field="days")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # A newer link replaces the ones still open for the same address and purpose.
    for old in db.scalars(
        select(AccessLink).where(
            AccessLink.email == link.email,
            AccessLink.purpose == link.purpose,
            AccessLink.used_at.is_(None),
        )
    ):
        old.used_at = now
    link.token_hash = _digest(token)
    link.created_at = now
    link.expires_at = now + timedelta(days=days)
    db.add(link)
    return token


def invite(
    db: Session,
    email: str,
    role: str,
    agency: Agency | None,
    *,
    by: User | None,
    days: int = LINK_DAYS,
) -> tuple[AccessLink, str]:
    """An invitation for ``email``: the link and its token (shown once, never stored)."""
    email = normal_email(email)
    role = checked_role(role)
    if db.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        raise Conflict("A person with this e-mail address already exists.", field="email")
    link = AccessLink(purpose="invite", email=email, role=role, agency=agency, created_by=by)
    return link, _new_link(db, link, days)


def reset_link(
    db: Session, person: User, *, by: User | None, days: int = LINK_DAYS
) -> tuple[AccessLink, str]:
    """A link that lets ``person`` choose a new password, and its token."""
    link = AccessLink(
        purpose="reset",
        email=person.email,
        role=person.role,
        agency_id=person.agency_id,
        user=person,
        created_by=by,
    )
    return link, _new_link(db, link, days)


def open_link(db: Session, token: str, purpose: str) -> AccessLink:
    """The unused, unexpired link of ``purpose`` whose token is ``token``."""
    if not token or len(token) > 100:
        raise LinkUnusable(UNKNOWN_LINK, reason="unknown")
    link = db.scalar(select(AccessLink).where(AccessLink.token_hash == _digest(token)))
    if link is None or link.purpose != purpose:
        raise LinkUnusable(UNKNOWN_LINK, reason="unknown")
    if link.used_at is not None:
        raise LinkUnusable(
            N_(
                "This link was already used or replaced by a newer one. "
                "Ask an administrator for a new one."
            ),
            reason="used",
        )
    if link.expires_at <= utcnow():
        raise LinkUnusable(
            N_("This link has expired. Ask an administrator for a new one."), reason="expired"
        )
    if purpose == "reset" and (link.user is None or not link.user.active):
        raise LinkUnusable(
            N_("This account is disabled. Ask an administrator to enable it."), reason="disabled"
        )
    return link


def accept_invitation(db: Session, token: str, name: str, password: str) -> User:
    """Create the invited person with the role and agency of the invitation."""
    link = open_link(db, token, "invite")
    if db.scalar(select(User.id).where(func.lower(User.email) == link.email)) is not None:
        raise Conflict("A person with this e-mail address already exists.", field="email")
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Write your name.", field="name")
    person = User(
        email=link.email,
        name=name[:200],
        role=link.role,
        agency=link.agency,
        password_hash=hash_password(check_password(password, link.email)),
        last_login_at=utcnow(),
    )
    db.add(person)
    link.used_at = utcnow()
    link.user = person
    return person


def reset_password(db: Session, token: str, password: str) -> User:
    """Set the password of the reset link's person; their old sessions end."""
    link = open_link(db, token, "reset")
    person = link.user
    assert person is not None  # open_link checked it
    set_password(db, person, password)
    person.last_login_at = utcnow()
    link.used_at = utcnow()
    return person


# --- agencies ---------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    people: int
    assets: int


def agency_rows(db: Session) -> list[AgencyRow]:
    """Every agency with how many people and assets it has."""
    people = dict(
        db.execute(
            select(User.agency_id, func.count())
            .where(User.agency_id.isnot(None))
            .group_by(User.agency_id)
        ).all()
    )
    assets = dict(
        db.execute(
            select(Asset.agency_id, func.count())
            .where(Asset.agency_id.isnot(None))
            .group_by(Asset.agency_id)
        ).all()
    )
    return [AgencyRow(a, people.get(a.id, 0), assets.get(a.id, 0)) for a in agencies(db)]


def slug_for(name: str) -> str:
    """A short name for URLs and the command line made from ``name`` ("Salud Pública" →
    "salud-publica")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:80].strip("-")


@dataclass(frozen=True)
class AgencyFields:
    name: str
    slug: str = ""
    brand_slug: str = ""
    time_zone: str = ""


def save_agency(db: Session, agency: Agency | None, fields: AgencyFields) -> Agency:
    """Create an agency (``agency`` None) or change one; its photos' clocks are read again
    when its time zone changes."""
    name = " ".join(fields.name.split())
    if not name or len(name) > 200:
        raise InvalidInput("Write the agency's name (at most 200 characters).", field="name")
    slug = fields.slug.strip().lower() or slug_for(name)
    if not SLUG_SHAPE.match(slug):
        raise InvalidInput(
            "The short name may have only lower-case letters, digits and hyphens.", field="slug"
        )
    taken = db.scalar(select(Agency).where(Agency.slug == slug))
    if taken is not None and taken is not agency:
        raise Conflict("Another agency already has this short name.", field="slug")
    brand = fields.brand_slug.strip()
    if brand and brand not in latest_brands(db):
        raise InvalidInput("There is no such brand.", field="brand_slug")
    zone = fields.time_zone.strip()
    if zone and zone_info(zone) is None:
        raise InvalidInput(
            "Unknown time zone; write it as America/Argentina/Buenos_Aires.", field="time_zone"
        )
    if agency is None:
        agency = Agency(slug=slug, name=name, brand_slug=brand or None, time_zone=zone)
        db.add(agency)
        return agency
    zone_changed = (agency.time_zone or "") != zone
    agency.slug, agency.name, agency.brand_slug, agency.time_zone = slug, name, brand or None, zone
    if zone_changed:
        held = select(Asset).where(
            Asset.agency_id == agency.id, Asset.capture_zone_source.in_(("agency", "instance"))
        )
        for asset in db.scalars(held):
            apply_capture(asset)
    return agency


def default_agency(db: Session, name: str, brand_slug: str = "") -> tuple[Agency | None, bool]:
    """The agency a first administrator belongs to: the only one there is, or a new one
    named ``name`` following ``brand_slug`` (when that brand is loaded) if there is none.
    None when several exist (which one is a person's choice). The flag says it was created.
    """
    existing = db.scalars(select(Agency).limit(2)).all()
    if len(existing) == 1:
        return existing[0], False
    if existing:
        return None, False
    brand = brand_slug if brand_slug and brand_slug in latest_brands(db) else ""
    agency = Agency(slug=slug_for(name) or "institucion", name=name, brand_slug=brand or None)
    db.add(agency)
    return agency, True


#: Where each kind of link opens, below the instance's address (the pages in
#: ``web/access_links.py`` are routed at these paths).
LINK_PATHS = {"invite": "/invitacion/", "reset": "/restablecer/"}


def link_url(base: str, purpose: str, token: str) -> str:
    """The whole address of a link: ``base`` (``https://imagen.gob``) and the link's path."""
    return base.rstrip("/") + LINK_PATHS[purpose] + token
