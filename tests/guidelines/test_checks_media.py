"""Video and audio checks: frame rate, codec, duration, sample rate, loudness."""

from __future__ import annotations

import pytest

from tests.assets.media_factory import make_mp4, make_wav, video_codec


@pytest.fixture(scope="module")
def clip_24fps() -> bytes:
    return make_mp4(seconds=1, w=320, h=180, fps=24, audio=True)


def test_video_with_the_wrong_frame_rate_fails(run_rule, clip_24fps: bytes) -> None:
    wrong = run_rule(clip_24fps, "frame_rate", suffix=".mp4", category="video", allowed=[25, 30])
    assert wrong.status == "fail" and wrong.details["measured"] == pytest.approx(24)
    assert wrong.message == ("medido 24 cuadros por segundo; pedido 25 o 30 cuadros por segundo")
    right = run_rule(
        make_mp4(seconds=1, w=320, h=180, fps=25),
        "frame_rate",
        suffix=".mp4",
        category="video",
        allowed=[25, 30],
    )
    assert right.status == "pass"


def test_video_size_proportion_and_codec(run_rule, clip_24fps: bytes) -> None:
    size = run_rule(clip_24fps, "dimensions", category="video", min_width=1280)
    assert size.status == "fail" and size.details["measured"] == [320, 180]
    assert run_rule(clip_24fps, "aspect_ratio", category="video", ratios=["16:9"]).status == (
        "pass"
    )
    expected = "h264" if video_codec() == "libx264" else "mpeg4"
    codec = run_rule(clip_24fps, "codec", category="video", allowed=[expected])
    assert codec.status == "pass"
    assert run_rule(clip_24fps, "codec", category="video", allowed=["vp9"]).status == "fail"
    audio = run_rule(clip_24fps, "codec", category="video", allowed=["aac"], stream="audio")
    assert audio.status == "pass"


def test_duration(run_rule) -> None:
    wav = make_wav(seconds=3, freq=1000, amplitude=0.1)
    assert run_rule(wav, "duration", category="audio", min_seconds=2, max_seconds=4).status == (
        "pass"
    )
    long = run_rule(wav, "duration", category="audio", max_seconds=2)
    assert long.status == "fail" and long.message == "medido 3 s; pedido como máximo 2 s"


def test_sample_rate(run_rule) -> None:
    wav = make_wav(seconds=1, rate=22050)
    result = run_rule(wav, "sample_rate", category="audio", allowed=[44100, 48000])
    assert result.status == "fail"
    assert result.message == "medido 22,05 kHz; pedido 44,1 kHz o 48 kHz"


def test_quiet_wav_fails_a_minus_23_rule(run_rule) -> None:
    # -40 dBFS mono sine: about -43 LUFS, far below -23 ± 2.
    quiet = make_wav(seconds=4, freq=1000, amplitude=0.01)
    result = run_rule(quiet, "loudness", category="audio", target=-23, tolerance=2)
    assert result.status == "fail"
    assert result.details["measured_lufs"] == pytest.approx(-43.0, abs=0.1)
    assert result.message == "medido -43,0 LUFS; pedido entre -25,0 y -21,0 LUFS"


def test_wav_at_the_target_passes(run_rule) -> None:
    # Stereo -23 dBFS sine at 1 kHz: -23 LUFS (two channels add the 3 dB the RMS takes).
    level = 10 ** (-23 / 20)
    ok = make_wav(seconds=4, freq=1000, amplitude=level, channels=2)
    result = run_rule(ok, "loudness", category="audio", target=-23, tolerance=2)
    assert result.status == "pass" and abs(result.details["measured_lufs"] + 23) < 0.1


def test_silence_has_no_loudness(run_rule) -> None:
    silent = make_wav(seconds=2, amplitude=0.0)
    result = run_rule(silent, "loudness", category="audio", target=-23)
    assert result.status == "fail" and result.details["measured"] is None


def test_loudness_of_a_video_track_and_skip_without_audio(run_rule, clip_24fps: bytes) -> None:
    assert (
        run_rule(clip_24fps, "loudness", category="video", target=-14).details["measured_lufs"] < -5
    )
    silent_video = make_mp4(seconds=1, w=160, h=90, fps=25)
    result = run_rule(silent_video, "loudness", category="video", target=-14)
    assert result.status == "skip"
