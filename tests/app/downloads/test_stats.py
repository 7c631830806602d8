"""The download log, download counts, the monthly figures and the admin page."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from brandhub.models import Agency, Asset, DownloadEvent
from brandhub.operations.statistics import month_starts, monthly
from tests.factories import approve, change, session, upload

ZONE = ZoneInfo("America/Argentina/Buenos_Aires")


def _events(app):
    with session(app) as db:
        rows = db.scalars(select(DownloadEvent).order_by(DownloadEvent.id)).all()
        return [(r.channel, r.what, r.preset, r.user_id) for r in rows]


def test_downloads_from_pages_and_api_are_logged_previews_and_resumes_are_not(
    app, client, api_for, login
):
    editor = api_for("editor", "salud")
    asset = upload(editor, 70)
    aid = asset["id"]
    login(editor.user)
    client.get(f"/assets/{aid}/file")  # the page's own player or preview: not a download
    client.get(f"/assets/{aid}/file?download=1")
    client.get(f"/assets/{aid}/download?preset=web")
    client.get(f"/assets/{aid}/download?width=300&format=png")
    client.get(f"/assets/{aid}/r/thumb")
    client.get(f"/assets/{aid}/file?download=1", headers={"Range": "bytes=500-"})
    client.get(f"/assets/{aid}/file?download=1", headers={"If-None-Match": f'"{asset["sha256"]}"'})
    client.get(f"/assets/{aid}/download?preset=nope")  # 400: nothing sent
    editor.get(f"/assets/{aid}/file")
    editor.get(f"/assets/{aid}/file", headers={"Range": "bytes=0-99"})  # a first range counts
    editor.get(f"/assets/{aid}/download?preset=whatsapp")
    editor.get(f"/assets/{aid}/versions/1/file")
    uid = editor.user.id
    assert _events(app) == [
        ("app", "original", None, uid),
        ("app", "preset", "web", uid),
        ("app", "preset", "custom", uid),
        ("api", "original", None, uid),
        ("api", "original", None, uid),
        ("api", "preset", "whatsapp", uid),
        ("api", "version", None, uid),
    ]
    counts = editor.get(f"/assets/{aid}/downloads").get_json()
    assert counts == {"count": 7, "by_channel": {"app": 3, "api": 4}}
    page = client.get(f"/assets/{aid}").get_data(as_text=True)
    assert "data-download-count>7<" in page


def test_zips_of_a_selection_log_one_download_per_file(app, client, api_for, login):
    editor = api_for("editor", "salud")
    ids = [upload(editor, 71 + n)["id"] for n in range(3)]
    login(editor.user)
    r = client.post(
        "/assets/selection.zip", data={"asset_ids": [str(i) for i in ids], "preset": "original"}
    )
    assert r.status_code == 200
    r.get_data()
    with session(app) as db:
        rows = db.scalars(select(DownloadEvent)).all()
        assert sorted(r.asset_id for r in rows) == ids
        assert {(r.channel, r.what, r.preset) for r in rows} == {("app", "zip", "original")}


def test_month_starts_follow_the_institutions_time_zone():
    starts = month_starts(3, datetime(2026, 3, 1, 2, 0, tzinfo=UTC), ZONE)  # still 28 Feb there
    assert [s.date().isoformat() for s in starts] == [
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]
    assert starts[1].astimezone(UTC) == datetime(2026, 1, 1, 3, 0, tzinfo=UTC)


def test_monthly_counts_per_agency_and_month(app, api_for):
    salud = api_for("editor", "salud")
    obras = api_for("editor", "obras")
    a = upload(salud, 75)["id"]
    b = upload(obras, 76)["id"]
    c = upload(obras, 77)["id"]
    with session(app) as db:
        agencies = {x.slug: x.id for x in db.scalars(select(Agency))}
        when = {
            "jan": datetime(2026, 1, 15, 12, tzinfo=UTC),
            "feb_local": datetime(2026, 3, 1, 2, tzinfo=UTC),  # 28 Feb, 23:00 in Buenos Aires
            "mar": datetime(2026, 3, 10, 12, tzinfo=UTC),
            "old": datetime(2025, 6, 1, 12, tzinfo=UTC),  # outside the period
        }
        for asset_id, agency, moment in [
            (a, "salud", "jan"),
            (a, "salud", "jan"),
            (a, "salud", "feb_local"),
            (b, "obras", "mar"),
            (None, "obras", "mar"),  # an asset deleted since
            (c, "obras", "old"),
        ]:
            db.add(
                DownloadEvent(
                    asset_id=asset_id,
                    agency_id=agencies[agency],
                    channel="app",
                    what="original",
                    created_at=when[moment],
                )
            )
        db.get(Asset, a).created_at = when["jan"]
        db.get(Asset, b).created_at = when["feb_local"]
        db.get(Asset, c).created_at = when["mar"]
        db.commit()
        stats = monthly(db, ZONE, months=3, now=datetime(2026, 3, 20, tzinfo=UTC))
    assert [m.isoformat() for m in stats.months] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    rows = {r.slug: (r.downloads, r.uploads) for r in stats.rows}
    assert rows == {"obras": ([0, 0, 2], [0, 1, 1]), "salud": ([2, 1, 0], [1, 0, 0])}
    assert stats.downloads == [2, 1, 2] and stats.uploads == [1, 1, 1]


def test_the_admin_page_is_for_admins_and_draws_the_chart(app, client, api_for, make_user, login):
    editor = api_for("editor", "salud")
    asset = upload(editor, 78, title="Logo del ministerio")
    approve(app, asset["id"])
    editor.get(f"/assets/{asset['id']}/file")
    assert client.get("/admin").status_code == 302  # sign in first
    login(editor.user)
    assert client.get("/admin").status_code == 403
    assert "/admin" not in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(make_user("admin", None))
    page = client.get("/admin")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/admin"' in html  # in the navigation
    assert '<svg class="chart"' in html and "chart__bar--downloads" in html
    assert "<table" in html and "Agencia Salud" in html and "Logo del ministerio" in html
    assert "style=" not in html  # the CSP allows no inline style
    assert client.get("/admin?months=6").status_code == 200
    assert client.get("/admin?months=abc").status_code == 200


def test_monthly_figures_through_the_api_are_for_admins(api_for):
    editor = api_for("editor", "salud")
    upload(editor, 79)
    assert editor.get("/stats/monthly").status_code == 403
    admin = api_for("admin", None)
    body = admin.get("/stats/monthly?months=2").get_json()
    assert len(body["months"]) == 2 and body["uploads"][-1] == 1
    assert body["agencies"][0]["agency"] == "salud"
    assert admin.get("/stats/monthly?months=99").status_code == 400


def test_a_deleted_asset_keeps_its_agencys_figures(app, api_for):
    editor = api_for("editor", "salud")
    asset = upload(editor, 80)
    editor.get(f"/assets/{asset['id']}/file")
    change(app, asset["id"], status="draft")
    assert editor.delete(f"/assets/{asset['id']}").status_code == 204
    with session(app) as db:
        row = db.scalars(select(DownloadEvent)).one()
        assert row.asset_id is None and row.agency_id is not None
