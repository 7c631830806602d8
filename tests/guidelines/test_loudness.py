"""Integrated loudness after ITU-R BS.1770-4, against the recommendation and FFmpeg."""

from __future__ import annotations

import math
from pathlib import Path

import av
import numpy as np
import pytest

from guidelines.loudness import container_loudness, integrated_loudness, k_weighting, response
from tests.assets.media_factory import make_wav

RATE = 48000


def sine(freq: float, amplitude: float, seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return amplitude * np.sin(2 * math.pi * freq * t)


def test_k_weighting_at_48k_is_the_table_of_the_recommendation() -> None:
    (b1, a1), (b2, a2) = k_weighting(48000)
    assert b1 == pytest.approx([1.53512485958697, -2.69169618940638, 1.19839281085285], abs=1e-9)
    assert a1 == pytest.approx([1.0, -1.69065929318241, 0.73248077421585], abs=1e-9)
    assert b2 == pytest.approx([1.0, -2.0, 1.0])
    assert a2 == pytest.approx([1.0, -1.99004745483398, 0.99007225036621], abs=1e-9)


def test_full_scale_997_hz_sine_in_one_channel_reads_minus_3_01() -> None:
    # BS.1770-4, 2.1: "a 0 dB FS 997 Hz sine wave ... will equal -3.01 LKFS".
    result = integrated_loudness([sine(997, 1.0, 5)[None, :]], RATE, ["FC"])
    assert result.integrated == pytest.approx(-3.01, abs=0.01)


@pytest.mark.parametrize("rate", [44100, 48000, 96000])
def test_1_khz_sine_reads_its_level_at_any_rate(rate: int) -> None:
    # Two channels of a -20 dBFS sine: -20 - 3.01 (RMS) + 3.01 (two channels) + K gain at 1 kHz.
    k_gain = 20 * math.log10(abs(response(rate, np.array([1000.0]))[0])) - 0.691
    chunk = sine(1000, 0.1, 4, rate)
    result = integrated_loudness([np.vstack([chunk, chunk])], rate, ["FL", "FR"])
    assert result.integrated == pytest.approx(-20.0 + 0.691 + k_gain - 0.691, abs=0.01)
    assert result.duration == pytest.approx(4.0)


def test_chunking_does_not_change_the_result() -> None:
    signal = np.random.default_rng(5).normal(0, 0.05, (2, RATE * 3))
    whole = integrated_loudness([signal], RATE).integrated
    pieces = integrated_loudness(np.array_split(signal, 37, axis=1), RATE).integrated
    assert pieces == pytest.approx(whole, abs=1e-9)


def test_gating_ignores_silence() -> None:
    tone = sine(1000, 0.1, 3)
    with_silence = np.concatenate([tone, np.zeros(RATE * 6)])
    alone = integrated_loudness([tone[None, :]], RATE)
    followed = integrated_loudness([with_silence[None, :]], RATE)
    # 27 blocks of tone, then three 400 ms blocks that are 3/4, 1/2 and 1/4 tone
    # (above both gates); the 57 blocks of pure silence are gated out.
    assert (alone.blocks, followed.blocks) == (27, 30)
    expected = alone.integrated + 10 * math.log10((27 + 0.75 + 0.5 + 0.25) / 30)
    assert followed.integrated == pytest.approx(expected, abs=0.01)


def test_silence_and_too_short_audio_have_no_loudness() -> None:
    assert integrated_loudness([np.zeros((1, RATE * 2))], RATE).integrated is None
    assert integrated_loudness([sine(1000, 0.5, 0.3)[None, :]], RATE).integrated is None


def test_surround_channels_weigh_more_and_lfe_not_at_all() -> None:
    tone = sine(1000, 0.1, 2)
    front = integrated_loudness([tone[None, :]], RATE, ["FL"]).integrated
    surround = integrated_loudness([tone[None, :]], RATE, ["SL"]).integrated
    assert surround - front == pytest.approx(10 * math.log10(1.41), abs=0.01)
    assert integrated_loudness([tone[None, :]], RATE, ["LFE"]).integrated is None


def ffmpeg_ebur128(path: Path) -> float:
    """FFmpeg's own BS.1770 meter (the ebur128 filter) through PyAV, as the reference."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        graph = av.filter.Graph()
        source = graph.add_abuffer(template=stream)
        meter = graph.add("ebur128", "metadata=1")
        sink = graph.add("abuffersink")
        source.link_to(meter)
        meter.link_to(sink)
        graph.configure()
        last = None
        frames = [*container.decode(stream), None]
        for frame in frames:
            graph.push(frame)
            while True:
                try:
                    out = graph.pull()
                except (av.BlockingIOError, av.EOFError):
                    break
                last = out.metadata.get("lavfi.r128.I", last)
    assert last is not None
    return float(last)


def test_agrees_with_ffmpeg_ebur128_on_a_varying_signal(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    seconds = 12
    t = np.arange(RATE * seconds) / RATE
    # Noise whose level swings by 20 dB, plus a low tone: the gates and the filter both matter.
    signal = rng.normal(0, 0.1, t.size) * (0.55 + 0.45 * np.sin(2 * math.pi * t / 5))
    signal += 0.05 * np.sin(2 * math.pi * 60 * t)
    pcm = (np.clip(signal, -1, 1) * 32767).astype("<i2")
    path = tmp_path / "ruido.wav"
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())
    with av.open(str(path)) as container:
        ours = container_loudness(container).integrated
    assert ours == pytest.approx(ffmpeg_ebur128(path), abs=0.05)


def test_decodes_a_wav_file(tmp_path: Path) -> None:
    path = tmp_path / "tono.wav"
    path.write_bytes(make_wav(seconds=3, freq=1000, amplitude=0.1, channels=2))
    with av.open(str(path)) as container:
        result = container_loudness(container)
    assert result.channels == 2
    assert result.sample_rate == RATE
    assert result.integrated == pytest.approx(-20.0, abs=0.05)
