"""The title a new asset gets: what the person typed, else what the file says, never a
camera's counter ("DSC 4600") when something better is known."""

from __future__ import annotations

import io

import pytest

from brandhub.operations.assets import caption_title, is_made_up_name
from tests.assets.media_factory import make_jpeg
from tests.factories import Api, add_token, photo, read, upload


@pytest.mark.parametrize(
    ("name", "made_up"),
    [
        ("DSC_4600.JPG", True),
        ("DSC 4600.jpg", True),
        ("IMG_20240312_103200.jpg", True),
        ("IMG-20240312-WA0001.jpeg", True),
        ("P1010001.JPG", True),
        ("_MG_1234.CR2.jpg", True),
        ("20240312_103200.jpg", True),
        ("PXL_20240312_103200123.jpg", True),
        ("logo-provincia-horizontal.png", False),
        ("Acto escuela 5.jpg", False),
        ("informe.pdf", False),
        ("IMG.jpg", False),  # no number: nothing to say either way, keep it
    ],
)
def test_made_up_names(name, made_up):
    assert is_made_up_name(name) is made_up


def test_caption_titles_take_the_first_sentence_or_ten_words():
    assert caption_title("Acto en la plaza. Más texto después.") == "Acto en la plaza"
    long = "La gobernadora inauguró la escuela número cinco del barrio norte con los vecinos"
    assert (
        caption_title(long) == "La gobernadora inauguró la escuela número cinco del barrio norte…"
    )
    assert caption_title("  ") == ""


@pytest.fixture
def person(make_user):
    return make_user("photographer", agency="prensa")


@pytest.fixture
def api(app, person):
    return Api(app.test_client(), add_token(app, person))


def test_a_typed_title_is_kept(app, api):
    body = upload(api, 1, "DSC_4600.jpg", title="Entrega de diplomas", caption="Otra cosa")
    assert body["title"] == "Entrega de diplomas"


def test_the_files_headline_beats_its_name(app, api):
    data = make_jpeg(80, 60, iptc={"headline": "Vacunación en la escuela 12"})
    assert upload(api, 1, "DSC_4601.jpg", data=data)["title"] == "Vacunación en la escuela 12"


def test_the_files_title_beats_its_headline(app, api):
    data = make_jpeg(80, 60, iptc={"object_name": "Escuela 12", "headline": "Vacunación"})
    assert upload(api, 1, "DSC_4601.jpg", data=data)["title"] == "Escuela 12"


def test_a_caption_gives_its_first_words(app, api):
    data = make_jpeg(80, 60, iptc={"caption": "El intendente recorre la obra. Foto de archivo."})
    assert upload(api, 1, "DSC_4602.jpg", data=data)["title"] == "El intendente recorre la obra"
    typed = upload(api, 2, "DSC_4603.jpg", caption="Vecinos en la plaza")
    assert typed["title"] == "Vecinos en la plaza"


def test_a_camera_name_in_an_event_becomes_the_event_and_a_number(app, client, login, person, api):
    event = api.post("/events", json={"title": "Acto escolar"}).get_json()
    login(person)

    def drop(n: int, name: str) -> dict:
        r = client.post(
            f"/events/{event['id']}/upload",
            data={"file": (io.BytesIO(photo(n)), name)},
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    # The camera's counter is the number: the photographer's own reference, the same
    # however many files go up at once.
    assert drop(1, "DSC_4600.JPG")["title"] == "Acto escolar · 4600"
    second = drop(2, "DSC_0046.JPG")
    assert second["title"] == "Acto escolar · 46"
    # A phone's date and time is no counter: the photo's place in the event.
    assert drop(4, "IMG_20240312_103200.jpg")["title"] == "Acto escolar · 3"
    # A name a person chose is kept, cleaned.
    assert drop(3, "entrega-de-diplomas.jpg")["title"] == "entrega de diplomas"
    assert read(app, second["id"]).event_id == event["id"]


def test_a_camera_name_outside_an_event_is_cleaned(app, api):
    assert upload(api, 1, "DSC_4600.JPG")["title"] == "DSC 4600"
