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
import numpy as np

from assets.media import reformatter
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
        scaler = reformatter()  # not the thread's (see assets.media.reformatter)
        for i, arr in enumerate(_frames(max(1, round(seconds * float(fps))), w, h, None)):
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame = scaler.reformat(frame, format=pix_fmt)
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


def _combed(i: int, w: int, h: int) -> np.ndarray:
    """One interlaced frame of a bar moving right: the two fields see it 24 pixels apart."""
    arr = np.full((h, w, 3), 40, np.uint8)
    x = (i * 16) % max(1, w - 80)
    arr[0::2, x : x + 40] = 230  # top field, first in time
    arr[1::2, x + 24 : x + 64] = 230  # bottom field, half a frame later
    return arr


def make_interlaced_mxf(seconds: float = 0.6, w: int = 320, h: int = 240) -> bytes:
    """MPEG-2 coded as interlaced (top field first, field DCT and motion) in MXF, 25 fps,
    PCM stereo: what a broadcast camera records, with the fields of a moving bar apart."""
    buf = io.BytesIO()
    with av.open(buf, "w", format="mxf") as out:
        stream = out.add_stream("mpeg2video", rate=25)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"b": "4000000", "flags": "+ildct+ilme", "top": "1"}
        astream = out.add_stream("pcm_s16le", rate=48000, layout="stereo")
        scaler = reformatter()  # not the thread's (see assets.media.reformatter)
        for i in range(max(1, round(seconds * 25))):
            frame = av.VideoFrame.from_ndarray(_combed(i, w, h), format="rgb24")
            frame = scaler.reformat(frame, format="yuv420p")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        _encode_tone(out, astream, seconds, 440, 0.3, 48000)
    return buf.getvalue()


def make_two_tracks(
    fmt: str = "mxf",
    *,
    layout: str = "mono",
    freqs: tuple[int, int] = (440, 1000),
    seconds: float = 0.6,
    w: int = 160,
    h: int = 120,
) -> bytes:
    """MPEG-2 video with two PCM audio tracks, each a tone of its own frequency: the two
    mono channels of a camera (``layout="mono"``) or a programme and a second language
    (``layout="stereo"``)."""
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        stream = out.add_stream("mpeg2video", rate=25)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.options = {"b": "1000000"}
        tracks = [out.add_stream("pcm_s16le", rate=48000, layout=layout) for _ in freqs]
        scaler = reformatter()  # not the thread's (see assets.media.reformatter)
        for i, arr in enumerate(_frames(max(1, round(seconds * 25)), w, h, None)):
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame = scaler.reformat(frame, format="yuv420p")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        for track, freq in zip(tracks, freqs, strict=True):
            _encode_tone(out, track, seconds, freq, 0.3, 48000)
    return buf.getvalue()
