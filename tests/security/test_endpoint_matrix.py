"""Authorization matrix: every endpoint of the app, every kind of person, one expected answer.

``TABLE`` names each (endpoint, method) of ``app.url_map`` (``static`` aside)
with one or more cases: a request and what each principal must get.
``test_the_table_names_every_endpoint_of_the_app`` fails when a rule of the app
is not in the table (a new endpoint must be classified before it can ship) or
when the table names one that no longer exists.

The principals are an anonymous visitor (no session, no token) and a viewer,
photographer, editor, brand manager and admin of the agency that owns the
resources ("salud") and of another agency ("obras"). The API is called with
``Authorization: Bearer``; the pages with a signed-in session (CSRF is off in
the test config, so forms need no token).

The rules encoded here (tests/security/test_matrix.py, operations/access.py and
operations/sets.py say the same): admins and brand managers see and manage
every agency; editors and photographers read, change and delete their own
agency's assets, events and collections and create new ones; viewers only read
their agency's; only admins and brand managers approve and edit brands; only
admins see the statistics. An asset, event or collection of another agency that
is not public answers 404, exactly as a missing id; a public one can be read and
nothing more. Anonymous API calls get 401; anonymous page requests that need an
account are sent to /login. Login, the check desk, the public brand pages,
the press kit, share links, theme.css, openapi.json and the probes need no account.

A redirect is reported by where it goes and what it says: ``LOGIN`` (to
/login), ``REFUSED`` (flashed an error: the pages that refuse by sending the
person back with a message) or ``DONE`` (anything else: the change was made).
State-changing requests send valid bodies, so an authorized principal gets the
success answer; destructive ones act on resources made for each principal, so
the order of the requests does not matter.
"""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from brandhub import create_app
from brandhub.db import database
from brandhub.models import Agency, Asset, BrandVersion, Collection, Event, Job, User
from brandhub.models import collection_assets as collection_assets_table
from brandhub.operations.sharing import ShareFields, create_link, revoke_link
from brandhub.web.presskit import kit_ref
from tests.assets.media_factory import make_jpeg
from tests.factories import PASSWORD, add_token, add_user, app_config, session, stored_asset

SAME, OTHER = "salud", "obras"
ROLES = ("admin", "brand_manager", "editor", "photographer", "viewer")
GLOBAL = frozenset({"admin", "brand_manager"})
EDITORS = frozenset({"editor", "photographer"})
BRAND = "gobierno-provincial"  # shipped with public_checks = true
PRIVATE_BRAND = "municipalidad"  # shipped with public_checks = false
LOGO, PRIVATE_LOGO = "principal", "horizontal"  # a logo of each

LOGIN, DONE, REFUSED = "302→login", "302 done", "302 refused"
Outcome = int | str

# ---------------------------------------------------------------- principals


@dataclass
class Principal:
    name: str
    role: str | None = None  # None: anonymous
    agency: str | None = None
    user: User | None = None
    token: str | None = None
    api: FlaskClient = field(default=None)  # type: ignore[assignment]  # no cookies
    web: FlaskClient = field(default=None)  # type: ignore[assignment]  # its own session

    @property
    def anonymous(self) -> bool:
        return self.role is None


PRINCIPALS = ["anonymous"] + [f"{role}@{agency}" for role in ROLES for agency in (SAME, OTHER)]


# ---------------------------------------------------------------- expectations

Expect = Callable[[Principal], Outcome]


def on_item(
    action: str, ok: Outcome, *, anon: Outcome, denied: Outcome = 403, public: bool = False
) -> Expect:
    """An asset, event or collection of "salud": ``read``, ``write`` or ``approve`` it.

    ``denied`` is what someone who sees it but may not do it gets; someone of
    another agency gets 404 unless it is public (then it reads, and is denied the rest).
    """

    def expect(p: Principal) -> Outcome:
        if p.anonymous:
            return anon
        if p.role in GLOBAL:
            return ok
        if p.agency != SAME:
            if public:
                return ok if action == "read" else denied
            return 404
        if action == "read" or (action == "write" and p.role in EDITORS):
            return ok
        return denied

    return expect


def creators(ok: Outcome, *, anon: Outcome, denied: Outcome = 403) -> Expect:
    """Making something new: whoever may upload (everyone but viewers), of any agency."""
    return lambda p: anon if p.anonymous else ok if p.role in GLOBAL | EDITORS else denied


def only(roles: frozenset[str], ok: Outcome, *, anon: Outcome, denied: Outcome = 403) -> Expect:
    return lambda p: anon if p.anonymous else ok if p.role in roles else denied


def signed_in(ok: Outcome, *, anon: Outcome) -> Expect:
    return lambda p: anon if p.anonymous else ok


def anyone(ok: Outcome) -> Expect:
    return lambda p: ok


# ---------------------------------------------------------------- the shared world


