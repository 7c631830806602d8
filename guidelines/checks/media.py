"""Video and audio checks: frame rate, duration, codec, sample rate and loudness.

Stream facts come from ``assets.media.probe`` (one PyAV open); loudness
decodes the whole first audio track through :mod:`guidelines.loudness`
(ITU-R BS.1770-4), so it runs only when a rule asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidelines import fmt
from guidelines.piece import Piece
from guidelines.registry import (
    Context,
    Outcome,
    Param,
    check,
    choice,
    lower_list,
    number,
    positive,
    share,
    skipped,
    verdict,
)

CODEC_NAMES = {
    "h264": "H.264",
    "hevc": "H.265 (HEVC)",
    "vp8": "VP8",
    "vp9": "VP9",
    "av1": "AV1",
    "prores": "ProRes",
    "mpeg4": "MPEG-4 Parte 2",
    "mpeg2video": "MPEG-2",
    "theora": "Theora",
    "aac": "AAC",
    "mp3": "MP3",
    "opus": "Opus",
    "vorbis": "Vorbis",
    "flac": "FLAC",
    "pcm_s16le": "PCM 16 bits",
    "pcm_s24le": "PCM 24 bits",
    "pcm_f32le": "PCM 32 bits",
}
# FFmpeg names decoders differently from how people name formats.
_ALIASES = {
    "h265": "hevc",
    "x264": "h264",
    "avc": "h264",
    "libopus": "opus",
    "pcm": "pcm_s16le",
    "mp3float": "mp3",
    "libdav1d": "av1",
    "libvpx": "vp8",
    "libvpx-vp9": "vp9",
}


def _codec_key(name: str | None) -> str | None:
    if name is None:
        return None
    return _ALIASES.get(name.lower(), name.lower())


def _codec_name(name: str | None) -> str:
    key = _codec_key(name)
    return CODEC_NAMES.get(key or "", (name or "desconocido").upper())


def _fps_list(value: Any) -> list[float | int]:
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueError("must be a list of frame rates such as [25, 30]")
    return [positive(v) for v in items]


@check(
    "frame_rate",
    title="Cuadros por segundo",
    applies_to=("video",),
    params={"allowed": Param(_fps_list, required=True), "tolerance": Param(share, default=0.01)},
    ok="El video tiene {measured}, como se pide.",
)
def frame_rate(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """One of ``allowed`` frame rates, within ``tolerance`` (29,97 counts as 30 at 1 %)."""
    video = piece.av.video or {}
    fps = video.get("fps")
    if not fps:
        return skipped(
            "No se pudo conocer la cantidad de cuadros por segundo del video.", code="no_frame_rate"
        )
    ok = any(abs(fps / a - 1.0) <= params["tolerance"] for a in params["allowed"])
    values = {
        "measured": f"{fmt.trim(fps, 3)} cuadros por segundo",
        "expected": fmt.word_list([fmt.trim(a, 3) for a in params["allowed"]], "o")
        + " cuadros por segundo",
    }
    return verdict(ok, values, {"measured": fps, "allowed": params["allowed"]})


@check(
    "duration",
    title="Duración",
    applies_to=("video", "audio"),
    params={"min_seconds": Param(positive), "max_seconds": Param(positive)},
    ok="Dura {measured}, dentro de lo pedido ({expected}).",
)
def duration(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Between ``min_seconds`` and ``max_seconds``."""
    seconds = piece.av.duration
    if seconds is None:
        return skipped("No se pudo conocer la duración del archivo.", code="no_duration")
    low, high = params["min_seconds"], params["max_seconds"]
    parts = []
    if low:
        parts.append(f"al menos {fmt.seconds(low)}")
    if high:
        parts.append(f"como máximo {fmt.seconds(high)}")
    ok = (not low or seconds >= low - 0.05) and (not high or seconds <= high + 0.05)
    values = {"measured": fmt.seconds(seconds), "expected": " y ".join(parts) or "cualquiera"}
    details = {"measured": round(seconds, 3), "min_seconds": low, "max_seconds": high}
    return verdict(ok, values, details)


