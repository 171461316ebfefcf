"""Sample arithmetic of the announcements: PCM WAVs in any format read as mono 16-bit
clips at one rate, silence trimmed, clips joined, the chime synthesised.

Pure standard library; CPU work that the hub runs in its threadpool (``display.voice``).
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

RATE = 22050  # samples per second of every clip and announcement (espeak-ng's own rate)
TAIL_S = 0.06  # silence kept after each spoken word so the words do not run together


class WavError(wave.Error):
    """A WAV this module cannot read."""


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit samples at RATE."""

    samples: array

    @property
    def duration_s(self) -> float:
        return len(self.samples) / RATE


def read_wav(data: bytes | Path) -> Clip:
    """Any PCM WAV (8/16/24/32-bit, mono or stereo, any rate) as a mono 16-bit clip at RATE."""
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else open(data, "rb")  # noqa: SIM115
    with source, wave.open(source, "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    values = _decode(frames, width)
    if channels > 1:
        values = [sum(values[i:i + channels]) // channels for i in range(0, len(values), channels)]
    if rate != RATE:
        values = _resample(values, rate, RATE)
    return Clip(array("h", values))


def _decode(frames: bytes, width: int) -> list[int]:
    """PCM frames as signed 16-bit values."""
    if width == 2:
        samples = array("h")
        samples.frombytes(frames[: len(frames) // 2 * 2])
        if sys.byteorder == "big":
            samples.byteswap()
        return samples.tolist()
    if width == 1:  # unsigned 8-bit
        return [(b - 128) << 8 for b in frames]
    if width in (3, 4):
        return [int.from_bytes(frames[i:i + width], "little", signed=True) >> (8 * (width - 2))
                for i in range(0, len(frames) - width + 1, width)]
    raise WavError(f"unsupported WAV sample width: {width} bytes")


def _resample(values: list[int], src_rate: int, dst_rate: int) -> list[int]:
    """Linear interpolation; plenty for speech played over hall loudspeakers."""
    if not values:
        return []
    count = max(1, round(len(values) * dst_rate / src_rate))
    step = src_rate / dst_rate
    last = len(values) - 1
    out = []
    for i in range(count):
        pos = i * step
        j = int(pos)
        if j >= last:
            out.append(values[last])
            continue
        frac = pos - j
        out.append(int(values[j] + (values[j + 1] - values[j]) * frac))
    return out


def trim_silence(clip: Clip, threshold: int = 400, keep_s: float = 0.02, tail_s: float = TAIL_S) -> Clip:
    """Cut espeak-ng's leading and trailing silence, keep a short, even gap after the word."""
    samples = clip.samples
    start = next((i for i, v in enumerate(samples) if abs(v) > threshold), None)
    if start is None:
        return clip
    end = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    keep = int(keep_s * RATE)
    body = samples[max(0, start - keep): min(len(samples), end + keep)]
    return Clip(body + array("h", bytes(2 * int(tail_s * RATE))))


def write_wav(clips: Iterable[Clip]) -> bytes:
    samples = array("h")
    for clip in clips:
        samples.extend(clip.samples)
    if sys.byteorder == "big":
        samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(samples.tobytes())
    return out.getvalue()


def chime(rate: int = RATE) -> Clip:
    """A two-note "ding-dong" (E5 then C5) with soft bell harmonics and a decaying tail."""
    samples = array("h")
    for freq, length in ((659.25, 0.55), (523.25, 0.95)):
        count = int(length * rate)
        for i in range(count):
            t = i / rate
            attack = min(1.0, t / 0.008)
            envelope = attack * math.exp(-3.2 * t / length)
            tone = (math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
                    + 0.12 * math.sin(2 * math.pi * 3 * freq * t))
            samples.append(int(9000 * envelope * tone))
    samples.extend(array("h", bytes(2 * int(0.25 * rate))))
    return Clip(samples)


def wav_duration_s(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as wav:
        return wav.getnframes() / wav.getframerate()