@dataclass
class World:
    app: Flask
    ids: dict[str, int]
    tokens: dict[str, str]
    fresh: dict[tuple[str, str], int]  # (principal, purpose) → id of a resource of its own
    extra: dict[str, Any]
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def own(self, p: Principal, purpose: str) -> int:
        return self.fresh[(p.name, purpose)]

    def jpeg(self) -> bytes:
        """A small JPEG no other request sent (uploads of the same bytes are duplicates)."""
        n = next(self.counter)
        return make_jpeg(48 + n % 40, 32 + n // 40, color=(n * 53 % 256, n * 29 % 256, 120))


def _store_raw(app: Flask, db: Any, owner: User, agency: Agency, n: int, **values: Any) -> Asset:
    """An asset row with a stored original, without the upload path (fast)."""
    data = hashlib.sha256(f"matrix-{n}".encode()).digest() * 8
    return stored_asset(
        app,
        db,
        data,
        f"Pieza {n}",
        f"pieza-{n}.jpg",
        agency=agency,
        uploaded_by_id=owner.id,
        **values,
    )


def _upload(app: Flask, token: str, data: bytes, name: str) -> int:
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    r = app.test_client().post(
        "/api/v1/assets",
        data=body,
        headers={"Authorization": f"Bearer {token}"},
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert r.status_code == 201, r.get_json()
    return int(r.get_json()["id"])


def _build(app: Flask) -> tuple[World, dict[str, Principal]]:
    assert app.test_cli_runner().invoke(args=["brands", "load"]).exit_code == 0
    add_user(app, "viewer", OTHER)  # both agencies exist
    owner = add_user(app, "editor", SAME)
    owner_token = add_token(app, owner)
    world = World(app=app, ids={}, tokens={}, fresh={}, extra={})
    ids = world.ids
    # The assets read through the real upload path (their renditions exist).
    ids["asset"] = _upload(app, owner_token, world.jpeg(), "privada.jpg")  # draft, not public
    ids["approved"] = _upload(app, owner_token, world.jpeg(), "aprobada.jpg")  # not public
    ids["public"] = _upload(app, owner_token, world.jpeg(), "publica.jpg")
    ids["versioned"] = _upload(app, owner_token, world.jpeg(), "versiones.jpg")

    principals = {"anonymous": Principal("anonymous")}
    for name in PRINCIPALS[1:]:
        role, agency = name.split("@")
        user = add_user(app, role, agency)
        principals[name] = Principal(name, role, agency, user, add_token(app, user))
    logout_users = {
        name: add_user(app, p.role, p.agency) for name, p in principals.items() if p.role
    }
    world.extra["logout_users"] = logout_users
    world.extra["login_user"] = add_user(app, "viewer", SAME)
    ids["person"] = add_user(app, "viewer", SAME).id  # the admin pages change this one

    with session(app) as db:
        owner_row = db.get(User, owner.id)
        salud = db.scalar(select(Agency).where(Agency.slug == SAME))
        asset = db.get(Asset, ids["asset"])
        approved = db.get(Asset, ids["approved"])
        public = db.get(Asset, ids["public"])
        approved.status = "approved"
        public.status, public.public = "approved", True

        def event(title: str, public: bool = False) -> Event:
            row = Event(title=title, agency=salud, created_by_id=owner.id, public=public)
            db.add(row)
            return row

        def collection(title: str) -> Collection:
            row = Collection(title=title, agency=salud, created_by_id=owner.id)
            db.add(row)
            return row

        main_event, kit_event = event("Acto privado"), event("Inauguración", public=True)
        main_collection = collection("Selección privada")
        asset.event, public.event = main_event, kit_event
        job = Job(kind="media", asset=asset, state="done", created_by_id=owner.id)
        own_job = Job(kind="reindex", state="done", created_by_id=owner.id)
        db.add_all([job, own_job])
        db.flush()
        ids.update(
            event=main_event.id,
            kit_event=kit_event.id,
            collection=main_collection.id,
            job=job.id,
            own_job=own_job.id,
        )
        db.execute(
            insert(collection_assets_table),
            [{"collection_id": main_collection.id, "asset_id": asset.id}],
        )

        numbers = itertools.count(1)
        member_links: list[tuple[int, int]] = []
        for name in principals:

            def own(purpose: str, row: Any, name: str = name) -> None:
                db.flush()
                world.fresh[(name, purpose)] = row.id

            def raw(**values: Any) -> Asset:
                return _store_raw(app, db, owner_row, salud, next(numbers), **values)

            own("delete_api", raw())
            own("delete_web", raw())
            own("approve_api", raw(status="in_review"))
            own("approve_web", raw(status="in_review"))
            own("submit_api", raw())
            for via in ("api", "web"):  # bulk actions: each asset done or refused on its own
                own(f"bulk_approve_{via}", raw(status="in_review"))
                own(f"bulk_delete_{via}", raw())
            own("event_publish_api", event(f"Publicar {name}"))
            own("unassign", raw(event=main_event))
            for via in ("api", "web"):
                own(f"event_delete_{via}", event(f"Borrar {name} {via}"))
                detach = event(f"Quitar {name} {via}")
                own(f"event_detach_{via}", detach)
                own(f"event_detach_{via}_asset", raw(event=detach))
                own(f"collection_delete_{via}", collection(f"Borrar {name} {via}"))
                remove = collection(f"Quitar {name} {via}")
                own(f"collection_remove_{via}", remove)
                member_links.append((remove.id, asset.id))
        db.execute(
            insert(collection_assets_table),
            [{"collection_id": c, "asset_id": a} for c, a in member_links],
        )
        db.commit()

        # Share links, made as the owner would.
        _link, world.tokens["link"] = create_link(db, owner_row, approved, ShareFields())
        _link, world.tokens["locked"] = create_link(
            db, owner_row, approved, ShareFields(password="secreto-1")
        )
        revoked, world.tokens["revoked"] = create_link(db, owner_row, approved, ShareFields())
        revoke_link(db, owner_row, revoked)
        for name in principals:
            for via in ("api", "web"):
                link, _token = create_link(db, owner_row, approved, ShareFields())
                world.fresh[(name, f"link_{via}")] = link.id

        world.extra["kit"] = kit_ref(kit_event)
        world.extra["private_kit"] = kit_ref(main_event)
        private = db.scalars(
            select(BrandVersion)
            .where(BrandVersion.slug == PRIVATE_BRAND)
            .order_by(BrandVersion.id.desc())
        ).first()
        assert private is not None and private.source
        world.extra["private_brand_source"] = private.source
        db.commit()

    for p in principals.values():
        p.api = app.test_client(use_cookies=False)
        p.web = app.test_client()
        if p.user is not None:
            r = p.web.post("/login", data={"email": p.user.email, "password": PASSWORD})
            assert r.status_code == 302, p.name
    return world, principals


@pytest.fixture(scope="module")
def matrix_app(
    tmp_path_factory: pytest.TempPathFactory, template_db: Path | str, pg_server: Any
) -> Iterator[Flask]:
    """One app (and database) for the whole module, as ``app_factory`` makes them."""
    instance = tmp_path_factory.mktemp("endpoint-matrix")
    extra: dict[str, Any] = {}
    name = None
    if pg_server is not None:
        name = pg_server.new_name()
        extra["DATABASE_URL"] = pg_server.create(name, template=str(template_db))
    else:
        shutil.copy(template_db, instance / "brandhub.sqlite3")
    app = create_app(app_config(instance, **extra))
    yield app
    database(app).dispose()
    if name is not None:
        pg_server.drop(name)


@pytest.fixture(scope="module")
def world(matrix_app: Flask) -> tuple[World, dict[str, Principal]]:
    return _build(matrix_app)


# ---------------------------------------------------------------- requests


def _bearer(p: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {p.token}"} if p.token else {}


def api(method: str, path: str, **kw: Any) -> Callable[[World, Principal], TestResponse]:
    """An /api/v1 request; ``json=`` or ``files=`` (multipart) may be callables of the world."""

    def send(w: World, p: Principal) -> TestResponse:
        args = {k: (v(w, p) if callable(v) else v) for k, v in kw.items()}
        url = "/api/v1" + (path(w, p) if callable(path) else path.format(**w.ids))
        headers = _bearer(p)
        files = args.pop("files", None)
        if files is not None:
            boundary, body = encode_multipart(files)
            args.update(data=body, content_type=f"multipart/form-data; boundary={boundary}")
        return p.api.open(url, method=method, headers=headers, **args)

    return send


def page(method: str, path: Any, **kw: Any) -> Callable[[World, Principal], TestResponse]:
    """A page request in the principal's session; ``data=`` may be a callable of the world."""

    def send(w: World, p: Principal) -> TestResponse:
        args = {k: (v(w, p) if callable(v) else v) for k, v in kw.items()}
        url = path(w, p) if callable(path) else path.format(**w.ids, **w.tokens, **w.extra)
        if isinstance(kw.get("data"), dict):  # a static form: "{asset}" and the like filled in
            args["data"] = {k: v.format(**w.ids) for k, v in kw["data"].items()}
        data = args.get("data")
        if isinstance(data, dict) and any(isinstance(v, tuple) for v in data.values()):
            args["content_type"] = "multipart/form-data"
        return p.web.open(url, method=method, **args)

    return send


def own(purpose: str, template: str) -> Callable[[World, Principal], str]:
    """A path to the principal's own resource: ``template`` with ``{id}`` (and ``{asset}``)."""

    def path(w: World, p: Principal) -> str:
        values = {**w.ids, "id": w.own(p, purpose)}
        if (p.name, f"{purpose}_asset") in w.fresh:
            values["asset"] = w.fresh[(p.name, f"{purpose}_asset")]
        return template.format(**values)

    return path


def jpeg_file(w: World, p: Principal) -> dict[str, Any]:
    return {"file": FileStorage(io.BytesIO(w.jpeg()), "nueva.jpg")}


def jpeg_form(**fields: Any) -> Callable[[World, Principal], dict[str, Any]]:
    return lambda w, p: {"file": (io.BytesIO(w.jpeg()), "nueva.jpg"), **fields}


def check_form(brand: str) -> Callable[[World, Principal], dict[str, Any]]:
    return jpeg_form(brand=brand, category="photo")


def api_check(brand: str) -> Callable[[World, Principal], dict[str, Any]]:
    return lambda w, p: {**jpeg_file(w, p), "brand": brand, "category": "photo"}


def sign_in(w: World, p: Principal) -> TestResponse:
    """POST /login: a visitor signs in (in a client of its own); a signed-in person is sent on."""
    if p.anonymous:
        user = w.extra["login_user"]
        client = w.app.test_client()
        return client.post("/login", data={"email": user.email, "password": PASSWORD})
    return p.web.post("/login", data={"email": p.user.email, "password": PASSWORD})  # type: ignore[union-attr]


def sign_out(w: World, p: Principal) -> TestResponse:
    """POST /logout, as a person of the same role signed in for this (it ends every session)."""
    if p.anonymous:
        return p.web.post("/logout")
    user = w.extra["logout_users"][p.name]
    client = w.app.test_client()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    return client.post("/logout")


def new_brand(w: World, p: Principal) -> dict[str, str]:
    slug = f"marca-{p.name.replace('@', '-').replace('_', '-')}"
    return {
        "text": f'slug = "{slug}"\nname = "Marca {p.name}"\nversion = "1"\nparent = "{BRAND}"\n'
    }


def tus_upload(step: str, *, others: bool = False) -> Callable[[World, Principal], TestResponse]:
    """A resumable upload (tus): started, then ``step`` ("start", "append" a first chunk,
    "delete") on it. With ``others`` the upload is another editor's of the same agency."""

    def send(w: World, p: Principal) -> TestResponse:
        tus = {"Tus-Resumable": "1.0.0"}
        owner: dict[str, str] = _bearer(p)
        if others:  # an owner per step: each keeps fewer unfinished uploads than the bound
            name = f"tus_owner_{step}"
            if name not in w.extra:
                w.extra[name] = add_token(w.app, add_user(w.app, "editor", agency=SAME))
            owner = {"Authorization": f"Bearer {w.extra[name]}"}
        client = w.app.test_client() if others else p.api
        started = client.post("/api/v1/uploads", headers={**owner, **tus, "Upload-Length": "100"})
        if step == "start" or started.status_code != 201:
            return started
        path = urlsplit(started.headers["Location"]).path
        if step == "append":
            chunk = {"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
            return p.api.patch(path, data=b"x" * 10, headers={**_bearer(p), **tus, **chunk})
        return p.api.delete(path, headers={**_bearer(p), **tus})

    return send


def finished_upload(*, others: bool = False) -> Callable[[World, Principal], TestResponse]:
    """The drop zone's card of a resumable upload, asked in the principal's session: its
    own (one JPEG in the creation request finishes it; an unknown id for those who may not
    upload) or, with ``others``, another editor's of the same agency."""

    def send(w: World, p: Principal) -> TestResponse:
        upload_id = "0" * 32
        token = p.token if p.role in GLOBAL | EDITORS else None
        if others:
            if "tus_owner_card" not in w.extra:
                w.extra["tus_owner_card"] = add_token(w.app, add_user(w.app, "editor", SAME))
            token = w.extra["tus_owner_card"]
        if token is not None:
            data = w.jpeg()
            name = base64.b64encode(b"tarjeta.jpg").decode()
            started = w.app.test_client(use_cookies=False).post(
                "/api/v1/uploads",
                data=data,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Tus-Resumable": "1.0.0",
                    "Upload-Length": str(len(data)),
                    "Upload-Metadata": f"filename {name}",
                    "Content-Type": "application/offset+octet-stream",
                },
            )
            assert started.status_code == 201, started.get_data(as_text=True)
            upload_id = urlsplit(started.headers["Location"]).path.rsplit("/", 1)[1]
        return p.web.get(f"/upload/resumable/{upload_id}")

    return send


def drawn_report(w: World, p: Principal) -> dict[str, Any]:
    check = {"rule": "formato", "title": "Formato", "severity": "error", "status": "fail"}
    return {
        "report": {"brand": BRAND, "category": "photo", "checks": [{**check, "message": "No."}]},
        "filename": "pieza.jpg",
    }


def nobody_but_the_owner(anon: Outcome) -> Expect:
    """Another person's upload: not found for everyone, whatever their role."""
    return lambda p: anon if p.anonymous else 404


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    send: Callable[[World, Principal], TestResponse]
    expect: Expect
    note: str = ""


def read(ok: Outcome = 200, *, anon: Outcome = 401, public: bool = False) -> Expect:
    return on_item("read", ok, anon=anon, public=public)


def write(
    ok: Outcome, *, anon: Outcome = 401, denied: Outcome = 403, public: bool = False
) -> Expect:
    return on_item("write", ok, anon=anon, denied=denied, public=public)


def approve(ok: Outcome, *, anon: Outcome = 401) -> Expect:
    return on_item("approve", ok, anon=anon)


A = "/assets/{asset}"
E = "/events/{event}"
C = "/collections/{collection}"
SHARE = "/s/{link}"
KIT = "/prensa/{kit}"
PUBLIC_ASSET = "/a/{approved}"
APPROVERS = GLOBAL
ADMINS = frozenset({"admin"})


def set_api(
    one: str,
    many: str,
    *,
    created: str,
    changed: dict[str, str],
    detach: str,
    public_case: Case | None = None,
    upload_case: Case | None = None,
) -> dict[tuple[str, str], list[Case]]:
    """The API of a set of assets (``event``/``events``, ``collection``/``collections``):
    both kinds follow the same rules; events add a public case and uploads into them."""
    item = f"/{many}/{{{one}}}"
    attach = Case(
        api("POST", item + "/assets", json=lambda w, p: {"asset_ids": [w.ids["asset"]]}),
        write(200),
        "attach an asset",
    )
    return {
        (f"api.list_{many}", "GET"): [Case(api("GET", f"/{many}"), signed_in(200, anon=401))],
        (f"api.create_{one}_endpoint", "POST"): [
            Case(api("POST", f"/{many}", json={"title": created}), creators(201, anon=401))
        ],
        (f"api.get_{one}", "GET"): [Case(api("GET", item), read())]
        + ([public_case] if public_case else []),
        (f"api.patch_{one}", "PATCH"): [Case(api("PATCH", item, json=changed), write(200))],
        (f"api.remove_{one}", "DELETE"): [
            Case(api("DELETE", own(f"{one}_delete_api", f"/{many}/{{id}}")), write(204))
        ],
        (f"api.{one}_asset_list", "GET"): [Case(api("GET", item + "/assets"), read())],
        (f"api.{one}_add_assets", "POST"): [attach] + ([upload_case] if upload_case else []),
        (f"api.{one}_remove_asset", "DELETE"): [
            Case(api("DELETE", own(detach, f"/{many}/{{id}}/assets/{{asset}}")), write(204))
        ],
        (f"api.{one}_zip", "GET"): [Case(api("GET", item + "/zip"), read())],
    }


def set_pages(
    one: str, many: str, *, created: str, edited: str
) -> dict[tuple[str, str], list[Case]]:
    """The pages both kinds of set share: list, new, page, edit, delete."""
    item = f"/{many}/{{{one}}}"
    return {
        (f"{many}.index", "GET"): [Case(page("GET", f"/{many}"), signed_in(200, anon=LOGIN))],
        (f"{many}.new", "GET"): [
            Case(page("GET", f"/{many}/new"), creators(200, anon=LOGIN, denied=REFUSED))
        ],
        (f"{many}.new", "POST"): [
            Case(
                page("POST", f"/{many}/new", data={"title": created}),
                creators(DONE, anon=LOGIN, denied=REFUSED),
            )
        ],
        (f"{many}.page", "GET"): [Case(page("GET", item), read(anon=LOGIN))],
        (f"{many}.edit", "GET"): [
            Case(page("GET", item + "/edit"), write(200, anon=LOGIN, denied=REFUSED))
        ],
        (f"{many}.edit", "POST"): [
            Case(
                page("POST", item + "/edit", data={"title": edited}),
                write(DONE, anon=LOGIN, denied=REFUSED),
            )
        ],
        (f"{many}.delete", "POST"): [
            Case(
                page("POST", own(f"{one}_delete_web", f"/{many}/{{id}}/delete")),
                write(DONE, anon=LOGIN),
            )
        ],
    }


TABLE: dict[tuple[str, str], list[Case]] = {
    # ---- API: assets
    ("api.list_assets", "GET"): [Case(api("GET", "/assets"), signed_in(200, anon=401))],
    ("api.create", "POST"): [
        Case(api("POST", "/assets", files=jpeg_file), creators(201, anon=401))
    ],
    ("api.get_asset", "GET"): [
        Case(api("GET", A), read()),
        Case(api("GET", "/assets/{public}"), read(public=True), "public approved asset"),
    ],
    ("api.patch_asset", "PATCH"): [
        Case(api("PATCH", A, json={"title": "Cambiado"}), write(200)),
        Case(
            api("PATCH", "/assets/{public}", json={"title": "Pública"}),
            write(200, public=True),
            "public approved asset",
        ),
    ],
    ("api.remove_asset", "DELETE"): [
        Case(api("DELETE", own("delete_api", "/assets/{id}")), write(204))
    ],
    ("api.asset_file", "GET"): [Case(api("GET", A + "/file"), read())],
    ("api.asset_rendition", "GET"): [Case(api("GET", A + "/renditions/thumb"), read())],
    ("api.asset_download", "GET"): [Case(api("GET", A + "/download?preset=web"), read())],
    ("api.bulk_edit", "POST"): [
        Case(
            api(
                "POST",
                "/assets/bulk",
                json=lambda w, p: {"asset_ids": [w.ids["asset"]], "credit": "Matriz"},
            ),
            write(200),
        )
    ],
    ("api.selection_zip", "GET"): [Case(api("GET", "/assets/zip?ids={asset}"), read())],
    # Bulk actions answer 200 to anyone signed in: what each may do shows in each asset's
    # result, checked in _effects (approved only by approvers who see it, deleted only by
    # those who may edit it).
    ("api.bulk_action", "POST"): [
        Case(
            api(
                "POST",
                "/assets/actions",
                json=lambda w, p: {
                    "action": "approve",
                    "asset_ids": [w.own(p, "bulk_approve_api")],
                },
            ),
            signed_in(200, anon=401),
            "approve",
        ),
        Case(
            api(
                "POST",
                "/assets/actions",
                json=lambda w, p: {
                    "action": "delete",
                    "asset_ids": [w.own(p, "bulk_delete_api")],
                    "confirm": True,
                },
            ),
            signed_in(200, anon=401),
            "delete",
        ),
    ],
    ("api.publication_preview", "GET"): [Case(api("GET", E + "/publication"), write(200))],
    ("api.publish_event", "POST"): [
        Case(api("POST", own("event_publish_api", "/events/{id}/publication"), json={}), write(200))
    ],
    ("api.set_focal", "POST"): [
        Case(api("POST", A + "/focal", json={"x": 0.4, "y": 0.6}), write(200))
    ],
    ("api.list_presets", "GET"): [Case(api("GET", "/presets"), signed_in(200, anon=401))],
    ("api.search", "GET"): [Case(api("GET", "/search?q=foto"), signed_in(200, anon=401))],
    # ---- API: workflow
    ("api.set_status", "POST"): [
        Case(
            api("POST", own("approve_api", "/assets/{id}/status"), json={"status": "approved"}),
            approve(200),
            "in review → approved",
        ),
        Case(
            api("POST", own("submit_api", "/assets/{id}/status"), json={"status": "in_review"}),
            write(200),
            "draft → in review: an editor's move",
        ),
    ],
    # Versions and history: only those who may edit the asset (operations/access.py).
    ("api.status_history", "GET"): [Case(api("GET", A + "/history"), write(200))],
    ("api.versions", "GET"): [Case(api("GET", A + "/versions"), write(200))],
    ("api.add_version", "POST"): [
        Case(api("POST", "/assets/{versioned}/versions", files=jpeg_file), write(201))
    ],
    ("api.version_file", "GET"): [Case(api("GET", A + "/versions/1/file"), write(200))],
    ("api.get_rights", "GET"): [Case(api("GET", A + "/rights"), read())],
    ("api.patch_rights", "PATCH"): [
        Case(api("PATCH", A + "/rights", json={"credit": "Foto: Matriz"}), write(200))
    ],
    ("api.similar", "GET"): [Case(api("GET", A + "/similar"), read())],
    ("api.downloads", "GET"): [Case(api("GET", A + "/downloads"), read())],
    ("api.stats_monthly", "GET"): [Case(api("GET", "/stats/monthly"), only(ADMINS, 200, anon=401))],
    ("api.get_job", "GET"): [
        Case(api("GET", "/jobs/{job}"), read(), "a job of the asset: as the asset"),
        Case(
            api("GET", "/jobs/{own_job}"),
            only(ADMINS, 200, anon=401, denied=404),
            "a job of no asset: its maker and admins",
        ),
    ],
    # ---- API: events
    **set_api(
        "event",
        "events",
        created="Nuevo acto",
        changed={"place": "Plaza"},
        detach="event_detach_api",
        public_case=Case(api("GET", "/events/{kit_event}"), read(public=True), "public event"),
        upload_case=Case(
            api("POST", E + "/assets", files=jpeg_file), write(201), "upload into the event"
        ),
    ),
    # ---- API: collections
    **set_api(
        "collection",
        "collections",
        created="Nueva",
        changed={"description": "Cambiada"},
        detach="collection_remove_api",
    ),
    # ---- API: share links
    ("api.create_share_link", "POST"): [
        Case(
            api("POST", "/share-links", json=lambda w, p: {"asset_id": w.ids["approved"]}),
            write(201),
            "an approved asset",
        ),
        Case(
            api("POST", "/share-links", json=lambda w, p: {"event_id": w.ids["event"]}),
            write(201),
            "an event",
        ),
        Case(
            api("POST", "/share-links", json=lambda w, p: {"collection_id": w.ids["collection"]}),
            write(201),
            "a collection",
        ),
    ],
    ("api.list_share_links", "GET"): [
        Case(
            api("GET", "/share-links?asset_id={approved}"),
            read(),
            "a viewer gets an empty list, another agency 404",
        ),
    ],
    ("api.revoke_share_link", "DELETE"): [
        Case(
            api("DELETE", own("link_api", "/share-links/{id}")),
            write(204, denied=404),
            "who may not manage a link learns nothing of it (404)",
        ),
    ],
    # ---- API: brands and checks (public brands need no token)
    ("api.list_brands", "GET"): [Case(api("GET", "/brands"), anyone(200))],
    ("api.get_brand", "GET"): [
        Case(api("GET", f"/brands/{BRAND}"), anyone(200), "public brand"),
        Case(api("GET", f"/brands/{PRIVATE_BRAND}"), signed_in(200, anon=401), "private brand"),
    ],
    ("api.compliance_check", "POST"): [
        Case(api("POST", "/compliance/check", files=api_check(BRAND)), anyone(200), "public brand"),
        Case(
            api("POST", "/compliance/check", files=api_check(PRIVATE_BRAND)),
            signed_in(200, anon=401),
            "private brand",
        ),
    ],
    ("api.openapi", "GET"): [Case(api("GET", "/openapi.json"), anyone(200))],
    # ---- API: resumable uploads (tus); HEAD and OPTIONS are outside the table
    ("api.upload_create", "POST"): [Case(tus_upload("start"), creators(201, anon=401))],
    ("api.upload_append", "PATCH"): [
        Case(tus_upload("append"), creators(204, anon=401), "its own upload"),
        Case(tus_upload("append", others=True), nobody_but_the_owner(401), "another's"),
    ],
    ("api.upload_delete", "DELETE"): [
        Case(tus_upload("delete"), creators(204, anon=401), "its own upload"),
        Case(tus_upload("delete", others=True), nobody_but_the_owner(401), "another's"),
    ],
    # ---- Pages: sign-in
    ("auth.login", "GET"): [Case(page("GET", "/login"), signed_in(DONE, anon=200))],
    ("auth.login", "POST"): [Case(sign_in, anyone(DONE))],
    ("auth.logout", "POST"): [Case(sign_out, anyone(LOGIN), "signed out, or asked to sign in")],
    ("admin.index", "GET"): [Case(page("GET", "/admin"), only(ADMINS, 200, anon=LOGIN))],
    ("admin.people_list", "GET"): [
        Case(page("GET", "/admin/people"), only(ADMINS, 200, anon=LOGIN))
    ],
    ("admin.invite", "GET"): [
        Case(page("GET", "/admin/people/invite"), only(ADMINS, 200, anon=LOGIN))
    ],
    ("admin.invite", "POST"): [
        Case(
            page(
                "POST",
                "/admin/people/invite",
                data=lambda w, p: {
                    "email": f"invitada-{p.name.replace('@', '-')}@example.org",
                    "role": "viewer",
                    "agency": SAME,
                },
            ),
            only(ADMINS, 200, anon=LOGIN),
            "the page with the one-time link",
        )
    ],
    ("admin.person", "GET"): [
        Case(page("GET", "/admin/people/{person}"), only(ADMINS, 200, anon=LOGIN))
    ],
    ("admin.person", "POST"): [
        Case(
            page("POST", "/admin/people/{person}", data={"role": "viewer", "agency": SAME}),
            only(ADMINS, DONE, anon=LOGIN),
        )
    ],
    ("admin.person_active", "POST"): [
        Case(
            page("POST", "/admin/people/{person}/active", data={"active": "1"}),
            only(ADMINS, DONE, anon=LOGIN),
        )
    ],
    ("admin.person_reset", "POST"): [
        Case(page("POST", "/admin/people/{person}/reset"), only(ADMINS, 200, anon=LOGIN))
    ],
    ("admin.agencies", "GET"): [
        Case(page("GET", "/admin/agencies"), only(ADMINS, 200, anon=LOGIN))
    ],
    ("admin.agency", "GET"): [
        Case(page("GET", "/admin/agencies/new"), only(ADMINS, 200, anon=LOGIN))
    ],
    ("admin.agency", "POST"): [
        Case(
            page(
                "POST",
                "/admin/agencies/new",
                data=lambda w, p: {
                    "name": f"Organismo {p.name}",
                    "slug": "org-" + p.name.replace("@", "-").replace("_", "-"),
                    "brand_slug": "",
                    "time_zone": "",
                },
            ),
            only(ADMINS, DONE, anon=LOGIN),
        )
    ],
    # A link nobody made: the same answer for everyone, and nothing about anyone.
    ("access.join", "GET"): [Case(page("GET", "/invitacion/no-existe"), anyone(404))],
    ("access.join", "POST"): [
        Case(page("POST", "/invitacion/no-existe", data={"password": "x"}), anyone(404))
    ],
    ("access.reset", "GET"): [Case(page("GET", "/restablecer/no-existe"), anyone(404))],
    ("access.reset", "POST"): [
        Case(page("POST", "/restablecer/no-existe", data={"password": "x"}), anyone(404))
    ],
    # ---- Pages: library and assets
    ("web.library", "GET"): [Case(page("GET", "/"), signed_in(200, anon=LOGIN))],
    ("web.upload", "GET"): [
        Case(page("GET", "/upload"), creators(200, anon=LOGIN, denied=REFUSED))
    ],
    ("web.upload", "POST"): [
        Case(page("POST", "/upload", data=jpeg_form()), creators(DONE, anon=LOGIN, denied=REFUSED))
    ],
    # The drop zone around a resumable upload: the finished upload's card, the page's count
    # (an event's: who sees the event), and a refused file's report drawn as the page does.
    ("web.resumable_upload", "GET"): [
        Case(finished_upload(), creators(200, anon=LOGIN, denied=404), "its own upload"),
        Case(finished_upload(others=True), nobody_but_the_owner(LOGIN), "another's"),
    ],
    ("web.upload_total", "GET"): [
        Case(page("GET", "/upload/total"), signed_in(200, anon=LOGIN), "the library's"),
        Case(page("GET", "/upload/total?event={event}"), read(anon=LOGIN), "an event's"),
    ],
    ("web.upload_report", "POST"): [
        Case(page("POST", "/upload/report", json=drawn_report), signed_in(200, anon=LOGIN))
    ],
    ("web.asset_page", "GET"): [
        Case(page("GET", A), read(anon=LOGIN)),
        Case(page("GET", "/assets/{public}"), read(anon=LOGIN, public=True), "public asset"),
    ],
    ("web.asset_edit", "POST"): [
        Case(page("POST", A + "/edit", data={"title": "Cambiado"}), write(DONE, anon=LOGIN))
    ],
    ("web.asset_delete", "POST"): [
        Case(page("POST", own("delete_web", "/assets/{id}/delete")), write(DONE, anon=LOGIN))
    ],
    ("web.original", "GET"): [Case(page("GET", A + "/file"), read(anon=LOGIN))],
    ("processing_status", "GET"): [Case(page("GET", A + "/processing"), read(anon=LOGIN))],
    ("web.download", "GET"): [Case(page("GET", A + "/download?preset=web"), read(anon=LOGIN))],
    ("web.rendition", "GET"): [
        Case(
            page("GET", A + "/r/thumb"),
            read(anon=404),
            "no sign-in needed (press kit thumbnails): a private asset is 404 to visitors",
        ),
        Case(page("GET", "/assets/{public}/r/thumb"), anyone(200), "public asset"),
    ],
    ("downloads.focal", "POST"): [
        Case(page("POST", A + "/focal", data={"x": "0.3", "y": "0.7"}), write(DONE, anon=LOGIN))
    ],
    ("downloads.selection_zip", "POST"): [
        Case(page("POST", "/assets/selection.zip", data={"asset_ids": "{asset}"}), read(anon=LOGIN))
    ],
    ("downloads.bulk", "POST"): [
        Case(
            page(
                "POST",
                "/assets/bulk",
                data=lambda w, p: {"asset_ids": str(w.ids["asset"]), "credit": "Matriz"},
            ),
            write(DONE, anon=LOGIN),
        )
    ],
    ("bulk.run", "POST"): [
        Case(
            page(
                "POST",
                "/assets/actions",
                data=lambda w, p: {
                    "action": "approve",
                    "asset_ids": str(w.own(p, "bulk_approve_web")),
                },
            ),
            signed_in(200, anon=LOGIN),
            "approve",
        ),
        Case(
            page(
                "POST",
                "/assets/actions",
                data=lambda w, p: {
                    "action": "delete",
                    "asset_ids": str(w.own(p, "bulk_delete_web")),
                    "confirm": "y",
                },
            ),
            signed_in(200, anon=LOGIN),
            "delete",
        ),
    ],
    # ---- Pages: workflow
    ("review.status", "POST"): [
        Case(
            page("POST", own("approve_web", "/assets/{id}/status"), data={"status": "approved"}),
            approve(DONE, anon=LOGIN),
        )
    ],
    ("review.new_version", "POST"): [
        Case(
            page("POST", "/assets/{versioned}/versions", data=jpeg_form()), write(DONE, anon=LOGIN)
        )
    ],
    ("review.version_file", "GET"): [
        Case(page("GET", A + "/versions/1/file"), write(200, anon=LOGIN))
    ],
    ("review.rights", "POST"): [
        Case(page("POST", A + "/rights", data={"credit": "Foto: Matriz"}), write(DONE, anon=LOGIN))
    ],
    # ---- Pages: events
    **set_pages("event", "events", created="Acto nuevo", edited="Acto privado"),
    ("events.upload", "POST"): [
        Case(
            page("POST", E + "/upload", data=jpeg_form(), headers={"Accept": "application/json"}),
            write(201, anon=LOGIN),
            "the drop zone (JSON)",
        )
    ],
    ("events.detach", "POST"): [
        Case(
            page(
                "POST",
                own("event_detach_web", "/events/{id}/detach"),
                data=lambda w, p: {"asset_ids": str(w.own(p, "event_detach_web_asset"))},
            ),
            write(DONE, anon=LOGIN),
        )
    ],
    ("events.download_zip", "GET"): [Case(page("GET", E + "/download.zip"), read(anon=LOGIN))],
    ("events.publish", "GET"): [
        Case(page("GET", E + "/publish"), write(200, anon=LOGIN, denied=REFUSED), "the preview")
    ],
    ("events.publish", "POST"): [
        Case(
            page("POST", E + "/publish", data={"step": "preview", "asset_ids": "{asset}"}),
            write(200, anon=LOGIN, denied=REFUSED),
            "the preview of a selection",
        )
    ],
    ("events.assign", "POST"): [
        Case(
            page("POST", "/events/assign/{asset}", data={"event_id": "{event}"}),
            write(DONE, anon=LOGIN),
            "into an event",
        ),
        Case(
            page("POST", own("unassign", "/events/assign/{id}"), data={"event_id": ""}),
            write(DONE, anon=LOGIN),
            "out of its event",
        ),
    ],
    # ---- Pages: collections
    **set_pages("collection", "collections", created="Nueva", edited="Selección privada"),
    ("collections.add", "POST"): [
        Case(page("POST", C + "/add", data={"asset_ids": "{asset}"}), write(DONE, anon=LOGIN))
    ],
    ("collections.add_to_chosen", "POST"): [
        Case(
            page(
                "POST",
                "/collections/add",
                data={"collection_id": "{collection}", "asset_ids": "{asset}"},
            ),
            write(DONE, anon=LOGIN),
        )
    ],
    ("collections.remove", "POST"): [
        Case(
            page(
                "POST",
                own("collection_remove_web", "/collections/{id}/remove"),
                data={"asset_ids": "{asset}"},
            ),
            write(DONE, anon=LOGIN),
        )
    ],
    ("collections.download_zip", "GET"): [Case(page("GET", C + "/download.zip"), read(anon=LOGIN))],
    # ---- Pages: share links (making and revoking them needs an account; using them none)
    ("share.create_for_asset", "POST"): [
        Case(
            page("POST", "/assets/{approved}/share", data={"label": "Diario"}),
            write(200, anon=LOGIN),
        )
    ],
    ("share.create_for_event", "POST"): [
        Case(page("POST", E + "/share", data={"label": "Diario"}), write(200, anon=LOGIN))
    ],
    ("share.create_for_collection", "POST"): [
        Case(page("POST", C + "/share", data={"label": "Diario"}), write(200, anon=LOGIN))
    ],
    ("share.revoke", "POST"): [
        Case(
            page("POST", own("link_web", "/share/{id}/revoke")),
            write(DONE, anon=LOGIN, denied=404),
            "who may not manage a link learns nothing",
        )
    ],
    ("share.public", "GET"): [
        Case(page("GET", SHARE), anyone(200)),
        Case(page("GET", "/s/{revoked}"), anyone(404), "a revoked link"),
        Case(page("GET", "/s/{locked}"), anyone(200), "a link with a password asks for it"),
    ],
    ("share.unlock", "POST"): [
        Case(page("POST", "/s/{locked}", data={"password": "secreto-1"}), anyone(DONE))
    ],
    ("share.asset", "GET"): [Case(page("GET", SHARE + PUBLIC_ASSET), anyone(200))],
    ("share.rendition", "GET"): [Case(page("GET", SHARE + PUBLIC_ASSET + "/r/thumb"), anyone(200))],
    ("share.original", "GET"): [Case(page("GET", SHARE + PUBLIC_ASSET + "/file"), anyone(200))],
    ("share.download", "GET"): [
        Case(page("GET", SHARE + PUBLIC_ASSET + "/download?preset=web"), anyone(200))
    ],
    ("share.zip", "GET"): [Case(page("GET", SHARE + "/download.zip"), anyone(200))],
    # ---- Pages: the press kit (public events and collections, public assets; no account)
    ("presskit.index", "GET"): [Case(page("GET", "/prensa"), anyone(200))],
    ("presskit.kit", "GET"): [
        Case(page("GET", KIT), anyone(200)),
        Case(page("GET", "/prensa/{private_kit}"), anyone(404), "a private event is no kit"),
    ],
    ("presskit.asset", "GET"): [Case(page("GET", KIT + "/a/{public}"), anyone(200))],
    ("presskit.original", "GET"): [Case(page("GET", KIT + "/a/{public}/file"), anyone(200))],
    ("presskit.download", "GET"): [
        Case(page("GET", KIT + "/a/{public}/download?preset=web"), anyone(200))
    ],
    ("presskit.zip", "GET"): [Case(page("GET", KIT + "/download.zip"), anyone(200))],
    # ---- Pages: brands and the check desk
    ("brand.index", "GET"): [Case(page("GET", "/marca/"), anyone(200))],
    ("brand.page", "GET"): [
        Case(page("GET", f"/marca/{BRAND}"), anyone(200), "public brand"),
        Case(page("GET", f"/marca/{PRIVATE_BRAND}"), signed_in(200, anon=404), "private brand"),
    ],
    ("brand.logo", "GET"): [
        Case(page("GET", f"/marca/{BRAND}/logos/{LOGO}.png"), anyone(200), "public brand"),
        Case(
            page("GET", f"/marca/{PRIVATE_BRAND}/logos/{PRIVATE_LOGO}.png"),
            signed_in(200, anon=404),
            "private brand",
        ),
    ],
    ("brand.logo_preview", "GET"): [
        Case(page("GET", f"/marca/{BRAND}/logos/{LOGO}/preview.png"), anyone(200), "public brand"),
        Case(
            page("GET", f"/marca/{PRIVATE_BRAND}/logos/{PRIVATE_LOGO}/preview.png"),
            signed_in(200, anon=404),
            "private brand",
        ),
    ],
    ("brand.source", "GET"): [
        Case(
            page("GET", f"/marca/{PRIVATE_BRAND}/{PRIVATE_BRAND}.toml"),
            only(APPROVERS, 200, anon=LOGIN, denied=404),
            "hidden from those who cannot edit",
        )
    ],
    ("brand.new", "GET"): [Case(page("GET", "/marca/nueva"), only(APPROVERS, 200, anon=LOGIN))],
    ("brand.new", "POST"): [
        Case(page("POST", "/marca/nueva", data=new_brand), only(APPROVERS, DONE, anon=LOGIN))
    ],
    ("brand.edit", "GET"): [
        Case(page("GET", f"/marca/{PRIVATE_BRAND}/editar"), only(APPROVERS, 200, anon=LOGIN))
    ],
    ("brand.edit", "POST"): [
        Case(
            page(
                "POST",
                f"/marca/{PRIVATE_BRAND}/editar",
                data=lambda w, p: {"text": w.extra["private_brand_source"]},
            ),
            only(APPROVERS, DONE, anon=LOGIN),
            "the same file again: nothing changes",
        )
    ],
    ("check.desk", "GET"): [Case(page("GET", "/verificar"), anyone(200))],
    ("check.desk", "POST"): [
        Case(page("POST", "/verificar", data=check_form(BRAND)), anyone(200), "public brand")
    ],
    ("theme_css", "GET"): [Case(page("GET", "/theme.css"), anyone(200))],
    ("favicon", "GET"): [Case(page("GET", "/favicon.ico"), anyone(200))],
    # Load balancer probes answer anyone; /metrics answers a token or an allowed address,
    # and the test client's is loopback, allowed by default (the rest is checked in
    # tests/app/monitoring/test_metrics.py).
    ("health.healthz", "GET"): [Case(page("GET", "/healthz"), anyone(200))],
    ("health.readyz", "GET"): [Case(page("GET", "/readyz"), anyone(200))],
    ("health.metrics_text", "GET"): [Case(page("GET", "/metrics"), anyone(200), "loopback")],
}


# ---------------------------------------------------------------- running it


def _outcome(p: Principal, r: TestResponse) -> Outcome:
    if r.status_code not in (301, 302, 303, 307, 308):
        return r.status_code
    if urlsplit(r.headers["Location"]).path == "/login":
        return LOGIN
    flashes: list[tuple[str, str]] = []
    if not r.request.path.startswith("/api/"):
        with p.web.session_transaction() as session:
            flashes = session.pop("_flashes", [])
    return REFUSED if any(category == "error" for category, _ in flashes) else DONE


def _effects(w: World, principals: dict[str, Principal]) -> list[str]:
    """A success answer must have done it, a refusal must have left things as they were."""
    found = []
    with session(w.app) as db:
        for name, p in principals.items():
            may_edit = on_item("write", True, anon=False, denied=False)(p) is True
            may_approve = on_item("approve", True, anon=False, denied=False)(p) is True
            for via in ("api", "web"):
                kept = db.get(Asset, w.own(p, f"delete_{via}")) is not None
                if kept == may_edit:
                    found.append(f"delete via {via} as {name}: the asset kept is {kept}")
                status = db.get(Asset, w.own(p, f"approve_{via}")).status  # type: ignore[union-attr]
                if (status == "approved") != may_approve:
                    found.append(f"approve via {via} as {name}: the status is {status}")
                event = db.get(Event, w.own(p, f"event_delete_{via}"))
                if (event is None) != may_edit:
                    found.append(f"event delete via {via} as {name}: kept is {event is not None}")
                gone = db.get(Collection, w.own(p, f"collection_delete_{via}")) is None
                if gone != may_edit:
                    found.append(f"collection delete via {via} as {name}: deleted is {gone}")
                if p.anonymous:
                    continue
                bulk = db.get(Asset, w.own(p, f"bulk_approve_{via}"))
                if (bulk.status == "approved") != may_approve:  # type: ignore[union-attr]
                    found.append(f"bulk approve via {via} as {name}: approved is {not may_approve}")
                kept = db.get(Asset, w.own(p, f"bulk_delete_{via}")) is not None
                if kept == may_edit:
                    found.append(f"bulk delete via {via} as {name}: the asset kept is {kept}")
    return found


def test_every_endpoint_answers_each_principal_as_the_rules_say(world):
    w, principals = world
    mismatches = []
    checked = 0
    for (endpoint, method), cases in TABLE.items():
        for case in cases:
            for name in PRINCIPALS:
                p = principals[name]
                want = case.expect(p)
                r = case.send(w, p)
                got = _outcome(p, r)
                checked += 1
                if got != want:
                    detail = (
                        r.get_data(as_text=True)[:160] if r.mimetype == "application/json" else ""
                    )
                    note = f" [{case.note}]" if case.note else ""
                    mismatches.append(
                        f"{endpoint} {method}{note} as {name}: expected {want}, got {got} {detail}"
                    )
    mismatches += _effects(w, principals)
    assert checked >= 1000
    assert not mismatches, f"{len(mismatches)} of {checked} cases differ:\n" + "\n".join(mismatches)


def test_the_table_names_every_endpoint_of_the_app(app):
    rules = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = sorted(rules - TABLE.keys())
    stale = sorted(TABLE.keys() - rules)
    assert not missing, "endpoints the matrix does not classify: " + ", ".join(
        f"{e} {m}" for e, m in missing
    )
    assert not stale, "the matrix names endpoints the app no longer has: " + ", ".join(
        f"{e} {m}" for e, m in stale
    )
