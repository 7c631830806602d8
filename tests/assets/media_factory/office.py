"""Office documents for tests: PPTX, DOCX and XLSX from python-pptx, python-docx and openpyxl,
and OpenDocument text written part by part (with, on request, a Basic macro bound to the
document's opening and an image linked from a web address: what must never run nor be fetched).
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape


def make_pptx(
    title: str = "Campaña de vacunación",
    *,
    author: str = "Ana Pérez",
    slides: int = 2,
    template: bool = False,
) -> bytes:
    """A presentation; with ``template`` its main part declares a PowerPoint template (.potx)."""
    from pptx import Presentation

    deck = Presentation()
    for i in range(slides):
        slide = deck.slides.add_slide(deck.slide_layouts[0])
        slide.shapes.title.text = title if i == 0 else f"{title} ({i + 1})"
        slide.placeholders[1].text = "Ministerio de Salud"
    deck.core_properties.title = title
    deck.core_properties.author = author
    buf = io.BytesIO()
    deck.save(buf)
    if not template:
        return buf.getvalue()
    # What PowerPoint writes for a .potx: the same parts, the main one's type says template.
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"presentationml.presentation.main+xml", b"presentationml.template.main+xml"
                )
            dst.writestr(info, data)
    return out.getvalue()


def make_docx(title: str = "Comunicado de prensa", *, author: str = "Prensa") -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, 0)
    document.add_paragraph("La Municipalidad informa a la población.")
    document.core_properties.title = title
    document.core_properties.author = author
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def make_xlsx(title: str = "Presupuesto", *, author: str = "Finanzas") -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "Partida", "Monto"
    sheet["A2"], sheet["B2"] = "Impresión", 120000
    book.create_sheet("Resumen")
    book.properties.title = title
    book.properties.creator = author
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:ooo="http://openoffice.org/2004/office" xmlns:dom="http://www.w3.org/2001/xml-events" '
    'office:version="1.2"'
)


def make_odt(
    title: str = "Plantilla de gacetilla",
    *,
    author: str = "Comunicación",
    macro_writes: str | None = None,
    linked_image: str | None = None,
    template: bool = False,
) -> bytes:
    """An OpenDocument text (a text template, .ott, with ``template``); ``macro_writes``
    binds a Basic macro that writes that file when the document opens, ``linked_image``
    links an image from that address (not embedded)."""
    mime = "application/vnd.oasis.opendocument.text" + ("-template" if template else "")
    scripts = ""
    if macro_writes:
        href = "vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document"
        scripts = (
            "<office:scripts><office:event-listeners>"
            '<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
            f'xlink:type="simple" xlink:href="{href}"/></office:event-listeners></office:scripts>'
        )
    image = ""
    if linked_image:
        image = (
            '<text:p><draw:frame draw:name="logo" svg:width="2cm" svg:height="2cm" '
            'text:anchor-type="as-char"><draw:image xlink:type="simple" xlink:show="embed" '
            f'xlink:actuate="onLoad" xlink:href="{escape(linked_image)}"/></draw:frame></text:p>'
        )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODT_NS}>{scripts}'
        f"<office:body><office:text><text:h>{escape(title)}</text:h>"
        f"<text:p>Texto de la gacetilla.</text:p>{image}</office:text></office:body>"
        "</office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_ODT_NS}><office:meta>'
        f"<dc:title>{escape(title)}</dc:title><meta:initial-creator>{escape(author)}"
        '</meta:initial-creator><meta:document-statistic meta:page-count="1"/>'
        "</office:meta></office:document-meta>"
    )
    entries = [("content.xml", content), ("meta.xml", meta)]
    if macro_writes:
        basic = (
            '<?xml version="1.0" encoding="UTF-8"?><script:module '
            'xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
            'script:language="StarBasic">Sub Main\n'
            f'Open "{escape(macro_writes)}" For Output As #1\n'
            'Print #1, "ran"\nClose #1\nEnd Sub\n</script:module>'
        )
        entries += [
            (
                "Basic/script-lc.xml",
                '<?xml version="1.0" encoding="UTF-8"?><library:libraries '
                'xmlns:library="http://openoffice.org/2000/library" '
                'xmlns:xlink="http://www.w3.org/1999/xlink"><library:library '
                'library:name="Standard" library:link="false"/></library:libraries>',
            ),
            (
                "Basic/Standard/script-lb.xml",
                '<?xml version="1.0" encoding="UTF-8"?><library:library '
                'xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
                'library:readonly="false" library:passwordprotected="false">'
                '<library:element library:name="Module1"/></library:library>',
            ),
            ("Basic/Standard/Module1.xml", basic),
        ]
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mime}"/>'
        + "".join(
            f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
            for name, _ in entries
        )
        + "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), mime
        )  # first and stored: how OpenDocument is recognised
        for name, text in entries:
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()
