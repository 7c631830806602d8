"""Required metadata: credit, copyright and caption from IPTC, XMP and EXIF."""

from __future__ import annotations

import pytest

from tests.assets.media_factory import make_jpeg

XMP = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<rdf:Description rdf:about="">
<dc:creator><rdf:Seq><rdf:li>Lucía Gómez</rdf:li></rdf:Seq></dc:creator>
<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">Gobierno Provincial</rdf:li></rdf:Alt></dc:rights>
</rdf:Description></rdf:RDF></x:xmpmeta>"""

FIELDS = ["creator|credit", "copyright"]


@pytest.mark.parametrize(
    ("data", "status", "missing"),
    [
        (make_jpeg(64, 48, iptc={"creator": "Ana Pérez", "copyright": "Provincia"}), "pass", []),
        (make_jpeg(64, 48, iptc={"credit": "Prensa", "copyright": "Provincia"}), "pass", []),
        (make_jpeg(64, 48, xmp=XMP), "pass", []),
        (make_jpeg(64, 48, exif={"artist": "Ana", "copyright": "Provincia"}), "pass", []),
        (make_jpeg(64, 48, iptc={"creator": "Ana Pérez"}), "fail", ["copyright"]),
        (make_jpeg(64, 48), "fail", ["creator|credit", "copyright"]),
    ],
)
def test_credit_and_copyright(run_rule, data, status, missing) -> None:
    result = run_rule(data, "required_metadata", suffix=".jpg", category="photo", fields=FIELDS)
    assert result.status == status
    assert result.details["missing"] == missing


def test_photo_without_credit_gets_a_plain_message(run_rule) -> None:
    result = run_rule(make_jpeg(64, 48), "required_metadata", category="photo", fields=FIELDS)
    assert result.message == (
        "medido ningún dato; pedido autor o crédito y derechos de autor (copyright)"
    )


def test_metadata_given_by_the_caller_replaces_the_file(run_rule) -> None:
    given = {"creator": "Ana", "copyright": "Provincia", "caption": "Acto en la plaza"}
    data = make_jpeg(64, 48)
    result = run_rule(data, "required_metadata", metadata=given, fields=[*FIELDS, "caption"])
    assert result.status == "pass"
    blank_values = {"creator": "  ", "keywords": []}
    blank = run_rule(
        data, "required_metadata", metadata=blank_values, fields=["creator", "keywords"]
    )
    assert blank.status == "fail" and blank.details["missing"] == ["creator", "keywords"]
