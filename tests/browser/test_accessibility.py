"""axe-core on every page of the web interface, at 360 and 1280 px, signed in and not.

The pages are not listed by hand: every GET route of the app's URL map outside
``/api`` is visited, with its arguments filled from one seeded instance (an
event, a collection, an asset with a version and a history, share links, the
press kit, the brands). A route whose arguments this module cannot fill fails
the test with its name, so a new page cannot escape the audit: give it a
filler in ``ROUTES`` (or ``BY_ARGUMENT``), or, if it answers with a file and
not a page, put it in ``FILES``. Some pages exist only as the answer to a form
or a state (the check report, a 404, a share link's password page, a revoked
link); ``_states`` visits those.

The oracle is axe-core from npm (``tests/browser/package.json``, installed by
``make test``), injected into each page. Critical and serious violations fail
the test, and so do headings out of order, landmarks without unique names and a
page without an h1; other moderate and minor ones are printed. A page that
scrolls sideways fails too.

Pages are the same on every database, so the PostgreSQL run of ``make test``
leaves this test out (see tests/plugins/databases.py).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.app.compliance.support import BRAND, pieces
from tests.browser.conftest import drop_files, screenshot, sign_in
from tests.browser.support import Seed, seed_instance
from tests.factories import photo, session

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (1280, 360)
FAILING = ("critical", "serious")
#: Moderate rules that fail the test too: the structure every page is held to.
FAILING_RULES = ("heading-order", "landmark-unique", "page-has-heading-one")

#: Routes that answer with a file (a download, an image, a ZIP, a stylesheet) or JSON, not a page.
FILES = {
    "processing_status",  # JSON: how far the previews of an upload are
    "web.resumable_upload",  # JSON: a finished resumable upload's card, for the drop zone
    "web.upload_total",  # JSON: the count a drop zone's page shows
    "health.healthz",  # JSON and text for load balancers and Prometheus
    "health.readyz",
    "health.metrics_text",
    "static",
    "theme_css",
    "favicon",
    "web.original",
    "web.rendition",
    "web.download",
    "review.version_file",
    "events.download_zip",
    "collections.download_zip",
    "brand.source",
    "brand.logo",
    "brand.logo_preview",
    "presskit.original",
    "presskit.download",
    "presskit.zip",
    "share.original",
    "share.download",
    "share.rendition",
    "share.zip",
}


#: Values for an argument, by its name, for routes not in ``ROUTES``.
BY_ARGUMENT: dict[str, Callable[[Seed], Any]] = {
    "asset_id": lambda s: s.asset_id,
    "event_id": lambda s: s.event_id,
    "collection_id": lambda s: s.collection_id,
    "user_id": lambda s: s.admin_id,
    "person_id": lambda s: s.admin_id,
    "agency_id": lambda s: s.agency_id,
    "slug": lambda s: s.brand,
    "ref": lambda s: s.kit_ref,
}


def _access_link(purpose: str) -> Callable[[Seed], list[dict[str, Any]]]:
    """A fresh invitation or password-reset link, made by the people pages' own operations."""

    def fill(seed: Seed) -> list[dict[str, Any]]:
        from brandhub.models import User
        from brandhub.operations import people

        with session(seed.app) as db:
            admin = db.get(User, seed.admin_id)
            assert admin is not None
            if purpose == "invite":
                _, token = people.invite(db, "nueva@example.org", "editor", None, by=admin)
            else:
                _, token = people.reset_link(db, admin, by=admin)
            db.commit()
        return [{"token": token}]

    return fill


#: Routes whose arguments mean something particular: each gives one or more sets of arguments.
ROUTES: dict[str, Callable[[Seed], list[dict[str, Any]]]] = {
    "access.join": _access_link("invite"),
    "access.reset": _access_link("reset"),
    "web.asset_page": lambda s: [
        {"asset_id": s.asset_id},
        {"asset_id": s.checked_asset_id},
        {"asset_id": s.video_asset_id},
    ],
    "web.library": lambda s: [{}, {"q": "hospital"}],
    "share.public": lambda s: [{"token": s.asset_token}, {"token": s.event_token}],
    "share.asset": lambda s: [{"token": s.event_token, "asset_id": s.asset_id}],
}


