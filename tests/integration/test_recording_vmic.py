"""Real recording through sounddevice/PortAudio from the PulseAudio virtual microphone.

Nothing is faked here: a WAV is played into the null sink with ``paplay`` and captured from its
monitor by :class:`SoundDeviceRecorder` at the device's own rate, converted to 16 kHz on the fly.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.audio.capture import SoundDeviceRecorder
from mockmic.audio.devices import audio_backend_status, list_input_devices
from mockmic.practice.recovery import recover_interrupted
from mockmic.store.db import Store

pytestmark = pytest.mark.mic
SR = 16_000
SRC = Path(__file__).resolve().parents[2] / "src"


def probe_signal(seconds: float, seed: int = 7) -> np.ndarray:
    """Band-limited noise under a syllable-like envelope: sharp cross-correlation peak, no
    periodicity (so a wrong alignment cannot match), nothing above 6 kHz (survives resampling)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * SR)
    noise = rng.standard_normal(n)
    spectrum = np.fft.rfft(noise)
    freqs = np.fft.rfftfreq(n, 1 / SR)
    spectrum[(freqs < 100) | (freqs > 6000)] = 0
    band = np.fft.irfft(spectrum, n)
    t = np.arange(n) / SR
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 3.1 * t + rng.uniform(0, 6) * np.sin(0.7 * t))
    out = band / np.max(np.abs(band)) * envelope * 0.6
    return out.astype(np.float32)


def align(source: np.ndarray, captured: np.ndarray) -> tuple[int, float]:
    """Lag of ``source`` inside ``captured`` and the normalized correlation of the overlap."""
    n = len(source) + len(captured)
    size = 1 << (n - 1).bit_length()
    xc = np.fft.irfft(np.fft.rfft(captured, size) * np.conj(np.fft.rfft(source, size)), size)
    lag = int(np.argmax(xc[: len(captured)]))
    overlap = captured[lag: lag + len(source)]
    ref = source[: len(overlap)]
    corr = float(np.dot(overlap, ref) / (np.linalg.norm(overlap) * np.linalg.norm(ref) + 1e-12))
    return lag, corr


def write_source(path: Path, seconds: float, seed: int = 7) -> np.ndarray:
    sig = probe_signal(seconds, seed)
    sf.write(str(path), sig, SR, subtype="PCM_16")
    return sf.read(str(path), dtype="float32")[0]


def test_virtual_mic_is_listed(virtual_mic) -> None:
    from mockmic.audio.devices import warm_up_input

    assert audio_backend_status() is None
    assert warm_up_input() is None
    assert "not found" in warm_up_input("no such microphone")
    devices = list_input_devices()
    assert any(d.is_default for d in devices)
    assert {"pulse", "default"} & {d.name for d in devices}


def test_records_what_is_played_into_the_microphone(virtual_mic, tmp_path: Path) -> None:
    source = write_source(tmp_path / "source.wav", 4.0)
    chunks: list[np.ndarray] = []
    rec = SoundDeviceRecorder(tmp_path / "take.wav", on_chunk=chunks.append)
    rec.start()
    assert rec.wait_for_audio(10), "the virtual microphone delivered no audio"
    time.sleep(0.2)
    virtual_mic.play_and_wait(tmp_path / "source.wav")
    time.sleep(0.5)
    assert rec.running and rec.elapsed_s > 4.0
    level_during = rec.level
    result = rec.stop()
    assert result.error is None and result.overflows == 0
    assert result.sample_rate > 0 and result.device_name
    info = sf.info(str(result.path))
    assert (info.samplerate, info.channels, info.subtype) == (SR, 1, "PCM_16")
    captured, _ = sf.read(str(result.path), dtype="float32")
    assert len(captured) == info.frames
    assert abs(result.duration_s - len(captured) / SR) < 1e-9
    assert 4.4 < result.duration_s < 8.0
    # the live chunks are exactly the file's samples
    live = np.concatenate(chunks)
    assert len(live) == len(captured)
    assert np.array_equal(live, captured)  # bit for bit: a later `mockmic analyze` sees the same
    lag, corr = align(source, captured)
    assert corr > 0.98, f"capture does not match the played file (correlation {corr:.3f})"
    assert lag + len(source) <= len(captured)
    gain = np.std(captured[lag: lag + len(source)]) / np.std(source)
    assert 0.9 < gain < 1.1
    assert level_during >= 0.0


def test_silence_is_recorded_as_silence_in_real_time(virtual_mic, tmp_path: Path) -> None:
    rec = SoundDeviceRecorder(tmp_path / "quiet.wav")
    t0 = time.monotonic()
    rec.start()
    assert rec.wait_for_audio(10), "the virtual microphone delivered no audio"
    time.sleep(1.5)
    result = rec.stop()
    wall = time.monotonic() - t0
    captured, _ = sf.read(str(result.path), dtype="float32")
    # never more audio than time went by (a loaded machine may stretch the sleep)
    assert 1.4 < result.duration_s <= wall + 0.1, (result.duration_s, wall)
    assert result.duration_s == pytest.approx(rec.elapsed_s, abs=0.25)  # real time
    assert np.max(np.abs(captured)) < 1e-3
    assert rec.level_db < -60


