"""Finding a piece by what it is: the category facet, the card's label, date and thumbnail."""

from __future__ import annotations

import re

import pytest

from brandhub.categories import shown_category
from tests.assets.media_factory import make_jpeg
from tests.assets.media_factory.documents import make_pdf, make_svg
from tests.factories import Api, add_token, change, scene_photo, upload


@pytest.mark.parametrize(
    ("category", "kind", "shown"),
    [
        ("logo", "image", "logo"),  # a PNG logo is a logo, not an "image"
        ("logo", "vector", "logo"),
        ("photo", "image", "photo"),
        ("social", "image", "graphic"),
        ("graphic", "vector", "graphic"),
        ("graphic", "document", "document"),  # a PDF judged a graphic piece by default
        ("logo", "document", "logo"),
        ("video", "video", "video"),
        ("audio", "audio", "audio"),
        (None, "image", "photo"),  # rows from before categories: by file type
        (None, "vector", "graphic"),
        (None, "document", "document"),
        (None, "audio", "audio"),
    ],
)
def test_shown_category(category, kind, shown):
    assert shown_category(category, kind) == shown


def _facet(html: str, name: str) -> dict[str, int]:
    """{value: count} of one facet of the library page."""
    found = re.findall(
        rf'name="{name}" value="([^"]+)"[^>]*>\s*<span class="facet__label">([^<]+)</span>\s*'
        r'<span class="facet__count">(\d+)</span>',
        html,
    )
    return {value: int(count) for value, _label, count in found}


@pytest.fixture
def archive(app, client, make_user, login):
    """Two photos, a logo (SVG), a logo (JPEG chosen as such), a PDF and a social post."""
    user = make_user("editor", agency="salud")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    ids = {
        "photo1": upload(api, 1, "foto-acto.jpg", data=scene_photo(1), title="Acto en la plaza")[
            "id"
        ],
        "photo2": upload(api, 2, "foto-escuela.jpg", data=scene_photo(2), title="Escuela")["id"],
        "svg": upload(api, 3, "logo-provincia.svg", data=make_svg(), category="logo")["id"],
        "png": upload(
            api, 4, "logo-salud.jpg", data=make_jpeg(300, 120, color=(0, 51, 160)), category="logo"
        )["id"],
        "pdf": upload(api, 5, "informe.pdf", data=make_pdf())["id"],
        "poster": upload(
            api, 6, "afiche.jpg", data=make_jpeg(200, 300, color=(9, 9, 9)), category="social"
        )["id"],
    }
    return ids


def test_category_is_a_facet_with_human_labels(client, archive):
    html = client.get("/").get_data(True)
    assert _facet(html, "category") == {"logo": 2, "photo": 2, "document": 1, "graphic": 1}
    labels = dict(
        re.findall(
            r'name="category" value="([^"]+)"[^>]*>\s*<span class="facet__label">([^<]+)<', html
        )
    )
    assert labels == {
        "logo": "Logo",
        "photo": "Foto",
        "document": "Documento",
        "graphic": "Pieza gráfica",
    }
    assert '<legend class="facet__title">Categoría</legend>' in html


def test_the_category_filter_finds_the_logos(client, archive):
    html = client.get("/", query_string={"category": "logo"}).get_data(True)
    titles = re.findall(r'class="card__title">([^<]+)<', html)
    assert sorted(titles) == ["logo provincia", "logo salud"]
    assert re.search(r'name="category" value="logo"\s+checked', html)
    # The other facets count logos only; the category facet keeps its alternatives.
    assert _facet(html, "kind") == {"image": 1, "vector": 1}
    assert _facet(html, "category")["photo"] == 2
    both = client.get("/", query_string={"category": ["logo", "document"]}).get_data(True)
    assert len(re.findall(r'class="card__title"', both)) == 3


def test_cards_say_their_category_not_image(client, archive):
    html = client.get("/").get_data(True)
    kinds = re.findall(r'class="card__kind">.*?</svg>\s*([^<]+?)\s*</span>', html, re.S)
    assert sorted(kinds) == ["Documento", "Foto", "Foto", "Logo", "Logo", "Pieza gráfica"]
    assert "Imagen" not in kinds
    # Logos and graphic pieces are shown whole (contained); photos fill their frame.
    assert html.count("card__media--logo") == 2
    assert html.count("card__media--photo") == 2


def test_cards_show_the_capture_time_as_the_camera_read_it(app, client, make_user, login):
    user = make_user("editor")
    login(user)
    api = Api(app.test_client(), add_token(app, user))
    upload(api, 1, "acto.jpg", taken="2024:03:12 10:32:00", title="Acto")
    upload(api, 2, "sin-fecha.jpg", title="Sin fecha")
    html = client.get("/").get_data(True)
    dates = re.findall(
        r'<time class="card__date" datetime="([^"]+)">.*?</svg>\s*([^<]+)</time>', html, re.S
    )
    assert len(dates) == 1
    stamp, shown = dates[0]
    # The machine-readable instant (UTC when the zone is known), the camera's clock to read.
    assert stamp.startswith("2024-03-12T")
    assert shown.strip() == "12 mar 2024, 10:32"


def test_old_rows_without_category_go_by_their_type(app, client, archive):
    change(app, archive["photo1"], category=None)
    change(app, archive["pdf"], category=None)
    html = client.get("/").get_data(True)
    assert _facet(html, "category") == {"logo": 2, "photo": 2, "document": 1, "graphic": 1}


def test_the_api_filters_by_category(app, make_user, archive):
    user = make_user("admin")
    api = Api(app.test_client(), add_token(app, user))
    body = api.get("/search?category=logo").get_json()
    assert body["total"] == 2
    assert body["facets"]["category"]["photo"] == 2
    assert api.get("/search?category=nada").get_json()["total"] == 0


def test_a_typed_query_names_the_category(client, archive):
    html = client.get("/", query_string={"q": "categoria:logo"}).get_data(True)
    assert len(re.findall(r'class="card__title"', html)) == 2
