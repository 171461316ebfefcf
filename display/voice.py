"""Call announcements, spoken on the hub from short clips: offline, no online TTS.

An announcement is one WAV made by joining clips end to end::

    chime + 请 + B + 零 + 零 + 七 + 号 + 到 + 十 + 五 + 号 + 窗口

The clips live in a folder (``var/voice/clips/`` unless configured), one WAV per
word, named by the word's key (``qing.wav``, ``B.wav``, ``7.wav``, ``shi.wav`` ...).
Missing clips are generated once with ``espeak-ng -v cmn-latn-pinyin`` (the chime is
synthesised here). A recorded human clip with the same name dropped into the override
folder (``var/voice/human/``) replaces the generated one at the next announcement; any
PCM WAV will do, it is converted to the common format.
"""

from __future__ import annotations

import io
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

RATE = 22050  # samples per second of every clip and announcement (espeak-ng's own rate)
ESPEAK_VOICE = "cmn-latn-pinyin"
ESPEAK_SPEED = "150"  # words per minute: a little slower than espeak's default, for a hall
TAIL_S = 0.06  # silence kept after each spoken word so the words do not run together

DIGITS = {"0": "ling2", "1": "yi1", "2": "er4", "3": "san1", "4": "si4",
          "5": "wu3", "6": "liu4", "7": "qi1", "8": "ba1", "9": "jiu3"}
# English letter names as a Chinese announcer says them, written in pinyin.
LETTERS = {
    "A": "ei1", "B": "bi4", "C": "xi1", "D": "di4", "E": "yi4", "F": "ai2 fu1", "G": "ji4",
    "H": "ai2 qi1", "I": "ai4", "J": "jie4", "K": "kai4", "L": "ai2 le1", "M": "ai2 mu1",
    "N": "en1", "O": "ou1", "P": "pi4", "Q": "qiu1", "R": "a4 er3", "S": "ai2 si1", "T": "ti4",
    "U": "you1", "V": "wei1", "W": "da2 bu liu1", "X": "ai2 ke4 si1", "Y": "wai4", "Z": "zei4",
}
WORDS = {"qing": "qing3", "hao": "hao4", "dao": "dao4", "chuangkou": "chuang1 kou3",
         "shi": "shi2", "bai": "bai3"}
CHIME = "chime"

NUMBER_RE = re.compile(r"^[A-Z]{1,3}[0-9]{1,5}$")


class VoiceError(Exception):
    """An announcement cannot be built (a clip is missing and cannot be generated)."""


def clip_texts() -> dict[str, str]:
    """Every spoken clip's key and the pinyin espeak-ng reads for it."""
    return {**DIGITS, **LETTERS, **WORDS}


def clip_names() -> list[str]:
    """Every clip an announcement may use, chime included."""
    return [CHIME, *clip_texts()]


# --- what is said -------------------------------------------------------------------------
def window_words(number: int) -> list[str]:
    """A window number as it is spoken: 15 → 十五 (shi 5), 20 → 二十, 105 → 一百零五."""
    if number <= 0 or number >= 1000:
        return list(str(number))
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds:
        words += [str(hundreds), "bai"]
        if rest and tens == 0:
            words.append("0")
    if tens:
        if tens > 1 or hundreds:
            words.append(str(tens))
        words.append("shi")
    if ones:
        words.append(str(ones))
    return words


def announcement_words(ticket_number: str, window_number: int) -> list[str]:
    """The clip keys of one call: chime, 请, each character of the number, 号, 到, window, 号窗口."""
    if not NUMBER_RE.match(ticket_number):
        raise ValueError(f"not a ticket number: {ticket_number!r}")
    return [CHIME, "qing", *ticket_number, "hao", "dao", *window_words(window_number), "hao", "chuangkou"]


# --- samples --------------------------------------------------------------------------------
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
    raise VoiceError(f"unsupported WAV sample width: {width} bytes")


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


