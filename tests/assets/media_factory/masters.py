"""Designer masters and fonts made with real tools: psd-tools, pikepdf, Ghostscript, fontTools.

- ``make_psd``: a layered Photoshop document (psd-tools writes it, composite included);
- ``make_ai_pdf``: a PDF-compatible Illustrator file (pikepdf: Illustrator's
  ``/PieceInfo`` private data, a Pantone spot colour, named fonts);
- ``make_eps``: an EPS written by Ghostscript's ``eps2write`` from a PostScript drawing;
- ``make_ai_ps``: legacy PostScript Illustrator artwork (DSC comments as Illustrator 8 writes them);
- ``font_bytes``: TrueType and OpenType fonts from Debian's font packages, and WOFF2
  compressed from one by fontTools.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
URW_OTF = Path("/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf")

_DRAWING = """
0.906 0.435 0.318 setrgbcolor
newpath 20 20 moveto 180 20 lineto 180 100 lineto 20 100 lineto closepath fill
0.165 0.498 0.384 setrgbcolor
newpath 100 60 30 0 360 arc closepath fill
showpage
"""


def make_psd(
    width: int = 120,
    height: int = 80,
    *,
    layers: tuple[str, ...] = ("Fondo", "Logo"),
    large: bool = False,
) -> bytes:
    """A PSD (or PSB with ``large``) with one coloured pixel layer per name, and its composite."""
    from PIL import Image
    from psd_tools import PSDImage

    psd = PSDImage.new("RGB", (width, height), color=(255, 255, 255))
    colors = [(231, 111, 81), (42, 127, 98), (61, 64, 91)]
    for i, name in enumerate(layers):
        w, h = max(1, width // (i + 1)), max(1, height // (i + 1))
        tile = Image.new("RGB", (w, h), colors[i % len(colors)])
        psd.create_pixel_layer(tile, name=name, top=0, left=0)
    buffer = io.BytesIO()
    psd.save(buffer)
    if not large:
        return buffer.getvalue()
    # A PSB is the same document with 8-byte lengths: psd-tools writes it from the PSD it read.
    reread = PSDImage.open(io.BytesIO(buffer.getvalue()))
    reread._record.header.version = 2  # noqa: SLF001
    out = io.BytesIO()
    reread.save(out)
    return out.getvalue()


def make_ai_pdf(
    *,
    fonts: tuple[str, ...] = ("AtkinsonHyperlegible-Bold",),
    spot: str = "PANTONE 7416 C",
    illustrator: bool = True,
    width_pt: int = 200,
    height_pt: int = 120,
) -> bytes:
    """A PDF page drawn in a spot colour with text in ``fonts``; Illustrator's data if asked."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    pdf = pikepdf.new()
    font_dicts = {
        f"/F{i}": Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/" + font))
        for i, font in enumerate(fonts)
    }
    tint = pdf.make_stream(b"{dup 0 mul exch dup 0.65 mul exch dup 0.7 mul exch 0 mul}")
    tint.FunctionType = 4
    tint.Domain = [0, 1]
    tint.Range = [0, 1, 0, 1, 0, 1, 0, 1]
    separation = Array(
        [Name.Separation, Name("/" + spot.replace(" ", "#20")), Name.DeviceCMYK, tint]
    )
    text = b"".join(
        b"BT /F%d 18 Tf 20 %d Td (Municipio) Tj ET\n" % (i, 20 + 24 * i) for i in range(len(fonts))
    )
    content = b"/CS0 cs 1 scn 10 60 180 50 re f\n0 0 0 1 k\n" + text
    page = Dictionary(
        Type=Name.Page,
        MediaBox=[0, 0, width_pt, height_pt],
        Resources=Dictionary(Font=Dictionary(font_dicts), ColorSpace=Dictionary(CS0=separation)),
        Contents=pdf.make_stream(content),
    )
    if illustrator:
        private = pdf.make_stream(b"%AI24_ZStandard_Data fake private data")
        page.PieceInfo = Dictionary(
            Illustrator=Dictionary(
                LastModified="D:20240101000000Z",
                Private=Dictionary(AIMetaData=private, AIPrivateData1=private),
            )
        )
    pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo["/Creator"] = "Adobe Illustrator 28.0 (Macintosh)"
    pdf.docinfo["/Title"] = "Logo municipal"
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def make_pdfx(version: str = "PDF/X-4", condition: str = "FOGRA39") -> bytes:
    """A PDF/X piece: its version in the document info and a CMYK output intent (pikepdf)."""
    import pikepdf
    from pikepdf import Dictionary, Name

    pdf = pikepdf.open(io.BytesIO(make_ai_pdf(illustrator=False)))
    profile = pdf.make_stream(b"\0" * 128)  # the intent's profile: only its channels are read
    profile.N = 4
    pdf.Root.OutputIntents = [
        Dictionary(
            Type=Name.OutputIntent,
            S=Name.GTS_PDFX,
            OutputConditionIdentifier=condition,
            DestOutputProfile=profile,
        )
    ]
    pdf.docinfo["/GTS_PDFXVersion"] = version
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def _gs(args: list[str]) -> None:
    gs = shutil.which("gs")
    if gs is None:
        raise RuntimeError("Ghostscript (Debian ghostscript) is needed to make EPS files")
    subprocess.run([gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", *args], check=True)  # noqa: S603


def make_eps(drawing: str = _DRAWING) -> bytes:
    """An EPS written by Ghostscript's eps2write from a PostScript ``drawing``."""
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "in.ps", Path(tmp) / "out.eps"
        source.write_text("%!PS\n" + drawing)
        _gs(["-sDEVICE=eps2write", f"-sOutputFile={out}", str(source)])
        return out.read_bytes()


def make_ai_ps(
    *, fonts: tuple[str, ...] = ("Helvetica",), spot: str = "PANTONE 185 C", body: str = ""
) -> bytes:
    """Legacy PostScript Illustrator artwork: Illustrator's DSC header around a drawing."""
    header = [
        "%!PS-Adobe-3.0 ",
        "%%Creator: Adobe Illustrator(R) 8.0",
        "%%AI8_CreatorVersion: 8.0.1",
        "%%For: (Estudio de diseño) ()",
        "%%Title: (logo-municipal.ai)",
        "%%BoundingBox: 0 0 200 120",
        "%%HiResBoundingBox: 0 0 200 120",
        "%%DocumentProcessColors: Cyan Magenta Yellow Black",
        f"%%DocumentFonts: {fonts[0]}",
        *[f"%%+ {font}" for font in fonts[1:]],
        f"%%DocumentCustomColors: ({spot})",
        f"%%CMYKCustomColor: 0 0.8 0.8 0 ({spot})",
        "%AI5_FileFormat 4.0",
        "%%EndComments",
    ]
    drawing = body or (
        "0 0.8 0.8 0 setcmykcolor newpath 10 10 moveto 190 10 lineto 190 110 lineto "
        "10 110 lineto closepath fill\n"
        f"/{fonts[0]} findfont 24 scalefont setfont 0 0 0 1 setcmykcolor 30 50 moveto "
        "(Municipio) show\nshowpage\n%%EOF\n"
    )
    return ("\n".join(header) + "\n" + drawing).encode("latin-1")


def renamed_font(family: str, style: str = "Regular") -> bytes:
    """DejaVu Sans with its name table saying it is ``family`` ``style`` (a brand's typeface)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(DEJAVU))
    names = font["name"]
    for name_id, value in (
        (1, family),
        (2, style),
        (4, f"{family} {style}"),
        (16, family),
        (17, style),
    ):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()


def font_bytes(kind: str = "ttf") -> bytes:
    """DejaVu Sans (TrueType), Nimbus Sans (OpenType/CFF), or DejaVu Sans as WOFF2."""
    if kind == "ttf":
        return DEJAVU.read_bytes()
    if kind == "otf":
        return URW_OTF.read_bytes()
    if kind == "woff2":
        from fontTools.ttLib import TTFont

        font = TTFont(str(DEJAVU))
        font.flavor = "woff2"
        buffer = io.BytesIO()
        font.save(buffer)
        return buffer.getvalue()
    raise ValueError(kind)
