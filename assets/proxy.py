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

Interlaced video (frames the decoder flags as interlaced, as MPEG-2 from a
broadcast camera is) goes through FFmpeg's ``yadif`` filter, one frame per
frame, before it is scaled, so the proxy shows no combing on movement;
progressive video does not. Every audio track goes into the proxy's one stereo
track, because browsers play only the first track of a file: two mono tracks
(a camera's two channels) become its left and right (``amerge``); any other
set of tracks is mixed at equal weight (``amix``, each track first made
stereo), so a second language or an interview microphone is heard, not
dropped. :class:`Proxy` says whether it deinterlaced and how many tracks it
carried.

Encoding costs seconds per second of video, so it runs in the background job
within :func:`proxy_budget` (``assets.budget.run_within``: CPU time and a
wall clock in proportion to the duration, the memory budget of the settings).
The original is never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assets.budget import Budget
from assets.errors import DAMAGED, InvalidFile
from assets.media import _video_stream, open_av, reformatter
from assets.settings import IngestSettings
from assets.sniff.broadcast import BROADCAST_MIMES
from assets.sniff.sniffed import Sniffed

if TYPE_CHECKING:
    import av

# PyAV is imported where a proxy is encoded (``assets.media`` says why).

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
    deinterlaced: bool = False
    audio_tracks: int = 0


def encoder() -> tuple[str, str, str, str]:
    """(container, video codec, audio codec, extension): H.264/AAC MP4, else VP9/Opus WebM."""
    import av

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
    import av

    fmt, vcodec, acodec, ext = encoder()
    with open_av(path, sniffed) as inp:
        vin = _video_stream(inp)
        if vin is None:
            raise InvalidFile(DAMAGED, reason="no_video")
        ctx = vin.codec_context
        if ctx.width * ctx.height > settings.max_video_pixels:
            raise InvalidFile(DAMAGED, reason="video_size")
        ains = [s for s in inp.streams.audio if s.codec_context is not None]
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
            aout: Any = out.add_stream(acodec, rate=48000, layout="stereo") if ains else None
            if aout is not None:
                aout.bit_rate = 128_000
            video = _Pictures(out, vout, width, height, rate)
            sound = _Sound(out, aout, acodec, ains) if aout is not None else None
            for packet in inp.demux(vin, *ains):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        video.add(frame)
                    elif sound is not None and isinstance(frame, av.AudioFrame):
                        sound.add(packet.stream.index, frame)
            video.finish()
            if video.frames == 0:
                raise InvalidFile(DAMAGED, reason="no_frame")
            if sound is not None:
                sound.finish()
    mime = "video/mp4" if fmt == "mp4" else "video/webm"
    return Proxy(mime, ext, width, height, out_path.stat().st_size, video.deinterlaced, len(ains))


class _Pictures:
    """Video frames on their way to the encoder: deinterlaced when flagged, then scaled."""

    def __init__(self, out: Any, stream: Any, width: int, height: int, rate: Fraction) -> None:
        self.out, self.stream = out, stream
        self.width, self.height, self.rate = width, height, rate
        self.frames = 0
        self.graph: Any = None
        self.scaler = reformatter()  # ours, not the thread's (see assets.media.reformatter)

    @property
    def deinterlaced(self) -> bool:
        return self.graph is not None

    def add(self, frame: av.VideoFrame) -> None:
        if self.graph is None and frame.interlaced_frame:
            self.graph = self._yadif(frame)
        if self.graph is None:
            self._encode(frame)
            return
        self.graph.push(frame)
        self._drain()

    def finish(self) -> None:
        if self.graph is not None:
            self.graph.push(None)
            self._drain()
        self.out.mux(self.stream.encode())

    def _yadif(self, frame: av.VideoFrame) -> Any:
        # deint=interlaced: frames flagged progressive (mixed material) pass through as they are.
        import av.filter

        graph = av.filter.Graph()
        source = graph.add_buffer(
            width=frame.width,
            height=frame.height,
            format=frame.format,
            time_base=frame.time_base or Fraction(1, 25),
        )
        yadif = graph.add("yadif", "mode=send_frame:parity=auto:deint=interlaced")
        graph.link_nodes(source, yadif, graph.add("buffersink")).configure()
        return graph

    def _drain(self) -> None:
        import av

        while True:
            try:
                frame = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            self._encode(frame)

    def _encode(self, frame: av.VideoFrame) -> None:
        scaled = self.scaler.reformat(frame, width=self.width, height=self.height, format="yuv420p")
        scaled.pts, scaled.time_base = self.frames, 1 / Fraction(self.rate)
        self.frames += 1
        self.out.mux(self.stream.encode(scaled))


class _Sound:
    """Every audio track into the proxy's one stereo track (see the module doc)."""

    def __init__(self, out: Any, stream: Any, codec: str, tracks: list[Any]) -> None:
        import av.filter

        self.out, self.stream = out, stream
        self.final = av.AudioResampler(format=_sample_format(codec), layout="stereo", rate=48000)
        self.samples = 0
        channels = [t.codec_context.channels for t in tracks]
        self.merge = len(tracks) == 2 and channels == [1, 1]
        layout = "mono" if self.merge else "stereo"
        # Each track first to float samples at 48 kHz in a layout the mixer is told of.
        self.inputs = {
            t.index: av.AudioResampler(format="fltp", layout=layout, rate=48000) for t in tracks
        }
        self.counts = dict.fromkeys(self.inputs, 0)
        self.graph: Any = None
        self.sources: dict[int, Any] = {}
        if len(tracks) > 1:
            self.graph = av.filter.Graph()
            mixer = self.graph.add(
                "amerge" if self.merge else "amix",
                "inputs=2" if self.merge else f"inputs={len(tracks)}:duration=longest",
            )
            for n, track in enumerate(tracks):
                source = self.graph.add_abuffer(
                    format="fltp", layout=layout, sample_rate=48000, time_base=Fraction(1, 48000)
                )
                source.link_to(mixer, 0, n)
                self.sources[track.index] = source
            mixer.link_to(self.graph.add("abuffersink"))
            self.graph.configure()

    def add(self, index: int, frame: av.AudioFrame) -> None:
        frame.pts = None
        for chunk in self.inputs[index].resample(frame):
            if self.graph is None:
                self._encode(chunk)
                continue
            chunk.pts, self.counts[index] = self.counts[index], self.counts[index] + chunk.samples
            self.sources[index].push(chunk)
        self._drain()

    def finish(self) -> None:
        for index, resampler in self.inputs.items():
            for chunk in resampler.resample(None):
                if self.graph is None:
                    self._encode(chunk)
                    continue
                chunk.pts = self.counts[index]
                self.counts[index] += chunk.samples
                self.sources[index].push(chunk)
        if self.graph is not None:
            for source in self.sources.values():
                source.push(None)
            self._drain()
        for chunk in self.final.resample(None):
            self._mux(chunk)
        self.out.mux(self.stream.encode())

    def _drain(self) -> None:
        import av

        if self.graph is None:
            return
        while True:
            try:
                mixed = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            self._encode(mixed)

    def _encode(self, frame: av.AudioFrame) -> None:
        frame.pts = None
        for chunk in self.final.resample(frame):
            self._mux(chunk)

    def _mux(self, chunk: av.AudioFrame) -> None:
        chunk.pts, self.samples = self.samples, self.samples + chunk.samples
        self.out.mux(self.stream.encode(chunk))


def _sample_format(codec: str) -> str:
    return "fltp" if codec == "aac" else "flt"
