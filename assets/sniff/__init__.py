"""Recognise what a file really is from its first bytes, and clean its name.

The type of an upload is decided by its content only: the extension and the
Content-Type the client sent are never trusted. ``sniff`` looks at the head of
the file (``HEAD_BYTES``) and returns a ``Sniffed`` for the formats BrandHub
accepts, or raises ``UnsupportedMediaType`` naming what the bytes look like
instead (an HTML page, a ZIP archive, a program...). ``check_extension`` then
refuses names that contradict the content (a PNG called ``logo.jpg``), and
``safe_filename`` turns a client-supplied name into one that is safe to show
and to offer in a download.
"""

from __future__ import annotations

import re

from assets.errors import UnsupportedMediaType
from assets.sniff.broadcast import BROADCAST_TYPES, match_broadcast
from assets.sniff.names import check_extension, safe_filename
from assets.sniff.office import OFFICE_TYPES, match_office
from assets.sniff.raw import RAW_TYPES, match_raw
from assets.sniff.sniffed import Sniffed
from assets.sniff.unknown import GENERIC, MESSAGES, what_it_seems

__all__ = [
    "ACCEPTED",
    "AI_PDF",
    "HEAD_BYTES",
    "Sniffed",
    "audio_only",
    "check_extension",
    "refine_pdf",
    "safe_filename",
    "sniff",
]

HEAD_BYTES = 4096
SVG_WINDOW = 1024  # the root <svg must start within this many bytes


JPEG = Sniffed("image/jpeg", "image", "jpg", "JPEG image")
PNG = Sniffed("image/png", "image", "png", "PNG image")
GIF = Sniffed("image/gif", "image", "gif", "GIF image")
WEBP = Sniffed("image/webp", "image", "webp", "WebP image")
TIFF = Sniffed("image/tiff", "image", "tiff", "TIFF image")
HEIC = Sniffed("image/heic", "image", "heic", "HEIC image")
HEIF = Sniffed("image/heif", "image", "heif", "HEIF image")
AVIF = Sniffed("image/avif", "image", "avif", "AVIF image")
SVG = Sniffed("image/svg+xml", "vector", "svg", "SVG vector image")
PDF = Sniffed("application/pdf", "document", "pdf", "PDF document")
MP4 = Sniffed("video/mp4", "video", "mp4", "MP4 video")
MOV = Sniffed("video/quicktime", "video", "mov", "QuickTime video")
GPP = Sniffed("video/3gpp", "video", "3gp", "3GP video")
M4A = Sniffed("audio/mp4", "audio", "m4a", "MPEG-4 audio")
WEBM = Sniffed("video/webm", "video", "webm", "WebM video")
MKV = Sniffed("video/x-matroska", "video", "mkv", "Matroska video")
MP3 = Sniffed("audio/mpeg", "audio", "mp3", "MP3 audio")
WAV = Sniffed("audio/wav", "audio", "wav", "WAV audio")
FLAC = Sniffed("audio/flac", "audio", "flac", "FLAC audio")
OGG_AUDIO = Sniffed("audio/ogg", "audio", "ogg", "Ogg audio")
OPUS = Sniffed("audio/ogg", "audio", "opus", "Opus audio")
OGG_VIDEO = Sniffed("video/ogg", "video", "ogv", "Ogg video")
# Containers that only turn out to hold sound once probed (see audio_only).
WEBM_AUDIO = Sniffed("audio/webm", "audio", "weba", "WebM audio")
MKA = Sniffed("audio/x-matroska", "audio", "mka", "Matroska audio")

# --- designer masters and brand fonts -------------------------------------------
# Photoshop documents are raster pieces (checked on their composite); Illustrator and
# EPS artwork is vector; fonts are a kind of their own. An Illustrator file saved
# "PDF compatible" starts as a PDF: ingest refines PDF to AI_PDF (see ``refine_pdf``).
PSD = Sniffed("image/vnd.adobe.photoshop", "image", "psd", "Photoshop document")
PSB = Sniffed("image/vnd.adobe.photoshop", "image", "psb", "Photoshop large document")
EPS = Sniffed("application/postscript", "vector", "eps", "EPS vector artwork")
AI_PS = Sniffed("application/postscript", "vector", "ai", "Illustrator artwork (PostScript)")
AI_PDF = Sniffed("application/illustrator", "vector", "ai", "Illustrator artwork")
TTF = Sniffed("font/ttf", "font", "ttf", "TrueType font")
OTF = Sniffed("font/otf", "font", "otf", "OpenType font")
WOFF2 = Sniffed("font/woff2", "font", "woff2", "WOFF2 web font")
MASTERS: tuple[Sniffed, ...] = (PSD, PSB, EPS, AI_PS, AI_PDF, TTF, OTF, WOFF2)
# --- end designer masters and brand fonts ---------------------------------------