def test_unknown_device_is_a_clear_error(virtual_mic, tmp_path: Path) -> None:
    from mockmic.audio.capture import RecordingError

    with pytest.raises(RecordingError, match="not found"):
        SoundDeviceRecorder(tmp_path / "x.wav", device="no such microphone").start()
    assert not (tmp_path / "x.wav").exists()


# --- kill -9 while recording --------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {src!r})
    from mockmic.audio.capture import SoundDeviceRecorder
    from mockmic.store.db import Store
    store = Store({db!r})
    path = store.new_audio_path("tell-me-about-yourself")
    aid = store.begin_attempt("tell-me-about-yourself", "Tell me about yourself.", path)
    rec = SoundDeviceRecorder(path)
    rec.start()
    if not rec.wait_for_audio(10):
        sys.exit("no audio from the virtual microphone")
    print(aid, time.time(), flush=True)
    while True:
        time.sleep(0.05)
    """
)


@pytest.mark.parametrize("record_s", [2.2, 3.7])
def test_kill_9_while_recording_loses_at_most_one_second(virtual_mic, tmp_path: Path,
                                                         record_s: float) -> None:
    source = write_source(tmp_path / "answer.wav", 8.0, seed=11)
    db = tmp_path / "recordings" / "mockmic.sqlite3"
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(src=str(SRC), db=str(db))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    assert line, child.stderr.read()
    aid, started = int(line.split()[0]), float(line.split()[1])
    player = virtual_mic.play(tmp_path / "answer.wav")
    time.sleep(max(0.0, started + record_s - time.time()))
    killed_at = time.time()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)
    player.kill()
    player.wait()
    assert child.returncode == -signal.SIGKILL

    store = Store(db)
    [attempt] = store.interrupted()
    assert attempt.id == aid and attempt.status == "recording"
    analyzed: list[int] = []
    results = recover_interrupted(store, lambda audio: analyzed.append(len(audio)) or None)
    assert [r.attempt_id for r in results] == [aid]
    got = store.get(aid)
    assert got.status == "recovered"
    recorded_for = killed_at - started
    captured, rate = sf.read(str(got.audio_path), dtype="float32")
    assert rate == SR and analyzed == [len(captured)]
    lost = recorded_for - len(captured) / SR
    print(f"kill -9 after {recorded_for:.2f} s: recovered {len(captured) / SR:.2f} s, "
          f"lost {lost:.2f} s")
    assert lost <= 1.0, f"lost {lost:.2f} s of audio to the kill"
    assert got.duration_s == pytest.approx(len(captured) / SR)
    # what was recovered is the answer being played, not noise
    lag, corr = align(source[: int(0.8 * SR)], captured)
    assert corr > 0.98


# --- full disk ------------------------------------------------------------------------------


def _can_mount_tmpfs(where: Path) -> bool:
    if os.geteuid() != 0:
        return False
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(where)],
                          capture_output=True)
    return proc.returncode == 0


def test_disk_full_on_a_small_tmpfs_stops_and_keeps_the_audio(virtual_mic, tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.mkdir()
    if not _can_mount_tmpfs(small):
        pytest.skip("cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE test covers disk full")
    try:
        write_source(tmp_path / "answer.wav", 6.0)
        errors: list[str] = []
        rec = SoundDeviceRecorder(small / "take.wav", on_error=errors.append)
        rec.start()
        player = virtual_mic.play(tmp_path / "answer.wav")
        deadline = time.monotonic() + 10
        while rec.error is None and time.monotonic() < deadline:
            time.sleep(0.05)
        player.kill()
        player.wait()
        assert rec.error is not None, "recording did not stop on a full disk"
        assert not rec.running
        result = rec.stop()
        assert errors == [rec.error]
        assert rec.error.startswith("disk full: recording stopped")
        assert str(small / "take.wav") in rec.error
        info = sf.info(str(small / "take.wav"))
        # 96 KiB minus the 44-byte header, in whole 16-bit samples: ~3 s kept
        assert info.frames == round(result.duration_s * SR)
        assert result.duration_s > 2.5
        assert result.error == rec.error
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)


LIMITED = textwrap.dedent(
    """
    import json, resource, signal, sys, time
    sys.path.insert(0, {src!r})
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of dying
    resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
    from mockmic.audio.capture import SoundDeviceRecorder
    rec = SoundDeviceRecorder({path!r})
    rec.start()
    deadline = time.monotonic() + 10
    while rec.error is None and time.monotonic() < deadline:
        time.sleep(0.05)
    running = rec.running
    result = rec.stop()
    print(json.dumps({{"error": result.error, "duration_s": result.duration_s,
                      "running": running}}))
    """
)


def test_file_size_limit_stops_the_recording_and_keeps_the_audio(virtual_mic,
                                                                 tmp_path: Path) -> None:
    limit = 64 * 1024 + 1  # odd on purpose: the last write stops mid-sample
    path = tmp_path / "take.wav"
    write_source(tmp_path / "answer.wav", 5.0)
    player = virtual_mic.play(tmp_path / "answer.wav")
    proc = subprocess.run(
        [sys.executable, "-c", LIMITED.format(src=str(SRC), limit=limit, path=str(path))],
        capture_output=True, text=True, timeout=60,
    )
    player.kill()
    player.wait()
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["error"] and out["error"].startswith("file size limit reached: recording stopped")
    assert out["running"] is False
    info = sf.info(str(path))
    assert info.frames == (limit - 1 - 44) // 2 == round(out["duration_s"] * SR)
    assert path.stat().st_size == 44 + info.frames * 2


# --- playback -------------------------------------------------------------------------------


def test_player_plays_pauses_and_seeks_through_the_real_output(virtual_mic, tmp_path: Path) -> None:
    """The Player's output goes into the null sink; the recorder hears it from the monitor."""
    from mockmic.audio.playback import Player

    source = write_source(tmp_path / "question.wav", 3.0, seed=5)
    done: list[bool] = []
    player = Player(on_finished=lambda: done.append(True))
    assert player.available(), player.error
    assert player.load(tmp_path / "question.wav") == pytest.approx(3.0)
    rec = SoundDeviceRecorder(tmp_path / "heard.wav")
    rec.start()
    assert rec.wait_for_audio(10)
    player.play()
    time.sleep(1.0)
    player.pause()
    t_paused = time.monotonic()
    paused_at = player.position_s
    # somewhere in the middle, leaving both halves long enough to find in the recording
    assert player.paused and 0.6 < paused_at < 2.2, paused_at
    time.sleep(0.8)
    assert player.position_s == paused_at  # nothing advances while paused
    player.resume()
    held = time.monotonic() - t_paused  # the pause as long as it really was
    assert player.playing
    assert player.wait(10) and done == [True]
    assert player.position_s == pytest.approx(3.0)
    time.sleep(0.4)
    heard, _ = sf.read(str(rec.stop().path), dtype="float32")
    # both halves were heard, with the pause as a gap of silence between them
    first, second = source[: int(paused_at * SR) - 1600], source[int(paused_at * SR) + 1600:]
    lag1, corr1 = align(first, heard)
    lag2, corr2 = align(second, heard)
    assert corr1 > 0.99 and corr2 > 0.99, (corr1, corr2)
    # not a word is clipped: the very first and last 40 ms are there
    edge = int(0.04 * SR)
    head = heard[lag1: lag1 + edge]
    tail_at = lag2 + len(second) - edge
    tail = heard[tail_at: tail_at + edge]
    assert np.corrcoef(head, source[:edge])[0, 1] > 0.95
    assert len(tail) == edge and np.corrcoef(tail, source[-edge:])[0, 1] > 0.95
    gap = (lag2 - lag1 - (int(paused_at * SR) + 1600)) / SR
    assert abs(gap - held) < 0.3, f"pause of {held:.2f} s heard as {gap:.2f} s"

    # seeking while playing jumps; after the end, play() starts over
    player.play(start_s=0.0)
    deadline = time.monotonic() + 10
    while player.position_s < 0.1 and time.monotonic() < deadline:
        time.sleep(0.01)
    before = player.position_s
    assert before < 1.0, before  # room left to jump 1.5 s before the 3 s end
    after = player.seek(+1.5)
    assert after == pytest.approx(before + 1.5, abs=0.05)
    assert player.seek(-10) == 0.0
    player.stop()
    assert player.finished and done == [True]  # an explicit stop is not "finished playing"