# --- clip folders -----------------------------------------------------------------------------
def espeak_available() -> str | None:
    return shutil.which("espeak-ng")


def generate_clip(name: str, folder: Path) -> Path:
    """Write one clip into ``folder``: the chime synthesised here, words by espeak-ng."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.wav"
    if name == CHIME:
        data = write_wav([chime()])
    else:
        text = clip_texts()[name]
        espeak = espeak_available()
        if espeak is None:
            raise VoiceError("espeak-ng is not installed and no recorded clip "
                             f"{name}.wav was found; install espeak-ng or add the clip")
        with tempfile.NamedTemporaryFile(suffix=".wav", dir=folder, delete=False) as tmp:
            raw_path = Path(tmp.name)
        try:
            subprocess.run([espeak, "-v", ESPEAK_VOICE, "-s", ESPEAK_SPEED, "-w", str(raw_path), text],
                           check=True, capture_output=True, timeout=30)
            data = write_wav([trim_silence(read_wav(raw_path))])
        except (OSError, subprocess.SubprocessError) as exc:
            raise VoiceError(f"espeak-ng failed for clip {name!r}: {exc}") from exc
        finally:
            raw_path.unlink(missing_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(target)
    return target


def generate_missing(folder: Path) -> list[str]:
    """Generate every clip that is not in ``folder`` yet; return the names made."""
    made = []
    for name in clip_names():
        if not (folder / f"{name}.wav").exists():
            generate_clip(name, folder)
            made.append(name)
    return made


class Voice:
    """Builds announcement WAVs from the clip folders, caching clips and recent results.

    ``clips_dir``: generated clips; ``human_dir``: recorded clips with the same names that
    take precedence. A change in ``human_dir`` (a file added, replaced or removed) is
    noticed at the next announcement.
    """

    CACHE_SIZE = 64

    def __init__(self, clips_dir: Path, human_dir: Path | None = None) -> None:
        self.clips_dir = Path(clips_dir)
        self.human_dir = Path(human_dir) if human_dir else None
        self._lock = threading.Lock()
        self._clips: dict[str, Clip] = {}
        self._signature: tuple = ()
        self._cache: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    def _human_signature(self) -> tuple:
        if self.human_dir is None or not self.human_dir.is_dir():
            return ()
        entries = []
        for entry in os.scandir(self.human_dir):
            if entry.name.endswith(".wav"):
                stat = entry.stat()
                entries.append((entry.name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(entries))

    def _path(self, name: str) -> Path:
        if self.human_dir is not None:
            human = self.human_dir / f"{name}.wav"
            if human.is_file():
                return human
        generated = self.clips_dir / f"{name}.wav"
        if not generated.is_file():
            generate_clip(name, self.clips_dir)
        return generated

    def clip(self, name: str) -> Clip:
        clip = self._clips.get(name)
        if clip is None:
            path = self._path(name)
            try:
                clip = read_wav(path)
            except (wave.Error, EOFError, OSError) as exc:
                raise VoiceError(f"clip {path} is not a readable PCM WAV: {exc}") from exc
            self._clips[name] = clip
        return clip

    def announcement(self, ticket_number: str, window_number: int) -> bytes:
        """The WAV of one call. Raises ValueError for a bad number, VoiceError without clips."""
        words = announcement_words(ticket_number, window_number)
        key = (ticket_number, window_number)
        with self._lock:
            signature = self._human_signature()
            if signature != self._signature:
                self._signature = signature
                self._clips.clear()
                self._cache.clear()
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
            data = write_wav(self.clip(name) for name in words)
            self._cache[key] = data
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
            return data


def wav_duration_s(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def main(argv: list[str] | None = None) -> int:
    """``python -m display.voice [FOLDER]``: generate the clips ahead of time."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(os.environ.get("YIMEN_VAR", "var")) / "voice" / "clips"
    made = generate_missing(folder)
    print(f"{len(made)} clips generated in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
