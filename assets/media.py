"""Opening media files safely: images through Pillow, video and audio through PyAV.

Every decoder runs on hostile input, so this module is the boundary where
their failures become domain errors: a corrupt file raises ``InvalidFile``
with a plain message, never a raw Pillow or FFmpeg exception, and sizes are
checked against ``IngestSettings`` before pixels are allocated. Metadata and
renditions open files only through here.

Images are opened with only the Pillow plugin matching the sniffed type.
Video and audio are opened with the FFmpeg demuxer matching the sniffed type
and only the ``file`` protocol, so a crafted file cannot make FFmpeg read
another file or a URL.
"""

from __future__ import annotations

import contextlib
import struct
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
from PIL import Image

from assets.budget import check_decode
from assets.errors import DAMAGED, N_, BrandHubError, InvalidFile
from assets.settings import IngestSettings
from assets.sniff import Sniffed
from assets.sniff.broadcast import BROADCAST_DEMUXERS

if TYPE_CHECKING:
    import av.container

# PyAV is imported by the functions that open video or audio, not here: its FFmpeg
# libraries add about 20 MiB to every process that imports it, and a web process
# opens video only in the children of ``assets.budget``, which import it themselves
# (about 0.1 s of processor time and 100 MiB of address space of the child's budget;
# a probe of a video fits the anonymous budget, 4 s and 384 MiB, many times over).

TOO_LARGE = N_("The image is too large to process.")
VIDEO_TOO_LARGE = N_("The video is too long or too large to process.")

PIL_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "image/tiff": "TIFF",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
    "image/avif": "AVIF",
    "image/vnd.adobe.photoshop": "PSD",  # the composite (PSB through psd-tools)
}
AV_FORMATS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "video/3gpp": "mov",
    "audio/mp4": "mov",
    "video/webm": "matroska",
    "audio/webm": "matroska",
    "audio/x-matroska": "matroska",
    "video/x-matroska": "matroska",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/flac": "flac",
    **BROADCAST_DEMUXERS,
}

# What hostile input makes decoders raise. Programming errors (AttributeError,
# NameError, AssertionError) are deliberately not here: they must surface.
# Warning is here because decoders warn about corrupt data (Pillow's
# "Truncated File Read") and a deployment may turn warnings into errors.
# PyAV's errors (``av.FFmpegError``) are not in the tuple, which would import PyAV:
# ``decoder_errors`` turns them into ``InvalidFile`` too (``is_ffmpeg_error``).
DECODER_ERRORS: tuple[type[BaseException], ...] = (
    Warning,
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    OverflowError,
    struct.error,
)


def is_ffmpeg_error(exc: BaseException) -> bool:
    """Whether ``exc`` is PyAV's error; when PyAV was never imported, nothing raised it."""
    av = sys.modules.get("av")
    return av is not None and isinstance(exc, av.FFmpegError)


_heif_registered = False


def _register_heif() -> None:
    global _heif_registered
    if not _heif_registered:
        import pillow_heif

        pillow_heif.register_heif_opener()
        _heif_registered = True


@contextlib.contextmanager
def decoder_errors() -> Iterator[None]:
    """Turn what a decoder raises on bad input into ``InvalidFile``."""
    try:
        yield
    except BrandHubError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as exc:
        raise InvalidFile(TOO_LARGE, error=type(exc).__name__) from exc
    except DECODER_ERRORS as exc:
        raise InvalidFile(DAMAGED, error=f"{type(exc).__name__}: {exc}"[:200]) from exc
    except Exception as exc:
        if not is_ffmpeg_error(exc):
            raise
        raise InvalidFile(DAMAGED, error=f"{type(exc).__name__}: {exc}"[:200]) from exc


def check_pixels(width: int, height: int, settings: IngestSettings) -> None:
    if width <= 0 or height <= 0:
        raise InvalidFile(DAMAGED, width=width, height=height)
    if width * height > settings.max_image_pixels:
        raise InvalidFile(TOO_LARGE, width=width, height=height, limit=settings.max_image_pixels)


def _open_image(source: Path | BinaryIO, sniffed: Sniffed, settings: IngestSettings) -> Image.Image:
    fmt = PIL_FORMATS.get(sniffed.mime)
    if fmt is None:
        raise ValueError(f"not a raster image type: {sniffed.mime}")
    # Pillow's own bomb check reads this global; set it from our settings so
    # the two limits agree instead of trusting whatever a library left there.
    Image.MAX_IMAGE_PIXELS = settings.max_image_pixels
    if fmt == "HEIF":
        _register_heif()
    if fmt == "PSD":
        return _open_photoshop(source, sniffed, settings)
    with decoder_errors(), warnings.catch_warnings():
        # A picture with a damaged EXIF block is still a picture: Pillow's warnings about
        # the block (its TIFF reader's) must not refuse it where warnings are errors.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.TiffImagePlugin")
        im = Image.open(source, formats=[fmt])
    try:
        check_pixels(im.width, im.height, settings)
    except BaseException:
        im.close()
        raise
    return im


