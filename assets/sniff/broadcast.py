"""Broadcast and legacy video recognised from their first bytes: MXF, AVI, MPEG-PS and MPEG-TS.

Browsers play none of these, so each gets a web proxy after upload
(``assets.proxy``); QuickTime files holding ProRes or DNxHD are sniffed as
QuickTime already and get their proxy from what the probe finds inside.

- MXF starts with a SMPTE partition pack key (``06 0E 2B 34 02 05 01 01 0D 01
  02 01 01``);
- AVI is a RIFF file of form ``AVI `` (or ``AVIX``);
- an MPEG program stream starts with a pack header (``00 00 01 BA``);
- an MPEG transport stream is a run of 188-byte packets each starting with
  ``0x47`` (AVCHD's ``.m2ts``: 192-byte packets, a 4-byte time code first).
"""

from __future__ import annotations

from assets.sniff.sniffed import Sniffed

MXF = Sniffed("application/mxf", "video", "mxf", "MXF video")
AVI = Sniffed("video/x-msvideo", "video", "avi", "AVI video")
MPEG_PS = Sniffed("video/mpeg", "video", "mpg", "MPEG video")
MPEG_TS = Sniffed("video/mp2t", "video", "ts", "MPEG transport stream")

BROADCAST_TYPES: tuple[Sniffed, ...] = (MXF, AVI, MPEG_PS, MPEG_TS)
BROADCAST_MIMES = frozenset(t.mime for t in BROADCAST_TYPES)

#: FFmpeg demuxer of each type.
BROADCAST_DEMUXERS = {
    MXF.mime: "mxf",
    AVI.mime: "avi",
    MPEG_PS.mime: "mpeg",
    MPEG_TS.mime: "mpegts",
}
#: Extension families: names that are all fine for the same content.
BROADCAST_FAMILIES: dict[str, frozenset[str]] = {
    "mxf": frozenset({"mxf"}),
    "avi": frozenset({"avi", "divx"}),
    "mpeg": frozenset({"mpg", "mpeg", "mpe", "m2v", "m2p", "vob", "ts", "mts", "m2ts", "m2t"}),
}
BROADCAST_FAMILY_OF_MIME = {
    MXF.mime: "mxf",
    AVI.mime: "avi",
    MPEG_PS.mime: "mpeg",
    MPEG_TS.mime: "mpeg",
}

_MXF_PARTITION = bytes.fromhex("060e2b34020501010d01020101")
_TS_PACKETS = 5  # consecutive sync bytes that make a transport stream


def match_broadcast(head: bytes) -> Sniffed | None:
    """The broadcast video type of a file from its head, or None."""
    if head.startswith(_MXF_PARTITION):
        return MXF
    if head[:4] == b"RIFF" and head[8:12] in (b"AVI ", b"AVIX"):
        return AVI
    if head.startswith(b"\x00\x00\x01\xba"):
        return MPEG_PS
    for first, size in ((0, 188), (4, 192)):
        if len(head) >= first + size * (_TS_PACKETS - 1) + 1 and all(
            head[first + size * i] == 0x47 for i in range(_TS_PACKETS)
        ):
            return MPEG_TS
    return None