def test_player_plays_an_array_at_another_rate(virtual_mic) -> None:
    from mockmic.audio.playback import Player

    player = Player()
    tone_48k = (0.3 * np.sin(2 * np.pi * 440 * np.arange(48_000) / 48_000)).astype(np.float32)
    assert player.load(tone_48k, rate=48_000) == pytest.approx(1.0)
    player.play()
    assert player.wait(5)
    assert player.position_s == pytest.approx(1.0)


def test_devices_command_lists_the_virtual_microphone(virtual_mic) -> None:
    from click.testing import CliRunner

    from mockmic.cli import cli

    result = CliRunner().invoke(cli, ["devices"])
    assert result.exit_code == 0, result.output
    selected = [line for line in result.output.splitlines() if line.startswith("*")]
    assert len(selected) == 2 and "default" in selected[0]  # the device row and the legend
    as_json = CliRunner().invoke(cli, ["devices", "--json"])
    rows = json.loads(as_json.output)
    assert [r["name"] for r in rows if r["selected"]] == ["default"]



def test_devices_command_reports_a_configured_device_that_is_missing(virtual_mic,
                                                                      tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mockmic.cli import cli

    config = tmp_path / "mockmic.toml"
    config.write_text('input_device = "USB headset"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "devices"])
    assert result.exit_code == 2
    assert "setting input_device: input device 'USB headset' not found" in result.output
