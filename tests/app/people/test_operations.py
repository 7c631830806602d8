"""The rules of operations/people.py: roles, agencies, the last administrator, one-time links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assets.errors import PermissionDenied
from brandhub.auth.passwords import verify_password
from brandhub.models import AccessLink, Agency, User, utcnow
from brandhub.operations import people
from core.errors import Conflict, InvalidInput, NotFound
from tests.factories import session

STRONG = "una clave bastante larga"


def test_list_filters_by_text_role_agency_and_state(app, make_user):
    a = make_user("photographer", "prensa", email="ana.foto@prensa.gob")
    b = make_user("editor", "salud", email="beto@salud.gob")
    c = make_user("viewer", None, email="carla@ejemplo.gob")
    with session(app) as db:
        db.get(User, c.id).active = False
        db.commit()

        def emails(**kw):
            found = people.list_people(db, people.PeopleFilter(**kw))
            return {u.email for u in found.rows}

        assert emails(text="ANA") == {a.email}
        assert emails(text="salud.gob") == {b.email}
        assert emails(role="editor") == {b.email}
        assert emails(agency="prensa") == {a.email}
        assert emails(agency="none") == {c.email}
        assert emails(state="disabled") == {c.email}
        assert c.email not in emails(state="active")
        # LIKE wildcards typed by a person are plain characters.
        assert emails(text="%") == set()


def test_list_is_paged(app, make_user):
    for n in range(5):
        make_user("viewer", "prensa", email=f"p{n}@prensa.gob")
    with session(app) as db:
        first = people.list_people(db, people.PeopleFilter(agency="prensa"), 1, per_page=2)
        last = people.list_people(db, people.PeopleFilter(agency="prensa"), 99, per_page=2)
    assert (first.total, first.pages, len(first.rows)) == (5, 3, 2)
    assert (last.page, len(last.rows)) == (3, 1)


def test_the_last_active_administrator_cannot_be_demoted_or_disabled(app, make_user):
    admin = make_user("admin", None)
    with session(app) as db:
        row = db.get(User, admin.id)
        with pytest.raises(Conflict, match="last active administrator"):
            people.set_role(db, row, "editor")
        with pytest.raises(Conflict, match="last active administrator"):
            people.set_active(db, row, False)
        assert row.role == "admin" and row.active
    other = make_user("admin", None)
    with session(app) as db:
        people.set_role(db, db.get(User, admin.id), "editor")
        db.commit()
        with pytest.raises(Conflict):
            people.set_active(db, db.get(User, other.id), False)


def test_nobody_disables_their_own_account(app, make_user):
    admin = make_user("admin", None)
    make_user("admin", None)
    with session(app) as db:
        row = db.get(User, admin.id)
        with pytest.raises(Conflict, match="your own account"):
            people.set_active(db, row, False, by=row)


def test_disabling_ends_sessions_and_enabling_keeps_them_ended(app, make_user):
    person = make_user("editor", "salud")
    with session(app) as db:
        row = db.get(User, person.id)
        before = row.session_version
        people.set_active(db, row, False)
        assert not row.active and row.session_version == before + 1
        people.set_active(db, row, True)
        assert row.active and row.session_version == before + 1


def test_unknown_role_email_and_agency_are_refused(app, make_user):
    person = make_user("editor", "salud")
    with session(app) as db:
        with pytest.raises(InvalidInput):
            people.set_role(db, db.get(User, person.id), "emperor")
        with pytest.raises(NotFound):
            people.person_by_email(db, "nadie@ejemplo.gob")
        with pytest.raises(NotFound):
            people.agency_by_slug(db, "no-existe")
        with pytest.raises(InvalidInput):
            people.invite(db, "no es un correo", "viewer", None, by=None)


def test_only_administrators_manage_people(app, make_user):
    with pytest.raises(PermissionDenied):
        people.require_admin(make_user("brand_manager", None))
    with pytest.raises(PermissionDenied):
        people.require_admin(None)
    assert people.require_admin(make_user("admin", None)).role == "admin"


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("corta", False),
        ("aaaaaaaaaaaa", False),
        ("x" * 201, False),
        ("persona@ejemplo.gob", False),
        (STRONG, True),
    ],
)
def test_password_rules(password, ok):
    if ok:
        assert people.check_password(password, "persona@ejemplo.gob") == password
    else:
        with pytest.raises(InvalidInput):
            people.check_password(password, "persona@ejemplo.gob")


def test_an_invitation_creates_the_person_once_with_its_role_and_agency(app, make_user):
    admin = make_user("admin", "prensa")
    with session(app) as db:
        agency = db.query(Agency).filter_by(slug="prensa").one()
        link, token = people.invite(
            db, " Nueva@Prensa.gob ", "photographer", agency, by=db.get(User, admin.id)
        )
        db.commit()
        stored = db.get(AccessLink, link.id)
        assert token not in stored.token_hash and len(stored.token_hash) == 64
        assert stored.email == "nueva@prensa.gob"
        person = people.accept_invitation(db, token, "  Nueva   Persona ", STRONG)
        db.commit()
        assert (person.name, person.role, person.agency.slug) == (
            "Nueva Persona",
            "photographer",
            "prensa",
        )
        assert verify_password(person.password_hash, STRONG)
        with pytest.raises(people.LinkUnusable) as used:
            people.accept_invitation(db, token, "Otra", STRONG)
        assert used.value.details["reason"] == "used"
        with pytest.raises(Conflict, match="already exists"):
            people.invite(db, "nueva@prensa.gob", "viewer", None, by=None)


def test_a_newer_invitation_replaces_the_older_one(app):
    with session(app) as db:
        _old, first = people.invite(db, "x@ejemplo.gob", "viewer", None, by=None)
        _new, second = people.invite(db, "x@ejemplo.gob", "editor", None, by=None)
        db.commit()
        with pytest.raises(people.LinkUnusable):
            people.open_link(db, first, "invite")
        assert people.open_link(db, second, "invite").role == "editor"


def test_expired_unknown_and_wrong_purpose_links_are_refused(app, make_user):
    person = make_user("editor", "salud")
    with session(app) as db:
        link, token = people.reset_link(db, db.get(User, person.id), by=None, days=1)
        db.commit()
        with pytest.raises(people.LinkUnusable) as wrong:
            people.open_link(db, token, "invite")
        assert wrong.value.details["reason"] == "unknown"
        with pytest.raises(people.LinkUnusable):
            people.open_link(db, "nada", "reset")
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.commit()
        with pytest.raises(people.LinkUnusable) as expired:
            people.open_link(db, token, "reset")
        assert expired.value.details["reason"] == "expired"
        with pytest.raises(InvalidInput):
            people.reset_link(db, db.get(User, person.id), by=None, days=0)


def test_a_reset_sets_the_password_and_ends_old_sessions(app, make_user):
    person = make_user("editor", "salud")
    with session(app) as db:
        row = db.get(User, person.id)
        version = row.session_version
        _link, token = people.reset_link(db, row, by=None)
        db.commit()
        with pytest.raises(InvalidInput):
            people.reset_password(db, token, "corta")
        db.rollback()
        people.reset_password(db, token, STRONG)
        db.commit()
        row = db.get(User, person.id)
        assert verify_password(row.password_hash, STRONG)
        assert row.session_version == version + 1


def test_a_disabled_person_cannot_use_a_reset_link(app, make_user):
    person = make_user("editor", "salud")
    with session(app) as db:
        row = db.get(User, person.id)
        _link, token = people.reset_link(db, row, by=None)
        row.active = False
        db.commit()
        with pytest.raises(people.LinkUnusable) as refused:
            people.open_link(db, token, "reset")
        assert refused.value.details["reason"] == "disabled"


def test_agencies_are_created_and_edited_with_a_brand_and_zone(app):
    from brandhub.operations.brands import load_brands
    from brandhub.services import storage

    with app.app_context():
        from brandhub.db import get_session

        load_brands(get_session(), storage(), only_missing=True)
    with session(app) as db:
        made = people.save_agency(db, None, people.AgencyFields(name="Salud Pública"))
        db.commit()
        assert (made.slug, made.brand_slug, made.time_zone) == ("salud-publica", None, "")
        people.save_agency(
            db,
            made,
            people.AgencyFields(
                name="Ministerio de Salud",
                slug="salud",
                brand_slug="ministerio-salud",
                time_zone="America/Santiago",
            ),
        )
        db.commit()
        assert (made.slug, made.brand_slug, made.time_zone) == (
            "salud",
            "ministerio-salud",
            "America/Santiago",
        )
        for bad, field in [
            (people.AgencyFields(name=""), "name"),
            (people.AgencyFields(name="X", slug="Con Espacios"), "slug"),
            (people.AgencyFields(name="X", brand_slug="no-existe"), "brand_slug"),
            (people.AgencyFields(name="X", time_zone="Marte/Olimpo"), "time_zone"),
        ]:
            with pytest.raises(InvalidInput) as refused:
                people.save_agency(db, None, bad)
            assert refused.value.details["field"] == field
        with pytest.raises(Conflict):
            people.save_agency(db, None, people.AgencyFields(name="Otra", slug="salud"))


def test_the_default_agency_is_the_only_one_or_a_new_one(app):
    with session(app) as db:
        made, created = people.default_agency(db, "Oficina de Imagen Institucional")
        db.commit()
        assert created and made is not None and made.slug == "oficina-de-imagen-institucional"
        again, created = people.default_agency(db, "Otra")
        assert not created and again is not None and again.id == made.id
        db.add(Agency(slug="otra", name="Otra"))
        db.commit()
        assert people.default_agency(db, "Tercera") == (None, False)


def test_link_urls_join_the_base_and_the_path():
    assert people.link_url("https://imagen.gob/", "reset", "abc") == (
        "https://imagen.gob/restablecer/abc"
    )
    assert people.link_url("http://x", "invite", "t") == "http://x/invitacion/t"
