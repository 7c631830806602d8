"""Broadcast and legacy video for tests, encoded with PyAV: MXF, ProRes and DNxHD MOV, AVI, MPEG.

Each is what a camera, an edit suite or an old archive hands a communications
office: MPEG-2 in MXF with PCM sound and a start timecode, ProRes 422 or DNxHR
in QuickTime, MPEG-4 Part 2 in AVI, MPEG-2 in a program or transport stream.
Tiny sizes keep them fast to make; ``seconds`` and the size scale them up.
"""

from __future__ import annotations

import io
from fractions import Fraction

import av

from tests.assets.media_factory.av import _encode_tone, _frames


def _encode(
    fmt: str,
    codec: str,
    pix_fmt: str,
    *,
    seconds: float,
    w: int,
    h: int,
    fps: int | Fraction,
    audio: str | None,
    options: dict[str, str] | None = None,
    metadata: dict[str, str] | None = None,
    layout: str = "stereo",
) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        for key, value in (metadata or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, pix_fmt
        if options:
            stream.options = options
        astream = out.add_stream(audio, rate=48000, layout=layout) if audio else None
        for i, arr in enumerate(_frames(max(1, round(seconds * float(fps))), w, h, None)):
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24").reformat(format=pix_fmt)
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if astream is not None:
            _encode_tone(out, astream, seconds, 440, 0.3, 48000)
    return buf.getvalue()


def make_mxf(
    seconds: float = 1.0, w: int = 320, h: int = 240, *, timecode: str = "10:00:00:00"
) -> bytes:
    """MPEG-2 video at 25 fps with 48 kHz PCM stereo in MXF OP1a, starting at ``timecode``."""
    return _encode(
        "mxf",
        "mpeg2video",
        "yuv420p",
        seconds=seconds,
        w=w,
        h=h,
        fps=25,
        audio="pcm_s16le",
        options={"b": "2000000"},
        metadata={"timecode": timecode},
    )


def make_prores_mov(seconds: float = 1.0, w: int = 320, h: int = 240) -> bytes:
    """ProRes 422 at 25 fps with PCM stereo in QuickTime, with a start timecode."""
    return _encode(
        "mov",
        "prores_ks",
        "yuv422p10le",
        seconds=seconds,
        w=w,
        h=h,
        fps=25,
        audio="pcm_s16le",
        options={"profile": "2"},
        metadata={"timecode": "01:00:00:00"},
    )


def make_dnxhd_mov(seconds: float = 1.0, w: int = 320, h: int = 240) -> bytes:
    """DNxHR LB at 25 fps in QuickTime, without sound."""
    return _encode(
        "mov",
        "dnxhd",
        "yuv422p",
        seconds=seconds,
        w=w,
        h=h,
        fps=25,
        audio=None,
        options={"profile": "dnxhr_lb"},
    )


def make_avi(seconds: float = 1.0, w: int = 320, h: int = 240) -> bytes:
    """MPEG-4 Part 2 at 25 fps with PCM stereo in AVI."""
    return _encode("avi", "mpeg4", "yuv420p", seconds=seconds, w=w, h=h, fps=25, audio="pcm_s16le")


def make_mpeg_ts(seconds: float = 1.0, w: int = 320, h: int = 240) -> bytes:
    """MPEG-2 video with MP2 sound in a transport stream (as DVB and HDV record)."""
    return _encode(
        "mpegts", "mpeg2video", "yuv420p", seconds=seconds, w=w, h=h, fps=25, audio="mp2"
    )


def make_mpeg_ps(seconds: float = 1.0, w: int = 320, h: int = 240) -> bytes:
    """MPEG-2 video with MP2 sound in a program stream (a DVD's or an old capture's .mpg)."""
    return _encode("vob", "mpeg2video", "yuv420p", seconds=seconds, w=w, h=h, fps=25, audio="mp2")
