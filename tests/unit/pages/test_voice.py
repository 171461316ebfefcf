"""The announcement voice: clips joined into one WAV, human clips replacing generated ones."""

from __future__ import annotations

import io
import shutil
import wave
from array import array
from pathlib import Path

import pytest

from display import voice
from display.voice import Voice, VoiceError, announcement_words, wav_duration_s, window_words

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def tone_wav(path: Path, seconds: float, *, rate: int = voice.RATE, channels: int = 1, width: int = 2,
             level: int = 8000) -> Path:
    """A square-ish tone WAV in any format, standing in for a recorded human clip."""
    frames = int(seconds * rate)
    values = array("h", [level if (i // 20) % 2 else -level for i in range(frames) for _ in range(channels)])
    data = values.tobytes() if width == 2 else bytes((v >> 8) + 128 for v in values)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(data)
    return path


def human_folder(folder: Path, seconds: float = 0.2) -> Path:
    """Every clip recorded by a "human" (a tone), so no espeak-ng is needed."""
    for name in voice.clip_names():
        tone_wav(folder / f"{name}.wav", seconds)
    return folder


def frames_of(data: bytes) -> int:
    with wave.open(io.BytesIO(data), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, voice.RATE)
        return wav.getnframes()


def test_what_is_said():
    assert announcement_words("B007", 15) == [
        "chime", "qing", "B", "0", "0", "7", "hao", "dao", "shi", "5", "hao", "chuangkou"]
    assert announcement_words("HZ012", 72)[2:7] == ["H", "Z", "0", "1", "2"]
    assert window_words(1) == ["1"]
    assert window_words(10) == ["shi"]
    assert window_words(20) == ["2", "shi"]
    assert window_words(72) == ["7", "shi", "2"]
    assert window_words(105) == ["1", "bai", "0", "5"]
    assert window_words(110) == ["1", "bai", "1", "shi"]


@pytest.mark.parametrize("number", ["", "b007", "B", "007", "B007;rm", "ABCD001", "B0000001"])
def test_a_bad_number_is_refused(tmp_path, number):
    with pytest.raises(ValueError):
        Voice(tmp_path / "clips", human_folder(tmp_path / "human")).announcement(number, 15)


def test_the_wav_is_the_clips_end_to_end(tmp_path):
    human = human_folder(tmp_path / "human", 0.25)
    tone_wav(human / "chime.wav", 1.0)
    data = Voice(tmp_path / "clips", human).announcement("B007", 15)
    words = announcement_words("B007", 15)
    expected = int(1.0 * voice.RATE) + (len(words) - 1) * int(0.25 * voice.RATE)
    assert frames_of(data) == expected
    assert wav_duration_s(data) == pytest.approx(1.0 + (len(words) - 1) * 0.25, abs=0.001)


def test_a_human_clip_in_any_format_replaces_the_generated_one(tmp_path):
    clips = human_folder(tmp_path / "clips", 0.2)  # stands for the generated clips
    human = tmp_path / "human"
    speaker = Voice(clips, human)
    before = frames_of(speaker.announcement("B007", 15))
    # a recording at 44.1 kHz stereo, 0.5 s long, for 请
    tone_wav(human / "qing.wav", 0.5, rate=44100, channels=2)
    after = frames_of(speaker.announcement("B007", 15))
    assert after - before == pytest.approx(int(0.5 * voice.RATE) - int(0.2 * voice.RATE), abs=2)
    # 8-bit mono at 8 kHz is read too
    tone_wav(human / "hao.wav", 0.4, rate=8000, width=1)
    speaker.announcement("B007", 15)
    hao = speaker.clip("hao")
    assert hao.duration_s == pytest.approx(0.4, abs=0.001)
    # removing the recording brings the generated clip back
    (human / "qing.wav").unlink()
    (human / "hao.wav").unlink()
    assert frames_of(speaker.announcement("B007", 15)) == before


def test_a_broken_clip_is_a_voice_error(tmp_path):
    human = human_folder(tmp_path / "human")
    (human / "qing.wav").write_bytes(b"not a wav")
    with pytest.raises(VoiceError):
        Voice(tmp_path / "clips", human).announcement("B007", 15)


def test_without_espeak_a_missing_clip_is_a_voice_error(tmp_path, monkeypatch):
    monkeypatch.setattr(voice, "espeak_available", lambda: None)
    with pytest.raises(VoiceError, match="espeak-ng"):
        Voice(tmp_path / "clips", tmp_path / "human").announcement("B007", 15)


def test_recent_announcements_are_cached_and_bounded(tmp_path):
    speaker = Voice(tmp_path / "clips", human_folder(tmp_path / "human", 0.05))
    first = speaker.announcement("B001", 1)
    assert speaker.announcement("B001", 1) is first
    for n in range(Voice.CACHE_SIZE + 10):
        speaker.announcement(f"B{n:03d}", 2)
    assert len(speaker._cache) == Voice.CACHE_SIZE


@needs_espeak
def test_generated_clips_are_made_once_with_espeak(tmp_path):
    clips = tmp_path / "clips"
    speaker = Voice(clips, tmp_path / "human")
    data = speaker.announcement("B007", 15)
    words = announcement_words("B007", 15)
    made = {p.stem for p in clips.glob("*.wav")}
    assert made == set(words)
    total = sum(frames_of((clips / f"{name}.wav").read_bytes()) for name in words)
    assert frames_of(data) == total
    assert 4.0 < wav_duration_s(data) < 12.0
    stamp = (clips / "qing.wav").stat().st_mtime_ns
    Voice(clips, tmp_path / "human").announcement("B008", 15)
    assert (clips / "qing.wav").stat().st_mtime_ns == stamp  # not made again


@needs_espeak
def test_generate_missing_makes_every_clip(tmp_path):
    made = voice.generate_missing(tmp_path)
    assert sorted(made) == sorted(voice.clip_names())
    assert voice.generate_missing(tmp_path) == []


def test_sample_work_runs_in_the_given_worker_thread(tmp_path):
    """The hub passes its threadpool: decoding, joining (and trimming generated clips)
    happen there, never in the caller's thread (a request's greenlet)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice-worker")
    ran_in: list[str] = []

    def blocking(fn, *args):
        def job():
            ran_in.append(threading.current_thread().name)
            return fn(*args)
        return pool.submit(job).result()

    human = human_folder(tmp_path / "human", 0.05)
    (human / "chime.wav").unlink()  # the chime is generated (synthesised) on first use
    try:
        speaker = Voice(tmp_path / "clips", human, blocking=blocking)
        data = speaker.announcement("B007", 15)
    finally:
        pool.shutdown()
    words = announcement_words("B007", 15)
    # one job per distinct clip read, one for the chime's synthesis, one for the join
    assert len(ran_in) == len(set(words)) + 2
    assert all(name.startswith("voice-worker") for name in ran_in)
    assert (tmp_path / "clips" / "chime.wav").exists() and frames_of(data) > 0