ACCEPTED: tuple[Sniffed, ...] = (
    JPEG,
    PNG,
    GIF,
    WEBP,
    TIFF,
    HEIC,
    HEIF,
    AVIF,
    SVG,
    PDF,
    MP4,
    MOV,
    GPP,
    M4A,
    WEBM,
    MKV,
    MP3,
    WAV,
    FLAC,
    OGG_AUDIO,
    OPUS,
    OGG_VIDEO,
    WEBM_AUDIO,
    MKA,
    *MASTERS,
    *RAW_TYPES,
    *BROADCAST_TYPES,
    *OFFICE_TYPES,
)

_AUDIO_ONLY = {
    "video/mp4": M4A,
    "video/quicktime": M4A,
    "video/3gpp": M4A,
    "video/webm": WEBM_AUDIO,
    "video/x-matroska": MKA,
    "video/ogg": OGG_AUDIO,
}


def audio_only(sniffed: Sniffed) -> Sniffed:
    """The audio type for a video container found to hold no video stream.

    The head of an MP4 or WebM cannot tell a voice recording from a film;
    the probe can, and the asset should then be filed as audio.
    """
    return _AUDIO_ONLY.get(sniffed.mime, sniffed)


# ISO base media ("ftyp") brands, checked major brand first, then compatibles.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_QT_BRANDS = {b"qt  "}
_3GP_BRANDS = {b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gs7", b"3ge6", b"3ge7", b"3gg6", b"3g2a"}
_MP4_BRANDS = {
    b"isom",
    b"iso2",
    b"iso3",
    b"iso4",
    b"iso5",
    b"iso6",
    b"iso8",
    b"iso9",
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"M4VH",
    b"M4VP",
    b"MSNV",
    b"NDAS",
    b"f4v ",
    b"mmp4",
    b"XAVC",
    b"CAEP",
    b"av01",
}
# Camera raw and JPEG 2000 files are ISO boxes too, and list "isom" as compatible.
_FOREIGN_BRANDS = {b"crx ", b"jp2 ", b"jpx ", b"jpm ", b"mjp2"}
# Old QuickTime files may start with an atom other than ftyp.
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def sniff(head: bytes, filename: str | None = None) -> Sniffed:
    """The accepted type of a file from its first bytes (``HEAD_BYTES`` is plenty).

    ``filename`` is only used for the error details; the decision is made on
    the bytes alone.
    """
    found = _match(head)
    if found is not None:
        return found
    seems = what_it_seems(head)
    raise UnsupportedMediaType(
        MESSAGES.get(seems, GENERIC),
        seems=seems,
        filename=filename,
        magic=head[:8].hex(),
    )


def _match(head: bytes) -> Sniffed | None:
    raw = match_raw(head)  # camera raw first: most raw formats are TIFF underneath
    if raw is not None:
        return raw
    broadcast = match_broadcast(head)
    if broadcast is not None:
        return broadcast
    office = match_office(head)
    if office is not None:
        return office
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head[4:8] == b"ftyp":
        return _match_ftyp(head)
    if head[4:8] in _QT_ATOMS and int.from_bytes(head[:4], "big") >= 8:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _match_ebml(head)
    if head.startswith(b"OggS"):
        return _match_ogg(head)
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"ID3") or _is_mpeg_audio_frame(head):
        return MP3
    if head.lstrip(b" \t\r\n\x0c").startswith(b"%PDF-"):
        return PDF
    master = _match_master(head)
    if master is not None:
        return master
    if _is_svg(head):
        return SVG
    return None