@check(
    "codec",
    title="Códec",
    applies_to=("video", "audio"),
    params={
        "allowed": Param(lower_list, required=True),
        "stream": Param(choice("video", "audio"), default="video"),
    },
    ok="El códec es {measured}, como se pide.",
)
def codec(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The codec of the video stream (or, with ``stream = "audio"``, of the audio stream)."""
    stream = "audio" if piece.kind == "audio" else params["stream"]
    info = getattr(piece.av, stream) or {}
    name = info.get("codec")
    if name is None:
        return skipped(
            "El archivo no tiene pista de " + ("audio." if stream == "audio" else "video."),
            code="no_audio" if stream == "audio" else "no_video",
        )
    allowed = [_codec_key(a) for a in params["allowed"]]
    values = {
        "measured": _codec_name(name),
        "expected": fmt.word_list([_codec_name(a) for a in params["allowed"]], "o"),
    }
    return verdict(_codec_key(name) in allowed, values, {"measured": name, "allowed": allowed})


def _rates(value: Any) -> list[int]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in items
    ):
        raise ValueError("must be a list of sample rates in Hz such as [44100, 48000]")
    return items


def _khz(rate: float) -> str:
    return f"{fmt.trim(rate / 1000, 2)} kHz"


@check(
    "sample_rate",
    title="Frecuencia de muestreo",
    applies_to=("audio", "video"),
    params={"allowed": Param(_rates, required=True)},
    ok="La frecuencia de muestreo es {measured}, como se pide.",
)
def sample_rate(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """The audio track's sample rate is one of ``allowed`` (Hz)."""
    audio = piece.av.audio or {}
    rate = audio.get("sample_rate")
    if not rate:
        return skipped("El archivo no tiene pista de audio.", code="no_audio")
    values = {
        "measured": _khz(rate),
        "expected": fmt.word_list([_khz(r) for r in params["allowed"]], "o"),
    }
    return verdict(
        rate in params["allowed"], values, {"measured": rate, "allowed": params["allowed"]}
    )


@check(
    "loudness",
    title="Volumen (sonoridad)",
    applies_to=("audio", "video"),
    params={"target": Param(number, required=True), "tolerance": Param(positive, default=2.0)},
    ok="El volumen es {measured}, dentro de lo pedido ({expected}).",
)
def loudness(piece: Piece, params: Mapping[str, Any], ctx: Context) -> Outcome:
    """Integrated loudness within ``target`` ± ``tolerance`` LUFS (EBU R 128: -23 ± 1)."""
    if piece.av.audio is None:
        return skipped("El archivo no tiene pista de audio.", code="no_audio")
    result = piece.loudness
    target, tolerance = params["target"], params["tolerance"]
    low, high = target - tolerance, target + tolerance
    expected = f"entre {fmt.num(low, 1)} y {fmt.num(high, 1)} LUFS"
    if result.integrated is None:
        silence = "silencio (no se puede medir)"
        if result.truncated:
            silence = f"silencio en los primeros {_span(result.duration)} (no se puede medir)"
        values = {"measured": silence, "expected": expected}
        return verdict(False, values, {"measured": None, "target": target, "tolerance": tolerance})
    lufs = result.integrated
    measured = f"{fmt.num(lufs, 1)} LUFS"
    if result.truncated:
        # A long track is measured over its beginning only (the work budget's bound).
        measured += f" (medido en los primeros {_span(result.duration)})"
    values = {"measured": measured, "expected": expected}
    details = {
        "measured_lufs": round(lufs, 2),
        "target": target,
        "tolerance": tolerance,
        "gated_blocks": result.blocks,
    }
    if result.truncated:
        details["measured_seconds"] = round(result.duration, 1)
    return verdict(low - 1e-9 <= lufs <= high + 1e-9, values, details)


def _span(seconds: float) -> str:
    """``5 minutos``, ``90 segundos``: how much of a track was measured."""
    if seconds >= 120 and round(seconds) % 60 == 0:
        return f"{round(seconds) // 60} minutos"
    return f"{fmt.num(seconds, 0)} segundos"