def _open_photoshop(
    source: Path | BinaryIO, sniffed: Sniffed, settings: IngestSettings
) -> Image.Image:
    """A PSD's composite (lazily, by Pillow), or a PSB's (decoded, by psd-tools).

    The declared size is checked against the limits before either reads further.
    """
    from assets import psd

    _version, width, height, _depth, _mode = psd.header(source)
    check_pixels(width, height, settings)
    if sniffed.ext != "psb":
        with decoder_errors():
            im = Image.open(source, formats=["PSD"])
        return im
    check_decode(width, height, "RGBA", settings.budget)
    with decoder_errors():
        return psd.psb_composite(source)


@contextlib.contextmanager
def open_image(path: Path, sniffed: Sniffed, settings: IngestSettings) -> Iterator[Image.Image]:
    """A lazily decoded Pillow image, size-checked; closed when the block ends.

    Wrap later ``load()``/``convert()`` calls on it in ``decoder_errors()``:
    truncated data only shows when the pixels are decoded.
    """
    im = _open_image(path, sniffed, settings)
    try:
        yield im
    finally:
        im.close()


def load_image(
    path: Path,
    sniffed: Sniffed,
    settings: IngestSettings,
    *,
    draft: tuple[int, int] | None = None,
) -> Image.Image:
    """The decoded image (first frame of an animation), its file closed.

    ``draft`` lets JPEG decode at 1/2, 1/4 or 1/8 scale, never below that size.
    """
    # The file is ours, not Pillow's: closing it leaves the decoded pixels
    # alone, where Image.close() would free them (multi-frame formats keep
    # their file open after load for seeking).
    with path.open("rb") as fh:
        im = _open_image(fh, sniffed, settings)
        with decoder_errors():
            if draft and im.format == "JPEG":
                im.draft(im.mode, draft)
            # Refused before decoding what the work budget cannot hold (assets.budget).
            check_decode(im.width, im.height, im.mode, settings.budget)
            im.load()
        return im


# --- video and audio ---------------------------------------------------------


def reformatter() -> Any:
    """A frame reformatter of the caller's own, for ``reformatter().reformat(frame, ...)``.

    Never ``VideoFrame.reformat`` (nor ``to_image`` or ``to_ndarray`` of a frame that
    needs converting): from PyAV 18.1.1 those keep one reformatter per thread, whose
    swscale context runs slice threads. When a process forks (``assets.budget``),
    CPython frees the other threads' states in the child, inside ``os.fork``; freeing
    such a reformatter waits there for slice threads that exist only in the parent,
    and the child never starts. A reformatter held by the caller is freed with it.
    """
    from av.video.reformatter import VideoReformatter

    return VideoReformatter()


@contextlib.contextmanager
def open_av(path: Path, sniffed: Sniffed) -> Iterator[av.container.InputContainer]:
    """A PyAV input container with the sniffed demuxer and the file protocol only."""
    import av

    fmt = AV_FORMATS.get(sniffed.mime)
    if fmt is None:
        raise ValueError(f"not a video or audio type: {sniffed.mime}")
    with decoder_errors():
        container = av.open(
            str(path),
            format=fmt,
            metadata_errors="replace",
            container_options={"protocol_whitelist": "file"},
        )
    try:
        with decoder_errors():
            yield container
    finally:
        container.close()


@dataclass
class AvInfo:
    """What a video or audio file holds, as plain values."""

    duration: float | None
    format: str
    bit_rate: int | None
    video: dict[str, Any] | None = None
    audio: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)


def _video_stream(container: av.container.InputContainer) -> Any | None:
    import av

    for stream in container.streams.video:
        # Cover art in audio files is a one-frame "video" stream: not a video.
        if stream.disposition & av.stream.Disposition.attached_pic:
            continue
        if stream.codec_context is None or not stream.codec_context.width:
            raise InvalidFile(DAMAGED, reason="video_stream")
        return stream
    return None


def _audio_stream(container: av.container.InputContainer) -> Any | None:
    # A stream whose codec FFmpeg cannot identify has no codec context.
    return next((s for s in container.streams.audio if s.codec_context is not None), None)


def _duration(container: av.container.InputContainer, stream: Any | None) -> float | None:
    import av

    if container.duration and container.duration > 0:
        return container.duration / av.time_base
    if stream is not None and stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    return None


