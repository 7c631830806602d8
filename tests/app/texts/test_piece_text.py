"""The words in pieces through the app: read after upload, searched, checked by the rules.

The agency here has the shipped "Programa Social de Ejemplo" brand, whose
social posts must carry the programme legend and may not name the listed
officials during the 2027 blackout. Uploads are posters drawn by Pillow; the
``text`` job (run at once in tests) reads them by OCR, keeps the text, and
checks the piece again.
"""

from __future__ import annotations

import datetime

import pytest
from sqlalchemy import select

from brandhub.models import AssetText, Job
from brandhub.operations import piece_text
from tests.app.search.support import drain
from tests.assets.media_factory.printed import LEGEND, make_poster
from tests.assets.text_corpus import BODY, needs_ocr
from tests.factories import PASSWORD, Api, add_token, add_user, photo, session

pytestmark = needs_ocr
BRAND = "programa-social"


@pytest.fixture
def app(app_factory):
    return app_factory(TEXT_EXTRACTION=True)


@pytest.fixture
def editor(app, runner):
    runner.invoke(args=["brands", "load"])
    runner.invoke(args=["brands", "assign", "programa", BRAND])
    return add_user(app, "editor", agency="programa")


@pytest.fixture
def api(app, editor):
    return Api(app.test_client(), add_token(app, editor))


def social_post(body: str) -> bytes:
    return make_poster(
        body, size=(1080, 1080), font_px=30, colour=(26, 26, 26), heading="Vacunación", srgb=True
    ).data


def upload(api, data, name):
    r = api.upload(data, name, category="social")
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def signed_in(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client


def latest(api, asset_id, rule):
    body = api.get(f"/assets/{asset_id}").get_json()
    return body["compliance"], body


def rule_result(app, asset_id, rule):
    from brandhub.models import ComplianceReport

    with session(app) as db:
        report = db.scalars(
            select(ComplianceReport)
            .where(ComplianceReport.asset_id == asset_id)
            .order_by(ComplianceReport.id.desc())
        ).first()
        assert report is not None
        return report.status, next(c for c in report.report["checks"] if c["rule"] == rule)


def test_a_posters_words_are_read_kept_and_found_by_search(app, api, editor):
    asset_id = upload(api, social_post(BODY + "\n" + LEGEND), "afiche-vacunacion.png")
    with session(app) as db:
        job = db.scalars(select(Job).where(Job.kind == "text")).one()
        assert (job.asset_id, job.state) == (asset_id, "done")
        row = db.get(AssetText, asset_id)
        assert row is not None and row.sources == "ocr" and row.pages == 1
        assert "Campaña de vacunación contra la gripe" in row.text
        assert row.confidence is not None and row.confidence > 80
        assert any(w["t"] == "Vacunación" for w in row.data["pages"][0]["words"])
    other = Api(app.test_client(), add_token(app, add_user(app, "editor", agency="otra")))
    other.upload(photo(3), "foto.jpg")  # an agency without a brand: a photo, no words
    drain(app)
    found = api.get("/search?q=vacunación").get_json()
    assert [r["id"] for r in found["results"]] == [asset_id]
    assert api.get("/search?q=libreta").get_json()["total"] == 1  # a word of the body only
    assert api.get("/search?has_text=yes").get_json()["total"] == 1
    assert api.get("/search?has_text=no").get_json()["total"] == 0
    assert api.get("/search").get_json()["facets"]["has_text"] == {"yes": 1}
    assert other.get("/search?has_text=no").get_json()["total"] == 1
    assert other.get("/search?has_text=yes").get_json()["total"] == 0
    # The library shows the words around the match, and the filter.
    page = signed_in(app, editor).get("/?q=libreta").get_data(True)
    assert f"/assets/{asset_id}" in page
    snippet = page[page.find('class="card__snippet"') :][:400]
    assert "texto en la pieza:</span> " in snippet and "<mark>libreta</mark>" in snippet
    assert "Texto en la pieza" in page and "Tiene texto" in page


def test_without_the_legend_the_post_fails_with_a_clear_report_and_with_it_passes(app, api, editor):
    without = upload(api, social_post(BODY), "sin-leyenda.png")
    status, result = rule_result(app, without, "redes-leyenda")
    assert (status, result["status"]) == ("fail", "fail")
    assert result["message"] == (
        "Falta la leyenda obligatoria de los programas sociales: «Este programa es público, "
        "ajeno a cualquier partido político.»."
    )
    assert api.get(f"/assets/{without}").get_json()["compliance"] == "fail"
    page = signed_in(app, editor).get(f"/assets/{without}").get_data(True)
    assert "Falta la leyenda obligatoria de los programas sociales" in page
    assert "Falta:" in page
    with_legend = upload(api, social_post(BODY + "\n" + LEGEND), "con-leyenda.png")
    status, result = rule_result(app, with_legend, "redes-leyenda")
    assert (status, result["status"]) == ("pass", "pass")
    assert result["details"]["found"][0]["pages"] == [1]
    assert api.get(f"/assets/{with_legend}").get_json()["compliance"] == "pass"


def test_during_the_blackout_a_post_naming_an_official_fails(app, api, editor, monkeypatch):
    monkeypatch.setattr(piece_text, "today", lambda config: datetime.date(2027, 5, 2))
    asset_id = upload(api, social_post(BODY + "\nJuana Pérez te invita.\n" + LEGEND), "veda.png")
    status, result = rule_result(app, asset_id, "redes-veda")
    assert (status, result["status"]) == ("fail", "fail")
    assert "esta dice «Juana Pérez»" in result["message"]
    assert len(result["details"]["found"][0]["boxes"]) == 2
    page = signed_in(app, editor).get(f"/assets/{asset_id}").get_data(True)
    assert "Veda electoral" in page or "redes-veda" in page or "Juana Pérez" in page
    assert page.count("<rect ") >= 2 and "report__boxes--bad" in page
    monkeypatch.setattr(piece_text, "today", lambda config: datetime.date(2027, 7, 2))
    later = upload(api, social_post(BODY + "\nJuana Pérez te invita.\n" + LEGEND), "despues.png")
    assert rule_result(app, later, "redes-veda")[1]["status"] == "skip"


def test_no_text_job_when_the_instance_does_not_read_text(app_factory):
    quiet = app_factory()  # the tests' default: TEXT_EXTRACTION off
    editor = add_user(quiet, "editor", agency="otra")
    quiet_api = Api(quiet.test_client(), add_token(quiet, editor))
    upload(quiet_api, social_post(BODY), "afiche.png")
    with session(quiet) as db:
        assert db.scalars(select(Job).where(Job.kind == "text")).all() == []
        assert db.scalars(select(AssetText)).all() == []
    # Pieces uploaded while text was not read are read when an administrator asks.
    result = quiet.test_cli_runner().invoke(args=["jobs", "read-text"])
    assert result.exit_code == 0, result.output
    assert "Lectura del texto en cola para 1 archivos." in result.output
    with session(quiet) as db:
        [row] = db.scalars(select(AssetText)).all()
        assert "vacunación" in row.text
    again = quiet.test_cli_runner().invoke(args=["jobs", "read-text"])
    assert "para 0 archivos" in again.output