def _match_master(head: bytes) -> Sniffed | None:
    """Photoshop, EPS, PostScript Illustrator artwork and fonts, from their signatures."""
    if head.startswith(b"8BPS"):
        version = int.from_bytes(head[4:6], "big")
        return {1: PSD, 2: PSB}.get(version)
    if head.startswith(b"\xc5\xd0\xd3\xc6"):
        # DOS EPS binary header: where the PostScript section starts and its length.
        start = int.from_bytes(head[4:8], "little")
        body = head[start : start + 1024] if 30 <= start < len(head) else b""
        return EPS if body.startswith(b"%!PS-Adobe") else None
    if head.startswith(b"%!PS-Adobe-"):
        first_line = head.split(b"\n", 1)[0].split(b"\r", 1)[0]
        comments = head[:HEAD_BYTES]
        if (
            re.search(rb"%%Creator:\s*Adobe Illustrator", comments)
            or b"%AI5_FileFormat" in comments
        ):
            return AI_PS
        if b"EPSF-" in first_line:
            return EPS
        return None  # a printer's PostScript job, not artwork
    if head[:4] in (b"\x00\x01\x00\x00", b"true") and _sfnt_tables(head):
        return TTF
    if head.startswith(b"OTTO") and _sfnt_tables(head):
        return OTF
    if head.startswith(b"wOF2"):
        return WOFF2
    return None


def _sfnt_tables(head: bytes) -> bool:
    """An sfnt table directory: a sane table count whose first tag is printable."""
    count = int.from_bytes(head[4:6], "big")
    return 1 <= count <= 64 and len(head) >= 16 and all(32 <= b < 127 for b in head[12:16])


def refine_pdf(sniffed: Sniffed, metadata: dict[str, object]) -> Sniffed:
    """AI_PDF for a PDF whose metadata found Illustrator's private data in it."""
    document = metadata.get("design")
    if sniffed == PDF and isinstance(document, dict) and document.get("illustrator"):
        return AI_PDF
    return sniffed


def _match_ftyp(head: bytes) -> Sniffed | None:
    box_size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    end = min(box_size, len(head)) if box_size >= 16 else 16
    compatible = {head[i : i + 4] for i in range(16, end - 3, 4)}
    if major in _FOREIGN_BRANDS:
        return None
    for brand in (major, *sorted(compatible)):
        if brand in _HEIC_BRANDS:
            return HEIC
        if brand in _AVIF_BRANDS:
            return AVIF
        if brand in _M4A_BRANDS:
            return M4A
        if brand in _QT_BRANDS:
            return MOV
        if brand in _3GP_BRANDS:
            return GPP
        if brand in _MP4_BRANDS:
            return MP4
    # A bare HEIF still-image brand without a codec brand we know.
    if major in _HEIF_BRANDS or compatible & _HEIF_BRANDS:
        return HEIF
    return None


def _match_ebml(head: bytes) -> Sniffed:
    # The DocType element (0x4282) says "webm" or "matroska".
    at = head.find(b"\x42\x82")
    if at != -1 and b"webm" in head[at : at + 16]:
        return WEBM
    return MKV


def _match_ogg(head: bytes) -> Sniffed | None:
    # The first pages carry the identification header of each stream.
    if b"\x80theora" in head:
        return OGG_VIDEO
    if b"OpusHead" in head:
        return OPUS
    if b"\x01vorbis" in head or b"\x7fFLAC" in head or b"Speex   " in head:
        return OGG_AUDIO
    return None


_MPEG_BITRATE_BAD = (0x0, 0xF)


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a valid version, layer, rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0x3
    layer = (head[1] >> 1) & 0x3
    bitrate = head[2] >> 4
    rate = (head[2] >> 2) & 0x3
    return version != 1 and layer != 0 and bitrate not in _MPEG_BITRATE_BAD and rate != 3


_XML_PROLOGUE = re.compile(
    rb"""(?:
        \s+
      | <\?.*?\?>                              # XML declaration, processing instructions
      | <!--.*?-->                             # comments
      | <!DOCTYPE(?:[^\[>]|\[.*?\])*>          # doctype, with an optional internal subset
    )""",
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)
_SVG_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?svg[\s/>]")


def _is_svg(head: bytes) -> bool:
    text = _as_utf8(head)
    if text is None:
        return False
    pos = 0
    while pos < SVG_WINDOW:
        m = _XML_PROLOGUE.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    return pos < SVG_WINDOW and _SVG_ROOT.match(text, pos) is not None


def _as_utf8(head: bytes) -> bytes | None:
    """The head as UTF-8 bytes without a BOM (UTF-16 SVGs are re-encoded)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            body = head[2:]
            return body[: len(body) // 2 * 2].decode(codec, "ignore").encode()
    return head
