"""Call announcements, spoken on the hub from short clips: offline, no online TTS.

An announcement is one WAV made by joining clips end to end::

    chime + 请 + B + 零 + 零 + 七 + 号 + 到 + 十 + 五 + 号 + 窗口

The clips live in a folder (``var/voice/clips/`` unless configured), one WAV per
word, named by the word's key (``qing.wav``, ``B.wav``, ``7.wav``, ``shi.wav`` ...).
Missing clips are generated once with ``espeak-ng -v cmn-latn-pinyin`` (the chime is
synthesised here). A recorded human clip with the same name dropped into the override
folder (``var/voice/human/``) replaces the generated one at the next announcement; any
PCM WAV will do, it is converted to the common format.

The hub's ``Voice`` (``hub.voice``, built by ``create_app``) is given the hub's
``blocking`` runner: decoding, resampling and joining samples run in gevent's
threadpool, never on a request's greenlet; espeak-ng runs as a child process, which
gevent waits for cooperatively (child processes must be started from the hub's own
loop, not from a pool thread).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from .wav import RATE, Clip, chime, read_wav, trim_silence, wav_duration_s, write_wav

__all__ = ["RATE", "Clip", "Voice", "VoiceError", "read_wav", "wav_duration_s", "write_wav"]

log = logging.getLogger(__name__)

ESPEAK_VOICE = "cmn-latn-pinyin"
ESPEAK_SPEED = "150"  # words per minute: a little slower than espeak's default, for a hall

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


# --- clip folders -----------------------------------------------------------------------------
def espeak_available() -> str | None:
    return shutil.which("espeak-ng")


Blocking = Callable[..., object]  # runs fn(*args) where blocking work belongs; returns its result


def inline(fn: Callable[..., object], *args: object) -> object:
    """The ``blocking`` runner of a tool or test: right here."""
    return fn(*args)


def _chime_wav() -> bytes:
    return write_wav([chime()])


def _trimmed_wav(raw_path: Path) -> bytes:
    return write_wav([trim_silence(read_wav(raw_path))])


def generate_clip(name: str, folder: Path, blocking: Blocking = inline) -> Path:
    """Write one clip into ``folder``: the chime synthesised here, words by espeak-ng.
    The sample work goes through ``blocking``; espeak-ng runs in the caller."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.wav"
    if name == CHIME:
        data = blocking(_chime_wav)
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
            data = blocking(_trimmed_wav, raw_path)
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
    noticed at the next announcement. ``blocking`` runs the sample work (the hub's
    threadpool); by default it runs in the caller.
    """

    CACHE_SIZE = 64

    def __init__(self, clips_dir: Path, human_dir: Path | None = None, *,
                 blocking: Blocking = inline) -> None:
        self.clips_dir = Path(clips_dir)
        self.human_dir = Path(human_dir) if human_dir else None
        self.blocking = blocking
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
        """The clip's file, generated first when neither folder has it."""
        if self.human_dir is not None:
            human = self.human_dir / f"{name}.wav"
            if human.is_file():
                return human
        generated = self.clips_dir / f"{name}.wav"
        if not generated.is_file():
            generate_clip(name, self.clips_dir, self.blocking)
        return generated

    def clip(self, name: str) -> Clip:
        clip = self._clips.get(name)
        if clip is None:
            path = self._path(name)
            clip = self._clips[name] = self.blocking(self._read, path)
        return clip

    @staticmethod
    def _read(path: Path) -> Clip:
        try:
            return read_wav(path)
        except (wave.Error, EOFError, OSError) as exc:
            raise VoiceError(f"clip {path} is not a readable PCM WAV: {exc}") from exc

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
            clips = [self.clip(name) for name in words]
            data = self.blocking(write_wav, clips)
            self._cache[key] = data
            while len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
            return data


def main(argv: list[str] | None = None) -> int:
    """``python -m display.voice [FOLDER]``: generate the clips ahead of time."""
    args = sys.argv[1:] if argv is None else argv
    if args:
        folder = Path(args[0])
    else:
        from server.config import default_voice_dir

        folder = default_voice_dir() / "clips"
    made = generate_missing(folder)
    print(f"{len(made)} clips generated in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