def page_urls(app: Flask, seed: Seed) -> tuple[list[str], list[str]]:
    """The path of every page the URL map routes to, and the routes that could not be filled.

    Each rule is built by itself (two rules of one endpoint, ``/agencies/new`` with a
    default and ``/agencies/<id>``, are two pages); a rule's defaults need no value.
    """
    urls: list[str] = []
    unfilled: list[str] = []
    rules: list[Rule] = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    for rule in rules:
        if "GET" not in (rule.methods or ()) or rule.endpoint in FILES:
            continue
        if rule.rule.startswith("/api/"):
            continue
        needed = set(rule.arguments) - set(rule.defaults or {})
        if rule.endpoint in ROUTES:
            variants = ROUTES[rule.endpoint](seed)
        elif needed <= set(BY_ARGUMENT):
            variants = [{name: BY_ARGUMENT[name](seed) for name in needed}]
        else:
            unfilled.append(f"{rule.endpoint} ({rule.rule})")
            continue
        for args in variants:
            built = rule.build({**(rule.defaults or {}), **args}, append_unknown=True)
            assert built is not None, (rule.rule, args)
            if built[1] not in urls:
                urls.append(built[1])
    return urls, unfilled


@dataclass
class Audit:
    """What axe-core and the layout checks found, page by page."""

    failures: list[str]
    notes: list[str]
    pages: int = 0

    def run(self, page: Any, label: str) -> None:
        """Audit the page as it stands now (``label`` names it in the messages)."""
        self.pages += 1
        if "/login" not in label and page.url.split("?")[0].endswith("/login"):
            return  # a page for signed-in people only, seen anonymously: the login page
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async (tags) => {
                 const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                 return r.violations.map((v) => ({
                   id: v.id, impact: v.impact, help: v.help,
                   nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + ": "
                          + (n.failureSummary || "").replace(/\\s+/g, " ")),
                 }));
               }""",
            TAGS,
        )
        for v in violations:
            line = f"{label}: [{v['impact']}] {v['id']} — {v['help']}\n    " + "\n    ".join(
                v["nodes"]
            )
            failing = v["impact"] in FAILING or v["id"] in FAILING_RULES
            (self.failures if failing else self.notes).append(line)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            self.failures.append(f"{label}: the page scrolls sideways by {overflow} px")


def _asks_to_sign_in(page: Any, url: str) -> bool:
    """Whether ``url`` sends a visitor to the login page (asked without drawing a page)."""
    response = page.request.get(url, max_redirects=0)
    return response.status in (301, 302, 303) and "/login" in response.headers.get("location", "")


def _visit(page: Any, audit: Audit, base: str, path: str, label: str) -> None:
    response = page.goto(base + path)
    assert response is not None
    content_type = response.headers.get("content-type", "")
    if not content_type.startswith("text/html"):
        audit.failures.append(f"{label}: answers {content_type}, not a page: add it to FILES")
        return
    if response.status >= 400:
        audit.failures.append(f"{label}: answers {response.status}")
    audit.run(page, label)


def _opened(page: Any, audit: Audit, base: str, seed: Seed, width: int) -> None:
    """What is folded away at first, unfolded: what axe-core would not see otherwise."""
    for asset_id in (seed.asset_id, seed.checked_asset_id):
        page.goto(f"{base}/assets/{asset_id}")
        page.locator("details").evaluate_all("(all) => all.forEach((d) => { d.open = true; })")
        audit.run(page, f"/assets/{asset_id} every panel and menu open @{width}")
    screenshot(page, f"a11y-asset-unfolded-{width}")
    if width < 960:
        page.goto(base + "/")
        page.get_by_role("button", name="Menú").click()
        audit.run(page, f"phone menu open @{width}")
    page.goto(base + "/upload")
    drop_files(page, {"acto-1.jpg": photo(21), "acto-2.jpg": photo(22)})
    # The agency's brand refuses these small photos: the rows say why.
    page.wait_for_function(
        "() => document.querySelectorAll('.upload-item.is-done, .upload-item.is-failed')"
        ".length === 2",
        timeout=60000,  # each is checked against the brand: slow on a busy machine
    )
    audit.run(page, f"/upload after a drop @{width}")


def _states(page: Any, audit: Audit, base: str, seed: Seed, width: int, who: str) -> None:
    """Pages reached through a form or a state rather than by their address."""
    page.goto(base + "/esta-pagina-no-existe")
    audit.run(page, f"404 page @{width} {who}")
    page.goto(f"{base}/s/{seed.locked_token}")
    audit.run(page, f"share link with a password @{width} {who}")
    page.goto(f"{base}/s/{seed.revoked_token}")
    audit.run(page, f"revoked share link @{width} {who}")
    page.goto(base + "/verificar")
    page.get_by_label("Su pieza").set_input_files(
        files=[{"name": "logo-rojo.png", "mimeType": "image/png", "buffer": pieces()["recoloured"]}]
    )
    page.get_by_label("Marca").select_option(BRAND)
    page.get_by_label("¿Qué tipo de pieza es?").select_option("logo")
    page.get_by_role("button", name="Verificar la pieza").click()
    page.get_by_role("heading", name="Informe de cumplimiento").wait_for()
    audit.run(page, f"check report @{width} {who}")
    page.goto(base + "/verificar")
    page.get_by_role("button", name="Verificar la pieza").click()
    page.locator(".field__error").first.wait_for()
    audit.run(page, f"check desk with errors @{width} {who}")
    if who == "anonymous":
        page.goto(base + "/login")
        page.get_by_label("Correo electrónico").fill(seed.admin_email)
        page.get_by_label("Contraseña").fill("not the password")
        page.get_by_role("button", name="Iniciar sesión").click()
        audit.run(page, f"login refused @{width}")


def test_every_page_passes_axe_core_at_both_widths(browser, live_server, live_app):
    if not AXE.exists():
        reason = "npm is not installed" if shutil.which("npm") is None else "run make test"
        pytest.skip(f"axe-core is not installed ({reason}: npm ci --prefix tests/browser)")
    seed = seed_instance(live_app)
    urls, unfilled = page_urls(live_app, seed)
    assert not unfilled, (
        "these routes have arguments the accessibility test cannot fill; add them to ROUTES "
        "or BY_ARGUMENT in tests/browser/test_accessibility.py (or to FILES if they answer "
        "with a file): " + ", ".join(unfilled)
    )
    assert len(urls) >= 20, urls
    audit = Audit(failures=[], notes=[])
    base = live_server.url
    for width in WIDTHS:
        for who in ("admin", "anonymous"):
            context = browser.new_context(
                locale="es-AR", viewport={"width": width, "height": 800}, bypass_csp=True
            )
            page = context.new_page()
            page.set_default_timeout(15000)
            if who == "admin":
                sign_in(page, base, seed.admin_email)
            for path in urls:
                if who == "admin" and path == "/login":
                    continue  # a signed-in person is sent on; the anonymous pass audits it
                if who == "anonymous" and _asks_to_sign_in(page, base + path):
                    continue  # the login page, audited at its own address
                _visit(page, audit, base, path, f"{path} @{width} {who}")
            _states(page, audit, base, seed, width, who)
            if who == "admin":
                _opened(page, audit, base, seed, width)
            context.close()
    if audit.notes:
        print(f"\naxe-core, moderate and minor ({len(audit.notes)}):")
        print("\n".join(audit.notes))
    assert not audit.failures, (
        f"{len(audit.failures)} problems on {audit.pages} pages:\n" + "\n".join(audit.failures)
    )


def test_a_page_the_audit_cannot_fill_is_named():
    app = Flask(__name__)
    page = lambda **args: ""  # noqa: E731
    for rule, endpoint in (
        ("/assets/<int:asset_id>", "web.asset_page"),
        ("/assets/<int:asset_id>/file", "web.original"),
        ("/events/<int:event_id>", "events.page"),
        ("/s/<token>", "share.public"),
        ("/api/v1/assets/<int:asset_id>", "api.get_asset"),
        ("/informes/<int:report_id>", "reports.page"),
        ("/agencias/<int:agency_id>", "agencies.form"),
    ):
        app.add_url_rule(rule, endpoint, page)
    app.add_url_rule("/agencias/nueva", "agencies.form", page, defaults={"agency_id": None})
    seed = Seed(
        app=app,
        admin_email="a@example.org",
        agency_id=1,
        admin_id=1,
        asset_id=1,
        checked_asset_id=2,
        video_asset_id=3,
        event_id=4,
        collection_id=5,
        kit_ref="evento-4",
        asset_token="t1",
        event_token="t2",
        locked_token="t3",
        revoked_token="t4",
        brand=BRAND,
    )
    urls, unfilled = page_urls(app, seed)
    assert unfilled == ["reports.page (/informes/<int:report_id>)"]
    assert sorted(urls) == [
        "/agencias/1",
        "/agencias/nueva",
        "/assets/1",
        "/assets/2",
        "/assets/3",
        "/events/4",
        "/s/t1",
        "/s/t2",
    ]
