"""Broadcast and legacy video: sniffed, probed (codec, rate, timecode, channels), proxied."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from assets.budget import Budget, BudgetExceeded, run_within
from assets.errors import InvalidFile, UnsupportedMediaType
from assets.ingest import prepare
from assets.media import reformatter
from assets.metadata import extract
from assets.proxy import fit, make_proxy, needs_proxy, proxy_budget
from assets.renditions import render
from assets.settings import IngestSettings
from assets.sniff import MOV, MP4, check_extension, sniff
from assets.sniff.broadcast import AVI, MPEG_PS, MPEG_TS, MXF
from tests.assets.media_factory import broadcast as bf
from tests.assets.media_factory import make_mp4

SETTINGS = IngestSettings(budget=Budget(enabled=False))


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("broadcast")
    made = {
        "mxf": bf.make_mxf(),
        "prores": bf.make_prores_mov(),
        "dnxhd": bf.make_dnxhd_mov(seconds=0.4),
        "avi": bf.make_avi(seconds=0.4),
        "ts": bf.make_mpeg_ts(seconds=0.4),
        "mpg": bf.make_mpeg_ps(seconds=0.4),
    }
    out = {}
    for name, data in made.items():
        out[name] = folder / name
        out[name].write_bytes(data)
    return out


@pytest.mark.parametrize(
    ("name", "expected", "filename"),
    [
        ("mxf", MXF, "clip.mxf"),
        ("prores", MOV, "master.mov"),
        ("dnxhd", MOV, "master.mov"),
        ("avi", AVI, "archivo.avi"),
        ("ts", MPEG_TS, "emision.ts"),
        ("mpg", MPEG_PS, "viejo.mpg"),
    ],
)
def test_sniffed_from_the_bytes_and_named_freely(clips, name, expected, filename):
    assert sniff(clips[name].read_bytes()[:4096], "x") == expected
    check_extension(expected, filename)


def test_an_mxf_named_mp4_is_refused(clips):
    with pytest.raises(UnsupportedMediaType):
        check_extension(MXF, "clip.mp4")


def test_an_m2ts_with_192_byte_packets_is_a_transport_stream(clips):
    packets = clips["ts"].read_bytes()
    m2ts = b"".join(b"\0\0\0\0" + packets[i : i + 188] for i in range(0, 188 * 8, 188))
    assert sniff(m2ts) == MPEG_TS


def test_mxf_metadata_codec_rate_duration_timecode_channels(clips):
    info = extract(clips["mxf"], MXF, SETTINGS)
    video, audio = info.metadata["video"], info.metadata["audio"]
    assert (video["codec"], video["fps"], video["timecode"]) == ("mpeg2video", 25.0, "10:00:00:00")
    assert video["web_playable"] is False
    assert (audio["codec"], audio["channels"], audio["sample_rate"]) == ("pcm_s16le", 2, 48000)
    assert info.duration == pytest.approx(1.0, abs=0.05)
    assert (info.width, info.height) == (320, 240)


def test_prores_timecode_from_its_track(clips):
    video = extract(clips["prores"], MOV, SETTINGS).metadata["video"]
    assert (video["codec"], video["timecode"], video["web_playable"]) == (
        "prores",
        "01:00:00:00",
        False,
    )


def test_which_videos_need_a_proxy(clips):
    for name, sniffed in (("mxf", MXF), ("prores", MOV), ("dnxhd", MOV), ("avi", AVI)):
        assert needs_proxy(sniffed, extract(clips[name], sniffed, SETTINGS).metadata)
    h264 = clips["mxf"].parent / "h264.mp4"
    h264.write_bytes(make_mp4(0.4, 64, 48))
    metadata = extract(h264, MP4, SETTINGS).metadata
    assert not needs_proxy(MP4, metadata) and "web_playable" not in metadata["video"]


@pytest.mark.parametrize("name", ["mxf", "prores", "dnxhd", "avi", "ts", "mpg"])
def test_poster_frame_of_each(clips, name):
    sniffed = sniff(clips[name].read_bytes()[:4096])
    done = render(clips[name], sniffed, "max-160|format-png", SETTINGS)
    assert (done.width, done.height) == (160, 120)


@pytest.mark.parametrize("name", ["mxf", "prores"])
def test_proxy_is_h264_aac_mp4_of_the_same_length(clips, name, tmp_path):
    sniffed = sniff(clips[name].read_bytes()[:4096])
    out = tmp_path / "proxy.mp4"
    made = make_proxy(clips[name], sniffed, SETTINGS, out)
    assert (made.mime, made.width, made.height, made.size) == (
        "video/mp4",
        320,
        240,
        out.stat().st_size,
    )
    with av.open(str(out)) as c:
        kinds = {s.type: s.codec_context.name for s in c.streams}
        assert kinds == {"video": "h264", "audio": "aac"}
        assert c.duration / 1e6 == pytest.approx(1.0, abs=0.1)
    # The index comes first: the player starts before the whole file arrives.
    head = out.read_bytes()[:4096]
    assert head.find(b"moov") < head.find(b"mdat") or b"mdat" not in head


def test_proxy_fits_1080p_with_the_display_aspect():
    assert fit(3840, 2160, None) == (1920, 1080)
    assert fit(1440, 1080, Fraction(4, 3)) == (1920, 1080)  # HDV: anamorphic 16:9
    assert fit(720, 576, Fraction(16, 15)) == (768, 576)  # PAL 4:3
    assert fit(320, 240, None) == (320, 240)


def test_proxy_budget_grows_with_the_duration():
    short, hour = proxy_budget(2, Budget()), proxy_budget(3600, Budget())
    assert short.cpu_seconds >= 60 and hour.cpu_seconds > 3600
    assert hour.wall_seconds > hour.cpu_seconds


def test_proxy_past_its_budget_is_too_costly(clips, tmp_path):
    tight = Budget(cpu_seconds=0.01, wall_seconds=0.05)
    with pytest.raises(BudgetExceeded):
        run_within(tight, make_proxy, clips["prores"], MOV, SETTINGS, tmp_path / "p.mp4")


@pytest.mark.parametrize("name", ["mxf", "avi"])
def test_truncated_broadcast_video_is_refused(clips, name):
    import io

    data = clips[name].read_bytes()
    with pytest.raises(InvalidFile):
        prepare(io.BytesIO(data[:600]), f"corto.{name}", IngestSettings())


def _comb(frame: av.VideoFrame) -> float:
    """How much neighbouring lines (of opposite fields) differ, against lines of one field."""
    y = reformatter().reformat(frame, format="gray").to_ndarray().astype(np.float64)
    across = np.abs(y[0:-2:2] - y[1:-1:2]).mean()
    within = np.abs(y[0:-2:2] - y[2::2]).mean() + 1e-6
    return float(across / within)


def _middle_frame(path: Path) -> av.VideoFrame:
    with av.open(str(path)) as c:
        frames = list(c.decode(c.streams.video[0]))
    return frames[len(frames) // 2]


def test_an_interlaced_clip_is_deinterlaced_and_a_progressive_one_is_not(clips, tmp_path):
    source = tmp_path / "entrevista.mxf"
    source.write_bytes(bf.make_interlaced_mxf())
    sniffed = sniff(source.read_bytes()[:4096])
    assert sniffed == MXF
    made = make_proxy(source, sniffed, SETTINGS, tmp_path / "proxy.mp4")
    assert made.deinterlaced is True
    # The moving bar's two fields are 24 pixels apart: in the original neighbouring lines
    # differ far more than lines of one field (combing); yadif draws each frame from one
    # field, and the comb is gone.
    combed = _comb(_middle_frame(source))
    assert combed > 2.0
    assert _comb(_middle_frame(tmp_path / "proxy.mp4")) < combed / 2
    progressive = make_proxy(clips["mxf"], MXF, SETTINGS, tmp_path / "p.mp4")
    assert progressive.deinterlaced is False


def _tones(path: Path) -> list[dict[int, float]]:
    """For each channel of the proxy's sound, the strength of 440 Hz and of 1000 Hz."""
    with av.open(str(path)) as c:
        assert len(c.streams.audio) == 1  # browsers play one track: every track is in it
        samples = np.concatenate([f.to_ndarray() for f in c.decode(c.streams.audio[0])], axis=1)
    spectrum = np.abs(np.fft.rfft(samples, axis=1))
    freqs = np.fft.rfftfreq(samples.shape[1], 1 / 48000)
    return [{hz: float(ch[np.abs(freqs - hz) < 15].max()) for hz in (440, 1000)} for ch in spectrum]


def test_two_mono_tracks_become_left_and_right(tmp_path):
    source = tmp_path / "camara.mxf"
    source.write_bytes(bf.make_two_tracks("mxf", layout="mono"))
    made = make_proxy(source, MXF, SETTINGS, tmp_path / "proxy.mp4")
    assert made.audio_tracks == 2
    left, right = _tones(tmp_path / "proxy.mp4")
    assert left[440] > 10 * left[1000]  # the first track's tone, on the left
    assert right[1000] > 10 * right[440]  # the second's, on the right


def test_two_stereo_tracks_are_both_heard(tmp_path):
    source = tmp_path / "dos-idiomas.mov"
    source.write_bytes(bf.make_two_tracks("mov", layout="stereo"))
    made = make_proxy(source, MOV, SETTINGS, tmp_path / "proxy.mp4")
    assert made.audio_tracks == 2
    for channel in _tones(tmp_path / "proxy.mp4"):
        # Mixed at equal weight: both tones, of about the same strength, in each channel.
        assert 0.5 < channel[440] / channel[1000] < 2.0
