"""Web proxies of video browsers cannot play: H.264/AAC MP4 at most 1080p, beside the original.

MXF, AVI, MPEG program and transport streams, and QuickTime files holding
ProRes or DNxHD are what cameras and edit suites deliver, and no browser plays
them. :func:`proxy_needed` says which files need a proxy (by container and
codec); :func:`make_proxy` decodes the original with the sniffed demuxer
(``assets.media.open_av``: the file protocol only) and encodes a proxy into a
file: H.264 (libx264, ``veryfast``, CRF 23, yuv420p) and AAC stereo at 48 kHz
in an MP4 whose index comes first (``+faststart``, so the player starts
before the whole file arrives), scaled to fit 1920 × 1080 with its display
aspect kept. Where the H.264 encoder is missing it makes VP9/Opus WebM instead.

Encoding costs seconds per second of video, so it runs in the background job
within :func:`proxy_budget` (``assets.budget.run_within``: CPU time and a
wall clock in proportion to the duration, the memory budget of the settings).
The original is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from assets.budget import Budget
from assets.errors import DAMAGED, InvalidFile
from assets.media import _audio_stream, _video_stream, open_av
from assets.settings import IngestSettings
from assets.sniff.broadcast import BROADCAST_MIMES
from assets.sniff.sniffed import Sniffed

MAX_WIDTH, MAX_HEIGHT = 1920, 1080
#: Video codecs every current browser plays inside MP4 or WebM.
BROWSER_CODECS = frozenset({"h264", "vp8", "vp9", "av1"})
#: Containers browsers open (QuickTime holding H.264 plays as MP4 does).
BROWSER_CONTAINERS = frozenset(
    {"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/3gpp"}
)
#: Seconds of CPU time a second of video may take to encode, and a floor for short clips.
CPU_PER_SECOND = 4.0
CPU_FLOOR = 60.0


def proxy_needed(sniffed: Sniffed, codec: str | None) -> bool:
    """Whether a video needs a web proxy: a broadcast container, or a codec browsers lack."""
    if sniffed.kind != "video" or not codec:
        return False
    if sniffed.mime in BROADCAST_MIMES or sniffed.mime not in BROWSER_CONTAINERS:
        return True
    return codec not in BROWSER_CODECS


def needs_proxy(sniffed: Sniffed, metadata: dict[str, Any]) -> bool:
    """:func:`proxy_needed` for a probed file's metadata (its ``video`` group)."""
    video = metadata.get("video") or {}
    return proxy_needed(sniffed, video.get("codec"))


def proxy_budget(duration: float | None, base: Budget) -> Budget:
    """The budget for encoding ``duration`` seconds: CPU and wall clock in proportion."""
    cpu = CPU_FLOOR + CPU_PER_SECOND * max(duration or 0.0, 0.0)
    return replace(base, cpu_seconds=cpu, wall_seconds=2 * cpu)


@dataclass(frozen=True)
class Proxy:
    """What was written: its type, size in pixels and bytes."""

    mime: str
    ext: str
    width: int
    height: int
    size: int


def encoder() -> tuple[str, str, str, str]:
    """(container, video codec, audio codec, extension): H.264/AAC MP4, else VP9/Opus WebM."""
    try:
        av.codec.Codec("libx264", "w")
    except av.FFmpegError:
        return "webm", "libvpx-vp9", "libopus", "webm"
    return "mp4", "libx264", "aac", "mp4"


def fit(width: int, height: int, sar: Fraction | None) -> tuple[int, int]:
    """Even output size within 1920 × 1080 for a frame shown at its sample aspect ratio."""
    shown = width * float(sar) if sar and sar > 0 else float(width)
    scale = min(1.0, MAX_WIDTH / shown, MAX_HEIGHT / height)
    return max(2, round(shown * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def make_proxy(path: Path, sniffed: Sniffed, settings: IngestSettings, out_path: Path) -> Proxy:
    """Encode the web proxy of the video at ``path`` into ``out_path`` (see module doc)."""
    fmt, vcodec, acodec, ext = encoder()
    with open_av(path, sniffed) as inp:
        vin = _video_stream(inp)
        if vin is None:
            raise InvalidFile(DAMAGED, reason="no_video")
        ctx = vin.codec_context
        if ctx.width * ctx.height > settings.max_video_pixels:
            raise InvalidFile(DAMAGED, reason="video_size")
        ain = _audio_stream(inp)
        width, height = fit(ctx.width, ctx.height, ctx.sample_aspect_ratio)
        rate = vin.average_rate or vin.guessed_rate or Fraction(25)
        options = {"movflags": "+faststart"} if fmt == "mp4" else {}
        with av.open(str(out_path), "w", format=fmt, options=options) as out:
            vout: Any = out.add_stream(vcodec, rate=rate)  # codec chosen at run time
            vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
            vout.options = (
                {"preset": "veryfast", "crf": "23", "threads": "2"}
                if vcodec == "libx264"
                else {"crf": "33", "b": "0", "deadline": "realtime", "cpu-used": "8"}
            )
            aout: Any = out.add_stream(acodec, rate=48000, layout="stereo") if ain else None
            if aout is not None:
                aout.bit_rate = 128_000
            resampler = av.AudioResampler(
                format=_sample_format(acodec), layout="stereo", rate=48000
            )
            frames = samples = 0
            streams = [s for s in (vin, ain) if s is not None]
            for packet in inp.demux(*streams):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        scaled = frame.reformat(width=width, height=height, format="yuv420p")
                        scaled.pts, scaled.time_base = frames, 1 / Fraction(rate)
                        frames += 1
                        out.mux(vout.encode(scaled))
                    elif aout is not None and isinstance(frame, av.AudioFrame):
                        frame.pts = None
                        for chunk in resampler.resample(frame):
                            chunk.pts, samples = samples, samples + chunk.samples
                            out.mux(aout.encode(chunk))
            if frames == 0:
                raise InvalidFile(DAMAGED, reason="no_frame")
            out.mux(vout.encode())
            if aout is not None:
                for chunk in resampler.resample(None):
                    chunk.pts, samples = samples, samples + chunk.samples
                    out.mux(aout.encode(chunk))
                out.mux(aout.encode())
    mime = "video/mp4" if fmt == "mp4" else "video/webm"
    return Proxy(mime, ext, width, height, out_path.stat().st_size)


def _sample_format(codec: str) -> str:
    return "fltp" if codec == "aac" else "flt"
