"""Video and audio files encoded with PyAV (and the standard library for WAV)."""

from __future__ import annotations

import io
import math
import wave
from collections.abc import Iterable

import av
import numpy as np

from tests.assets.media_factory.raster import Color


def video_codec() -> str:
    """H.264 when the PyAV wheel has libx264, MPEG-4 Part 2 otherwise."""
    try:
        av.codec.Codec("libx264", "w")
    except Exception:
        return "mpeg4"
    return "libx264"


def _frames(n: int, w: int, h: int, color: Color | None) -> Iterable[np.ndarray]:
    for i in range(n):
        if color is not None:
            yield np.full((h, w, 3), color, np.uint8)
        else:
            # A moving gradient so every frame differs (and posters can be told apart).
            x = np.linspace(0, 255, w, dtype=np.float32)[None, :]
            y = np.linspace(0, 255, h, dtype=np.float32)[:, None]
            r = (x + i * 8) % 256
            frame = np.stack(
                [
                    np.broadcast_to(r, (h, w)),
                    np.broadcast_to(y, (h, w)),
                    np.full((h, w), 128, np.float32),
                ],
                axis=-1,
            )
            yield frame.astype(np.uint8)


def _encode_video(
    fmt: str,
    codec: str,
    seconds: float,
    w: int,
    h: int,
    fps: int,
    *,
    audio: str | None = None,
    rotation: int | None = None,
    color: Color | None = None,
    metadata: dict[str, str] | None = None,
) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        for key, value in (metadata or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast"}
        if rstream := rotation:
            stream.set_display_rotation(rstream)
        astream = out.add_stream(audio, rate=48000, layout="stereo") if audio else None
        for i, arr in enumerate(_frames(max(1, round(seconds * fps)), w, h, color)):
            frame = av.VideoFrame.from_ndarray(arr, format="rgb24")
            frame.pts = i
            out.mux(stream.encode(frame))
        out.mux(stream.encode())
        if astream is not None:
            _encode_tone(out, astream, seconds, 440, 0.3, 48000)
    return buf.getvalue()


def make_mp4(
    seconds: float = 1.0,
    w: int = 320,
    h: int = 240,
    fps: int = 25,
    *,
    audio: bool = False,
    rotation: int | None = None,
    color: Color | None = None,
    codec: str | None = None,
    metadata: dict[str, str] | None = None,
) -> bytes:
    """An MP4 (H.264 if available), optionally with AAC audio and a display rotation."""
    return _encode_video(
        "mp4",
        codec or video_codec(),
        seconds,
        w,
        h,
        fps,
        audio="aac" if audio else None,
        rotation=rotation,
        color=color,
        metadata=metadata,
    )


def make_mov(seconds: float = 1.0, w: int = 320, h: int = 240, fps: int = 25) -> bytes:
    """A QuickTime (.mov) file."""
    return _encode_video("mov", video_codec(), seconds, w, h, fps)


def make_webm(
    seconds: float = 1.0, w: int = 320, h: int = 240, fps: int = 25, *, audio: bool = False
) -> bytes:
    """A WebM with VP8 video (and Opus audio when asked)."""
    return _encode_video("webm", "libvpx", seconds, w, h, fps, audio="libopus" if audio else None)


def _tone(seconds: float, freq: float, amplitude: float, rate: int) -> np.ndarray:
    t = np.arange(round(seconds * rate), dtype=np.float64) / rate
    return (amplitude * np.sin(2 * math.pi * freq * t)).astype(np.float32)


def _encode_tone(
    out: av.container.OutputContainer,
    stream: av.audio.stream.AudioStream,
    seconds: float,
    freq: float,
    amplitude: float,
    rate: int,
) -> None:
    samples = _tone(seconds, freq, amplitude, rate)
    channels = stream.layout.nb_channels
    fmt = stream.format.name
    size = stream.frame_size or 1024
    for start in range(0, len(samples), size):
        chunk = samples[start : start + size]
        if fmt.endswith("p"):
            arr = np.repeat(chunk[None, :], channels, axis=0)
        else:
            arr = np.repeat(chunk, channels)[None, :]
        if fmt.startswith("s16"):
            arr = (arr * 32767).astype(np.int16)
        elif fmt.startswith("s32"):
            arr = (arr.astype(np.float64) * 2147483647).astype(np.int32)
        elif fmt.startswith("dbl"):
            arr = arr.astype(np.float64)
        arr = np.ascontiguousarray(arr)
        frame = av.AudioFrame.from_ndarray(arr, format=fmt, layout=stream.layout)
        frame.sample_rate = rate
        frame.pts = start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def _encode_audio(
    fmt: str,
    codec: str,
    seconds: float,
    freq: float,
    amplitude: float,
    rate: int,
    *,
    layout: str = "stereo",
    tags: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        for key, value in (tags or {}).items():
            out.metadata[key] = value
        stream = out.add_stream(codec, rate=rate, layout=layout)
        if options:
            stream.options = options
        _encode_tone(out, stream, seconds, freq, amplitude, rate)
    return buf.getvalue()


def make_wav(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 48000,
    *,
    channels: int = 1,
) -> bytes:
    """A 16-bit PCM WAV sine tone (written with the standard library)."""
    samples = (_tone(seconds, freq, amplitude, rate) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(samples, channels).tobytes())
    return buf.getvalue()


def make_mp3(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 44100,
    *,
    tags: dict[str, str] | None = None,
) -> bytes:
    """An MP3 (LAME) sine tone, with ID3 tags when given."""
    return _encode_audio("mp3", "libmp3lame", seconds, freq, amplitude, rate, tags=tags)


def make_ogg(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 48000,
    *,
    codec: str = "libopus",
) -> bytes:
    """An Ogg audio file (Opus by default; ``codec="vorbis"`` for Vorbis)."""
    options = {"strict": "experimental"} if codec == "vorbis" else None
    return _encode_audio("ogg", codec, seconds, freq, amplitude, rate, options=options)


def make_m4a(
    seconds: float = 1.0,
    freq: float = 440,
    amplitude: float = 0.5,
    rate: int = 48000,
    *,
    container: str = "ipod",
) -> bytes:
    """AAC audio in an M4A (``ftyp M4A``) file; ``container="mp4"`` writes ``ftyp isom``."""
    return _encode_audio(container, "aac", seconds, freq, amplitude, rate)


def make_flac(
    seconds: float = 1.0, freq: float = 440, amplitude: float = 0.5, rate: int = 48000
) -> bytes:
    return _encode_audio("flac", "flac", seconds, freq, amplitude, rate, layout="mono")
