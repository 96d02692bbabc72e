"""Spoken questions with the real Piper voice, and the shipped audio against its manifest."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.audio import voice
from mockmic.questions import Question, load_bank

ROOT = Path(__file__).resolve().parents[2]
PROMPTS = ROOT / "prompts"


def user_question(text: str, qid: str = "mine-test") -> Question:
    return Question(id=qid, text=text, category="core", target_min_s=45, target_max_s=60, user=True)


def speech_span(audio: np.ndarray, rate: int) -> float:
    """Seconds from the first to the last 20 ms frame above -40 dBFS."""
    frame = rate // 50
    n = len(audio) // frame
    rms = np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > 0.01)
    return 0.0 if len(loud) == 0 else (loud[-1] - loud[0] + 1) * frame / rate


def test_text_hash_ignores_whitespace_only() -> None:
    assert voice.text_hash("Why  this\nprogram?") == voice.text_hash(" Why this program? ")
    assert voice.text_hash("Why this program?") != voice.text_hash("Why this programme?")


def test_user_question_is_synthesized_once_then_reused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    short = user_question("Why medicine?", "mine-short")
    long = user_question(
        "Tell me about a time you disagreed with a senior colleague about a discharge plan, "
        "and what you did next.", "mine-long")
    before = voice.synthesis_count()
    path = voice.question_audio(long, tmp_path / "no-prompts", cache)
    assert voice.synthesis_count() == before + 1
    assert path.parent == cache and path.suffix == ".flac"

    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.format) == (voice.SAMPLE_RATE, 1, "FLAC")
    audio, rate = sf.read(str(path), dtype="float32")
    span = speech_span(audio, rate)
    # ~19 words: a human speaker needs roughly 4-9 s; silence or a click would be far off
    assert 3.5 < span < 10.0, span
    assert np.abs(audio).max() > 0.2

    short_path = voice.question_audio(short, tmp_path / "no-prompts", cache)
    short_span = speech_span(sf.read(str(short_path), dtype="float32")[0], rate)
    assert 0.4 < short_span < span / 2.5, (short_span, span)

    mtime = path.stat().st_mtime_ns
    count = voice.synthesis_count()
    again = voice.question_audio(long, tmp_path / "no-prompts", cache)
    assert again == path
    assert voice.synthesis_count() == count
    assert path.stat().st_mtime_ns == mtime


def test_edited_text_gets_new_audio(tmp_path: Path) -> None:
    a = voice.question_audio(user_question("What is your biggest strength?", "mine-s"), tmp_path, tmp_path / "c")
    b = voice.question_audio(user_question("What is your greatest strength?", "mine-s"), tmp_path, tmp_path / "c")
    assert a != b and a.is_file() and b.is_file()


def test_concurrent_requests_synthesize_once(tmp_path: Path) -> None:
    q = user_question("How do you handle feedback from a supervisor?", "mine-feedback")
    before = voice.synthesis_count()
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(voice.question_audio(q, tmp_path, tmp_path / "c")))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and results[0].is_file()
    assert voice.synthesis_count() == before + 1


def test_bundled_question_uses_shipped_audio_without_synthesis(tmp_path: Path) -> None:
    bank = load_bank(PROMPTS, user_file=tmp_path / "none.toml")
    q = bank.get("core-why-this-specialty")
    before = voice.synthesis_count()
    path = voice.question_audio(q, PROMPTS, tmp_path / "cache")
    assert path == PROMPTS / "audio" / "core-why-this-specialty.flac"
    assert voice.synthesis_count() == before
    assert not (tmp_path / "cache").exists()


def test_user_override_with_new_text_is_synthesized(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    for f in PROMPTS.glob("*.toml"):
        (prompts / f.name).write_bytes(f.read_bytes())
    (prompts / "audio").symlink_to(PROMPTS / "audio")
    (prompts / "my_questions.toml").write_text(
        '[[question]]\nid = "core-why-this-specialty"\ncategory = "core"\n'
        'text = "What drew you to this specialty in the first place?"\n', encoding="utf-8")
    q = load_bank(prompts).get("core-why-this-specialty")
    assert q.user
    path = voice.question_audio(q, prompts, tmp_path / "cache")
    assert path.parent == tmp_path / "cache"


def test_shipped_audio_matches_manifest_for_every_bundled_question() -> None:
    bank = load_bank(PROMPTS, include_user=False)
    manifest = json.loads((PROMPTS / "audio" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sample_rate"] == voice.SAMPLE_RATE
    entries = manifest["questions"]
    assert set(entries) == {q.id for q in bank}, "run scripts/render_prompts.py"
    total = 0
    for q in bank:
        entry = entries[q.id]
        path = PROMPTS / "audio" / entry["file"]
        assert entry["text_sha256"] == voice.text_hash(q.text), f"{q.id}: text changed; re-render"
        data = path.read_bytes()
        total += len(data)
        assert hashlib.sha256(data).hexdigest() == entry["audio_sha256"], q.id
        assert voice.shipped_audio(q, PROMPTS) == path
        info = sf.info(str(path))
        assert (info.samplerate, info.channels) == (voice.SAMPLE_RATE, 1), q.id
        assert abs(info.duration - entry["duration_s"]) < 0.01, q.id
        # a spoken question: about 2.5-4 words per second plus padding
        words = len(q.text.split())
        assert words / 5.0 < info.duration < words / 1.5 + 1.5, (q.id, info.duration)
    assert total < 8e6
    assert sorted(p.name for p in (PROMPTS / "audio").glob("*.flac")) == sorted(e["file"] for e in entries.values())


def test_missing_piper_gives_one_line_reason() -> None:
    code = (
        "import sys; sys.modules['piper'] = None\n"
        "import importlib.util as u; real = u.find_spec\n"
        "u.find_spec = lambda n, *a: None if n == 'piper' else real(n, *a)\n"
        "from mockmic.audio import voice\n"
        "from mockmic.questions import Question\n"
        "q = Question('mine-x', 'Hello?', 'core', 45, 60, user=True)\n"
        "print(voice.voice_problem())\n"
        "try:\n    voice.question_audio(q, '/nonexistent', '/tmp/never-written')\n"
        "except voice.VoiceUnavailable as e:\n    print('unavailable:', e)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    lines = res.stdout.strip().splitlines()
    assert lines == ["the Piper voice engine is not installed (pip install piper-tts)",
                     "unavailable: the Piper voice engine is not installed (pip install piper-tts)"]
    assert not Path("/tmp/never-written").exists()


def test_empty_text_is_refused() -> None:
    with pytest.raises(ValueError):
        voice.synthesize("   ")


# --- the spoken test answers in tests/data ------------------------------------------------------

DATA = ROOT / "tests" / "data"


@pytest.mark.parametrize("name, seconds", [("tell_me", (55, 65)), ("short", (10, 15))])
def test_sample_answers_match_their_timeline(name: str, seconds: tuple[float, float]) -> None:
    info = json.loads((DATA / f"answer_{name}.json").read_text(encoding="utf-8"))
    text = (DATA / f"answer_{name}.txt").read_text(encoding="utf-8").strip()
    audio, rate = sf.read(str(DATA / f"answer_{name}.flac"), dtype="float32")
    assert rate == 16000 and audio.ndim == 1
    duration = len(audio) / rate
    assert abs(duration - info["duration_s"]) < 0.01
    assert seconds[0] < duration < seconds[1]
    assert text == " ".join(s["text"] for s in info["segments"])
    assert info["lexical_words"] == len([w for w in text.lower().replace(",", " ").split()
                                         if w.strip(".") not in {"um", "uh"}])

    def rms(a: float, b: float) -> float:
        seg = audio[int(a * rate):int(b * rate)]
        return float(np.sqrt(np.mean(seg ** 2)))

    assert rms(0, info["first_word_s"]) < 1e-3  # silent lead: the response latency
    for seg in info["segments"]:
        assert rms(seg["start"], seg["end"]) > 0.02, seg["text"]
    for pause in info["deliberate_pauses"]:
        assert rms(pause["start"], pause["end"]) < 1e-3


def test_sample_answer_contents() -> None:
    tell = json.loads((DATA / "answer_tell_me.json").read_text(encoding="utf-8"))
    assert [p["length_s"] for p in tell["deliberate_pauses"]] == [3.5]
    assert tell["fillers"] == ["um", "um"]
    short = (DATA / "answer_short.txt").read_text(encoding="utf-8").lower()
    assert "in my country we had to manage everything alone" in short