def probe(path: Path, sniffed: Sniffed, settings: IngestSettings) -> AvInfo:
    """Duration, streams and tags; enforces the video length and size limits.

    The first video frame is decoded to learn the display rotation phones
    record (width and height are reported as displayed).
    """
    with open_av(path, sniffed) as container:
        vstream = _video_stream(container)
        astream = _audio_stream(container)
        if vstream is None and astream is None:
            raise InvalidFile(DAMAGED, reason="no_streams")
        duration = _duration(container, vstream or astream)
        info = AvInfo(
            duration=duration,
            format=container.format.name,
            bit_rate=container.bit_rate or None,
            tags={str(k): str(v) for k, v in container.metadata.items()},
        )
        if vstream is not None:
            ctx = vstream.codec_context
            width, height = ctx.width, ctx.height
            if width * height > settings.max_video_pixels:
                raise InvalidFile(
                    VIDEO_TOO_LARGE, width=width, height=height, limit=settings.max_video_pixels
                )
            if duration is not None and duration > settings.max_video_seconds:
                raise InvalidFile(
                    VIDEO_TOO_LARGE, seconds=duration, limit=settings.max_video_seconds
                )
            rate = vstream.average_rate or vstream.guessed_rate
            rotation = _first_frame_rotation(container, vstream)
            if rotation in (90, 270):
                width, height = height, width
            info.video = {
                "timecode": _timecode(container),
                "codec": ctx.codec.canonical_name,
                "width": width,
                "height": height,
                "fps": round(float(rate), 3) if rate else None,
                "bit_rate": vstream.bit_rate or ctx.bit_rate or None,
                "rotation": rotation,
                "frames": vstream.frames or None,
            }
        if astream is not None:
            actx = astream.codec_context
            info.audio = {
                "codec": actx.codec.canonical_name,
                "sample_rate": actx.sample_rate or None,
                "channels": actx.channels or None,
                "bit_rate": astream.bit_rate or actx.bit_rate or None,
                # Broadcast files carry each channel as a track of its own (MXF: 4 or 8).
                "tracks": len(container.streams.audio),
            }
        return info


def _timecode(container: av.container.InputContainer) -> str | None:
    """The start timecode (``10:00:00:00``) from the container, a stream, or a tmcd track."""
    for tags in (container.metadata, *(s.metadata for s in container.streams)):
        value = tags.get("timecode")
        if value:
            return str(value)[:32]
    return None


def _first_frame_rotation(container: av.container.InputContainer, stream: Any) -> int:
    for frame in container.decode(stream):
        return round(frame.rotation or 0) % 360
    return 0


MAX_POSTER_FRAMES = 300


def poster_frame(path: Path, sniffed: Sniffed, settings: IngestSettings) -> Image.Image:
    """An RGB still of the video at about 1 s (or 10% of a short clip), as displayed."""
    import av

    with open_av(path, sniffed) as container:
        stream = _video_stream(container)
        if stream is None:
            raise InvalidFile(DAMAGED, reason="no_video")
        ctx = stream.codec_context
        if ctx.width * ctx.height > settings.max_video_pixels:
            raise InvalidFile(VIDEO_TOO_LARGE, width=ctx.width, height=ctx.height)
        duration = _duration(container, stream)
        target = min(1.0, duration * 0.1) if duration else 0.0
        frame = None
        if target > 0 and stream.time_base:
            try:
                container.seek(int(target / stream.time_base), stream=stream)
                frame = _frame_at(container, stream, target)
            except av.FFmpegError:
                frame = None
        if frame is None:
            container.seek(0)
            frame = _frame_at(container, stream, 0.0)
        if frame is None:
            raise InvalidFile(DAMAGED, reason="no_frame")
        # To RGB here, so that to_image has nothing to convert (see reformatter()).
        image: Image.Image = reformatter().reformat(frame, format="rgb24").to_image()
        rotation = round(frame.rotation or 0) % 360
    if rotation:
        # PyAV reports the counter-clockwise rotation to display; so does PIL.
        image = image.rotate(rotation, expand=True)
    return image


def _frame_at(container: av.container.InputContainer, stream: Any, target: float) -> Any | None:
    """The first decoded frame at or after ``target`` seconds (bounded work)."""
    last = None
    for count, frame in enumerate(container.decode(stream)):
        last = frame
        if frame.time is None or frame.time >= target - 1e-3 or count >= MAX_POSTER_FRAMES:
            break
    return last


WAVEFORM_RATE = 8000
WAVEFORM_SECONDS = 60.0


def audio_envelope(
    path: Path, sniffed: Sniffed, *, columns: int, seconds: float = WAVEFORM_SECONDS
) -> np.ndarray:
    """Peak amplitude (0..1) in ``columns`` slices of the first ``seconds`` of audio.

    Decoding is resampled to mono at 8 kHz and stops after ``seconds``, so the
    work is bounded whatever the length of the file.
    """
    import av

    limit = int(seconds * WAVEFORM_RATE)
    chunks: list[np.ndarray] = []
    got = 0
    with open_av(path, sniffed) as container:
        stream = _audio_stream(container)
        if stream is None:
            raise InvalidFile(DAMAGED, reason="no_audio")
        resampler = av.AudioResampler(format="flt", layout="mono", rate=WAVEFORM_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)
                chunks.append(samples)
                got += samples.size
            if got >= limit:
                break
    if not chunks:
        raise InvalidFile(DAMAGED, reason="no_audio_frames")
    samples = np.abs(np.concatenate(chunks)[:limit])
    samples = np.nan_to_num(samples, nan=0.0, posinf=1.0, neginf=1.0)
    # The drawing spans the decoded audio, so a 3 s clip fills the width too.
    edges = np.linspace(0, samples.size, columns + 1).astype(int)
    peaks = np.array(
        [samples[a:b].max() if b > a else 0.0 for a, b in zip(edges[:-1], edges[1:], strict=True)],
        dtype=np.float32,
    )
    return np.clip(peaks, 0.0, 1.0)
