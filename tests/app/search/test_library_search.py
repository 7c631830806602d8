"""The library page searches: facets, sorting, snippets, suggestions, a damaged index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from brandhub.config import load_config
from brandhub.search import service
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, change, upload, upload_page


def _upload_page(client, title, n=0, tags=""):
    r = upload_page(client, make_jpeg(20 + n, 20), f"a{n}.jpg", title=title, tags=tags)
    assert r.status_code in (200, 201, 302), r.get_data(True)


@pytest.mark.parametrize("q", ["inauguracion", "INAUGURACIÓN", "Inauguración", "inaug*"])
def test_library_page_searches(client, make_user, login, q):
    login(make_user("editor"))
    _upload_page(client, "Inauguración de la escuela")
    _upload_page(client, "Campaña de vacunación", n=1)
    html = client.get("/", query_string={"q": q}).get_data(True)
    assert "<mark>Inauguración</mark>" in html
    assert html.count('class="card__link"') == 1
    assert "Tipo" in html and "Ordenar por" in html
    assert "Resultados para" in html


def test_facets_sorting_and_pages_keep_the_query(app, client, make_user, login):
    user = make_user("editor", agency="salud")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    for n in range(5):
        upload(api, n, title=f"Acto {n}", tags="prensa" if n % 2 else "interno")
    html = client.get(
        "/", query_string={"q": "acto", "per_page": 2, "tag": "prensa", "sort": "title"}
    ).get_data(True)
    assert "Agencia Salud" in html  # agency names, not slugs
    assert re.search(r'value="prensa"\s+checked', html)
    assert re.search(r'<option value="title"\s+selected', html)
    assert html.count('class="card__link"') == 2
    links = re.findall(r'href="(/\?[^"]*page=2[^"]*)"', html)
    assert links and all("tag=prensa" in link and "q=acto" in link for link in links)
    assert "sort=title" in links[0]


def test_browsing_without_a_query_is_newest_first(app, client, make_user, login):
    user = make_user("editor")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    for n in range(3):
        upload(api, n, title=f"Pieza {n}")
    html = client.get("/").get_data(True)
    assert re.findall(r"card__title\">(Pieza \d)", html) == ["Pieza 2", "Pieza 1", "Pieza 0"]
    assert re.search(r'<option value="newest"\s+selected', html)


def test_suggestion_link_and_empty_state(client, make_user, login):
    login(make_user("editor"))
    _upload_page(client, "Campaña de vacunación")
    html = client.get("/", query_string={"q": "vacunasion"}).get_data(True)
    assert "¿Quisiste decir" in html
    assert 'href="/?q=vacunaci%C3%B3n"' in html
    assert "No hay resultados" in html  # and it says what to do next
    assert "Ver toda la biblioteca" in html


def test_snippets_are_escaped_except_the_marks(app, client, make_user, login):
    user = make_user("editor")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    upload(
        api,
        1,
        title="<script>alert(1)</script> acto",
        description="<img src=x onerror=alert(1)> acto oficial",
    )
    html = client.get("/", query_string={"q": "acto"}).get_data(True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "<mark>acto</mark>" in html


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"sort": "nope"},
        {"page": "0"},
        {"year": "x" * 500},
        {"q": "(("},
        {"q": '"'},
        {"kind": "nope"},
        {"page": "99999"},
    ],
)
def test_odd_urls_never_break_the_page(client, make_user, login, query):
    login(make_user("editor"))
    assert client.get("/", query_string=query).status_code == 200


def test_visibility_on_the_page(app, client, make_user, login):
    salud = make_user("editor", agency="salud")
    obras = make_user("editor", agency="obras")
    upload(Api(app.test_client(), add_token(app, obras)), 1, title="Borrador de obras")
    login(salud)
    html = client.get("/", query_string={"q": "borrador"}).get_data(True)
    assert "Borrador de obras" not in html and "Agencia Obras" not in html


@pytest.mark.search_backend("whoosh")  # about the Whoosh index
def test_a_damaged_index_does_not_break_the_library(app, client, make_user, login):
    login(make_user("editor"))
    _upload_page(client, "Acto")
    path = Path(app.config["INDEX_PATH"])
    service(app).forget()
    shutil.rmtree(path)
    path.mkdir()
    (path / "CURRENT").write_text("garbage")
    html = client.get("/", query_string={"q": "acto"}).get_data(True)
    assert "La búsqueda no está disponible" in html
    assert "card__title" in html  # the plain listing still shows the asset
    _upload_page(client, "Otro acto", n=1)  # writing still works; changes stay queued
    api_response = client.get("/api/v1/search?q=acto")
    assert api_response.status_code in (401, 503)


@pytest.mark.search_backend("whoosh")  # about the Whoosh index
def test_the_api_says_when_the_index_is_unavailable(app, api_for):
    api = api_for("editor")
    upload(api, 1, title="Acto")
    path = Path(app.config["INDEX_PATH"])
    service(app).forget()
    shutil.rmtree(path)
    path.mkdir()
    (path / "CURRENT").write_text("garbage")
    r = api.get("/search?q=acto")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "search_unavailable"
    assert api.upload(make_jpeg(50, 50), "b.jpg", title="Sigue").status_code == 201
    # Rebuilt, the index has every asset, including the one added meanwhile.
    assert app.test_cli_runner().invoke(args=["reindex"]).exit_code == 0
    assert api.get("/search?q=acto").get_json()["total"] == 1
    assert api.get("/search?q=sigue").get_json()["total"] == 1


def test_drain_setting_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDHUB_SEARCH_DRAIN_INLINE", "false")
    monkeypatch.setenv("BRANDHUB_SEARCH_LOCK_TIMEOUT", "5")
    config = load_config(tmp_path)
    assert config["SEARCH_DRAIN_INLINE"] is False and config["SEARCH_LOCK_TIMEOUT"] == 5


def test_status_changes_show_in_facets(app, client, make_user, login):
    user = make_user("editor")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    asset_id = upload(api, 1, title="Acto")["id"]
    change(app, asset_id, status="approved")
    html = client.get("/", query_string={"status": "approved"}).get_data(True)
    assert "Aprobado" in html and html.count('class="card__link"') == 1


def test_the_suggestion_is_escaped_and_linked(app):
    from brandhub.search import did_you_mean

    with app.test_request_context("/"):
        html = str(did_you_mean("<b>x</b>", "/?q=%3Cb%3E&a=1"))
    assert html == (
        '¿Quisiste decir <a class="suggestion" href="/?q=%3Cb%3E&amp;a=1">&lt;b&gt;x&lt;/b&gt;</a>?'
    )
