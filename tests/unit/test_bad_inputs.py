"""Bad input gets one clear line naming the file and the problem, never a traceback.

Every file is generated here, in tmp_path. Decoding errors need no model; silence goes through
the VAD only (the fake transcriber below fails the test if Whisper would have been called).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.audio.io import AudioError, decode_file
from mockmic.config import Settings
from mockmic.core import Transcript
from mockmic.pipeline.engine import Analyzer

SR = 16_000


def tone(seconds: float, freq: float = 220.0, rate: int = SR, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def expect_error(path: Path, *fragments: str) -> str:
    with pytest.raises(AudioError) as info:
        decode_file(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(path)), msg
    for frag in fragments:
        assert frag in msg, msg
    return msg


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.wav"
    p.write_bytes(b"")
    expect_error(p, "empty file (0 bytes)")


def test_wav_cut_inside_its_header(tmp_path: Path) -> None:
    full = tmp_path / "full.wav"
    sf.write(full, tone(2.0), SR, subtype="PCM_16")
    p = tmp_path / "cut.wav"
    p.write_bytes(full.read_bytes()[:30])
    expect_error(p, "truncated WAV", "30 bytes")


def test_wav_cut_inside_its_data_is_analyzed_with_a_warning(tmp_path: Path) -> None:
    full = tmp_path / "full.wav"
    sf.write(full, tone(2.0), SR, subtype="PCM_16")
    p = tmp_path / "half.wav"
    p.write_bytes(full.read_bytes()[: 44 + SR * 2])  # header + 1 s of 16-bit samples
    decoded = decode_file(p)
    assert decoded.duration_s == pytest.approx(1.0, abs=0.01)
    assert len(decoded.warnings) == 1
    assert "truncated WAV" in decoded.warnings[0]
    assert "2.0 s" in decoded.warnings[0] and "1.0 s" in decoded.warnings[0]


def test_text_file_named_wav(tmp_path: Path) -> None:
    p = tmp_path / "notes.wav"
    p.write_text("Tell me about yourself.\n" * 20, encoding="utf-8")
    expect_error(p, "not a readable audio file")


def test_tenth_of_a_second(tmp_path: Path) -> None:
    p = tmp_path / "blip.wav"
    sf.write(p, tone(0.1), SR, subtype="PCM_16")
    expect_error(p, "too short to analyze", "0.10 s")


def test_nan_samples_in_float_wav(tmp_path: Path) -> None:
    x = tone(2.0)
    x[8000:8010] = np.nan
    p = tmp_path / "nan.wav"
    sf.write(p, x, SR, subtype="FLOAT")
    expect_error(p, "NaN")


def test_missing_path(tmp_path: Path) -> None:
    expect_error(tmp_path / "nowhere.wav", "file not found")


def test_directory(tmp_path: Path) -> None:
    d = tmp_path / "answers"
    d.mkdir()
    expect_error(d, "is a directory")


def _amplitude_at(x: np.ndarray, freq: float) -> float:
    """Amplitude of the sinusoid at ``freq`` (Hann-windowed FFT, corrected for window gain)."""
    win = np.hanning(len(x))
    spec = np.abs(np.fft.rfft(x * win)) * 2 / win.sum()
    k = int(round(freq * len(x) / SR))
    return float(spec[k - 2:k + 3].max())


def test_8bit_wav_decodes_to_16k_float(tmp_path: Path) -> None:
    p = tmp_path / "u8.wav"
    sf.write(p, tone(2.0, 440.0, rate=8000), 8000, subtype="PCM_U8")
    d = decode_file(p)
    assert d.samples.dtype == np.float32
    assert d.source_rate == 8000
    assert d.duration_s == pytest.approx(2.0, abs=0.01)
    assert _amplitude_at(d.samples, 440.0) == pytest.approx(0.3, abs=0.02)


def test_96k_stereo_decodes_to_16k_mono_average(tmp_path: Path) -> None:
    rate = 96_000
    left, right = tone(3.0, 300.0, rate), tone(3.0, 500.0, rate)
    p = tmp_path / "studio.wav"
    sf.write(p, np.stack([left, right], axis=1), rate, subtype="PCM_24")
    d = decode_file(p)
    assert (d.source_rate, d.source_channels) == (96_000, 2)
    assert d.duration_s == pytest.approx(3.0, abs=0.01)
    assert d.samples.ndim == 1
    # mono is the mean of the channels: each tone at half its amplitude
    assert _amplitude_at(d.samples, 300.0) == pytest.approx(0.15, abs=0.01)
    assert _amplitude_at(d.samples, 500.0) == pytest.approx(0.15, abs=0.01)


def test_loud_stereo_with_equal_channels_is_not_clipped(tmp_path: Path) -> None:
    x = tone(2.0, 200.0, 48_000, amp=0.8)
    p = tmp_path / "loud.wav"
    sf.write(p, np.stack([x, x], axis=1), 48_000, subtype="PCM_16")
    d = decode_file(p)
    assert float(np.abs(d.samples).max()) == pytest.approx(0.8, abs=0.01)


class NoWhisper:
    """A transcriber that must not be reached: silence is decided by the VAD alone."""

    name = "no-whisper"

    def transcribe(self, audio, **_kw) -> Transcript:  # noqa: ANN001
        raise AssertionError("Whisper was called on a recording without speech")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda rng: np.zeros(SR * 4, dtype=np.float32), id="pure-silence"),
        pytest.param(lambda rng: (rng.normal(0, 10 ** (-60 / 20), SR * 4)).astype(np.float32),
                     id="noise-at-minus-60-dBFS"),
        pytest.param(lambda rng: (tone(4.0, 50.0, amp=0.003)
                                  + rng.normal(0, 10 ** (-54 / 20), SR * 4)).astype(np.float32),
                     id="mains-hum-and-hiss"),
    ],
)
def test_silence_is_no_speech_found_not_an_error(tmp_path: Path, make) -> None:  # noqa: ANN001
    p = tmp_path / "quiet.flac"
    sf.write(p, make(np.random.default_rng(1)), SR, subtype="PCM_16")
    result = Analyzer(Settings(), NoWhisper()).analyze_file(p)
    r = result.report
    assert r.no_speech is True
    assert r.duration_s == pytest.approx(4.0, abs=0.01)
    assert r.word_count == 0 and r.words == [] and r.pauses == []
    assert r.to_json()["no_speech"] is True


# --- through the command line: exit codes, one line on stderr, no traceback -------------------

def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="160")
    return subprocess.run([sys.executable, "-m", "mockmic", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": tmp_path / "empty.wav",
        "text": tmp_path / "text.wav",
        "short": tmp_path / "short.wav",
        "nan": tmp_path / "nan.wav",
        "missing": tmp_path / "missing.wav",
        "dir": tmp_path / "folder",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("not audio at all\n", encoding="utf-8")
    sf.write(files["short"], tone(0.1), SR, subtype="PCM_16")
    x = tone(1.0)
    x[100] = np.inf
    sf.write(files["nan"], x, SR, subtype="FLOAT")
    files["dir"].mkdir()
    return files


@pytest.mark.parametrize("key,problem", [
    ("empty", "empty file"), ("text", "not a readable audio file"), ("short", "too short"),
    ("nan", "NaN"), ("missing", "file not found"), ("dir", "is a directory"),
])
def test_analyze_cli_bad_file_is_one_line(bad_files: dict[str, Path], key: str, problem: str,
                                          tmp_path: Path) -> None:
    proc = run_cli("analyze", str(bad_files[key]), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(bad_files[key]) in lines[0] and problem in lines[0]
    assert proc.stdout == ""


def test_analyze_cli_silence_is_a_report_not_an_error(tmp_path: Path) -> None:
    p = tmp_path / "silence.wav"
    sf.write(p, np.zeros(SR * 3, dtype=np.float32), SR, subtype="PCM_16")
    proc = run_cli("analyze", "--json", str(p), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert data["no_speech"] is True and data["file"] == str(p)


def test_batch_cli_lists_each_bad_file_and_goes_on(bad_files: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "readme.txt").write_text("notes", encoding="utf-8")
    (folder / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    sf.write(folder / "silence.flac", np.zeros(SR * 2, dtype=np.float32), SR)
    (folder / "broken.wav").write_text("garbage", encoding="utf-8")
    out = tmp_path / "report.jsonl"
    proc = run_cli("batch", str(folder), str(bad_files["missing"]), "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_file = {Path(r["file"]).name: r for r in rows}
    assert set(by_file) == {"silence.flac", "broken.wav", "missing.wav"}
    assert "not a readable audio file" in by_file["broken.wav"]["error"]
    assert by_file["missing.wav"]["error"] == "file not found"
    assert by_file["silence.flac"]["no_speech"] is True
    assert "2 non-audio files skipped" in proc.stdout
    assert "broken.wav: not a readable audio file" in proc.stdout


def test_batch_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    sf.write(tmp_path / "a.wav", tone(1.0), SR, subtype="PCM_16")
    cases = [
        (("batch", str(tmp_path / "nothing-here")), "file not found"),
        (("batch", str(tmp_path / "*.mp3")), "no files match"),
        (("batch", str(tmp_path / "a.wav"), "--out", str(tmp_path / "r.xlsx")), ".csv, .jsonl or .md"),
        (("batch", str(tmp_path / "a.wav"), "--target", "90-60"), "MIN must be below MAX"),
    ]
    for args, message in cases:
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
