"""The recording pipeline (queue -> mono -> 16 kHz -> crash-safe WAV + live chunks) driven by
FakeRecorder, plus the backend-status messages without PortAudio or without any device."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mockmic.audio.capture import (
    FakeRecorder,
    Recorder,
    RecordingError,
    SoundDeviceRecorder,
    level_from_db,
)
from mockmic.audio.wavfile import repair_wav

SR = 16_000
SRC = Path(__file__).resolve().parents[2] / "src"


def tone(freq: float, seconds: float, rate: int, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def dominant_hz(x: np.ndarray, rate: int) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spec)])


def test_both_recorders_satisfy_the_protocol(tmp_path: Path) -> None:
    assert isinstance(FakeRecorder(tmp_path / "a.wav", np.zeros(10)), Recorder)
    assert isinstance(SoundDeviceRecorder(tmp_path / "b.wav"), Recorder)


def test_16k_input_is_written_sample_exact_and_streamed_to_on_chunk(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    audio = (0.4 * rng.standard_normal(SR * 2 + 123)).clip(-1, 1).astype(np.float32)
    chunks: list[np.ndarray] = []
    rec = FakeRecorder(tmp_path / "a.wav", audio, on_chunk=chunks.append)
    rec.start()
    assert rec.wait_fed(5)
    result = rec.stop()
    data, rate = sf.read(str(result.path), dtype="float32")
    assert rate == SR and sf.info(str(result.path)).subtype == "PCM_16"
    assert len(data) == len(audio) and result.duration_s == len(audio) / SR
    assert np.max(np.abs(data - audio)) <= 1 / 32768 + 1e-7  # 16-bit quantization
    streamed = np.concatenate(chunks)
    # the live chunks are the file's samples, bit for bit, as the app's decoder reads them back
    from mockmic.audio.io import decode_file

    assert np.array_equal(streamed, data)
    assert np.array_equal(streamed, decode_file(result.path).samples)
    assert result.error is None and result.overflows == 0


def test_48k_stereo_is_mixed_to_mono_and_resampled_to_16k(tmp_path: Path) -> None:
    left = tone(440, 3.0, 48_000, 0.4)
    right = tone(1000, 3.0, 48_000, 0.2)
    stereo = np.stack([left, right], axis=1)
    chunks: list[np.ndarray] = []
    rec = FakeRecorder(tmp_path / "a.wav", stereo, rate=48_000, on_chunk=chunks.append,
                       block_s=0.023)
    rec.start()
    rec.wait_fed(5)
    result = rec.stop()
    data, rate = sf.read(str(result.path), dtype="float32")
    assert rate == SR and data.ndim == 1
    assert abs(len(data) - 3 * SR) <= 2  # the streaming resampler's tail is flushed at stop
    mid = data[SR // 2: SR // 2 + SR]
    spectrum = np.abs(np.fft.rfft(mid * np.hanning(len(mid))))
    freqs = np.fft.rfftfreq(len(mid), 1 / SR)
    peak_440 = spectrum[np.argmin(np.abs(freqs - 440))]
    peak_1000 = spectrum[np.argmin(np.abs(freqs - 1000))]
    assert peak_440 / peak_1000 == pytest.approx(2.0, rel=0.05)  # 0.4 vs 0.2, averaged
    assert np.std(mid) == pytest.approx(np.sqrt(0.2**2 / 2 + 0.1**2 / 2), rel=0.03)
    assert sum(len(c) for c in chunks) == len(data)


def test_realtime_fake_keeps_time_and_follows_with_silence(tmp_path: Path) -> None:
    audio = tone(300, 0.6, SR)
    rec = FakeRecorder(tmp_path / "a.wav", audio, speed=1.0, block_s=0.05)
    assert rec.elapsed_s == 0.0 and rec.level == 0.0
    t0 = time.monotonic()
    rec.start()
    assert rec.wait_for_audio(10)
    assert rec.capturing and rec.running
    # the tone is heard (conditions with generous deadlines: a loaded machine runs late)
    assert wait_until(lambda: abs(rec.level_db - 20 * np.log10(0.5 / np.sqrt(2))) < 0.5, 10)
    assert rec.elapsed_s <= time.monotonic() - t0 + 0.05  # the clock never runs ahead of time
    # then a quiet microphone goes on, as a real one would
    assert wait_until(lambda: rec.level_db < -90 and rec.quiet_s > 0.3, 10)
    result = rec.stop()
    wall = time.monotonic() - t0
    assert 0.8 <= result.duration_s <= wall + 0.1  # the tone, the silence after it, no more
    assert not rec.running
    assert rec.elapsed_s == pytest.approx(result.duration_s, abs=0.15)


def wait_until(cond: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_abandon_deletes_the_file(tmp_path: Path) -> None:
    rec = FakeRecorder(tmp_path / "a.wav", tone(300, 1.0, SR))
    rec.start()
    rec.wait_fed(5)
    rec.abandon()
    assert not (tmp_path / "a.wav").exists()


def test_a_failing_live_consumer_does_not_stop_the_recording(tmp_path: Path) -> None:
    def broken(chunk: np.ndarray) -> None:
        raise RuntimeError("transcriber crashed")

    rec = FakeRecorder(tmp_path / "a.wav", tone(300, 1.0, SR), on_chunk=broken)
    rec.start()
    rec.wait_fed(5)
    result = rec.stop()
    assert result.duration_s == 1.0 and result.error is None
    assert "transcriber crashed" in rec._pipeline.chunk_error


def test_a_slow_live_consumer_never_delays_the_disk(tmp_path: Path) -> None:
    got: list[int] = []

    def slow(chunk: np.ndarray) -> None:
        time.sleep(0.15)  # a transcriber far slower than real time
        got.append(len(chunk))

    audio = tone(300, 1.0, SR)
    rec = FakeRecorder(tmp_path / "a.wav", audio, speed=1.0, block_s=0.05, on_chunk=slow)
    rec.start()
    rec.wait_for_audio(2)
    # the whole second reaches the disk (after ~1 s) long before the consumer, which needs
    # 3 s for its 20 blocks, has had it: wait for the disk, then look at the consumer
    deadline = time.monotonic() + 30
    while (tmp_path / "a.wav").stat().st_size - 44 < 2 * SR and time.monotonic() < deadline:
        time.sleep(0.02)
    behind = sum(got)
    on_disk = (tmp_path / "a.wav").stat().st_size - 44
    assert on_disk == 2 * SR  # the file keeps up with the microphone...
    # ...while the consumer is far behind: ~7 of 20 blocks by then (15 leaves a loaded machine
    # a second of slack; a disk that waited for the consumer would show 19 or 20)
    assert behind <= 15 * SR // 20, behind
    result = rec.stop()
    assert sum(got) == round(result.duration_s * SR)  # stop() waited for the last chunk


def test_the_file_on_disk_is_recoverable_while_recording(tmp_path: Path) -> None:
    """Copy the file mid-recording (what a kill leaves behind) and repair the copy."""
    audio = tone(220, 3.0, SR)
    rec = FakeRecorder(tmp_path / "a.wav", audio, speed=1.0, block_s=0.05)
    rec.start()
    rec.wait_for_audio(2)
    time.sleep(1.6)
    written = rec.elapsed_s
    snapshot = tmp_path / "snapshot.wav"
    shutil.copyfile(tmp_path / "a.wav", snapshot)
    rec.stop()
    duration = repair_wav(snapshot)
    data, rate = sf.read(str(snapshot), dtype="float32")
    assert rate == SR and len(data) / SR == duration
    assert written - duration <= 0.2  # only the block in flight is missing
    assert np.max(np.abs(data - audio[: len(data)])) <= 0.5 / 32768 + 1e-7


def test_repair_rejects_what_is_not_a_wav(tmp_path: Path) -> None:
    bad = tmp_path / "x.wav"
    bad.write_bytes(b"ID3" + b"\0" * 100)
    with pytest.raises(ValueError, match="not a WAV"):
        repair_wav(bad)
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert repair_wav(empty) == 0.0 and sf.info(str(empty)).frames == 0


def test_folder_that_is_a_file_is_a_clear_start_error(tmp_path: Path) -> None:
    (tmp_path / "recordings").write_text("not a folder")
    rec = FakeRecorder(tmp_path / "recordings" / "a.wav", tone(300, 1.0, SR))
    with pytest.raises(RecordingError) as err:
        rec.start()
    assert "recordings" in str(err.value) and "\n" not in str(err.value)


UNWRITABLE = textwrap.dedent(
    """
    import os, sys
    sys.path.insert(0, {src!r})
    import numpy as np
    from mockmic.audio.capture import FakeRecorder, RecordingError
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)  # root ignores permissions: record as nobody (after the imports)
    try:
        FakeRecorder({path!r}, np.zeros(1600, np.float32)).start()
    except RecordingError as exc:
        print(exc)
    else:
        print("started")
    """
)


def test_unwritable_folder_is_a_clear_start_error() -> None:
    base = Path(tempfile.mkdtemp(prefix="mockmic-locked-"))  # pytest's tmp_path is private to root
    try:
        base.chmod(0o755)
        folder = base / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        proc = subprocess.run(
            [sys.executable, "-c", UNWRITABLE.format(src=str(SRC), path=str(folder / "a.wav"))],
            capture_output=True, text=True, timeout=60,
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"cannot record into {folder}: permission denied"


def test_level_meter_mapping() -> None:
    assert level_from_db(-100) == 0.0 and level_from_db(0) == 1.0
    assert level_from_db(-30) == pytest.approx(0.5)


NO_PORTAUDIO = textwrap.dedent(
    """
    import ctypes.util, sys
    sys.path.insert(0, {src!r})
    ctypes.util.find_library = lambda name: None  # as on a machine without libportaudio2
    from mockmic.audio.capture import SoundDeviceRecorder
    from mockmic.audio.devices import audio_backend_status, list_input_devices
    from mockmic.audio.playback import Player
    print(audio_backend_status())
    print(list_input_devices())
    print(Player().error)
    try:
        SoundDeviceRecorder({path!r}).start()
    except Exception as exc:
        print(type(exc).__name__, exc)
    """
)


def test_without_portaudio_everything_says_so_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", NO_PORTAUDIO.format(src=str(SRC), path=str(tmp_path / "a.wav"))],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    reason = "PortAudio library not found (install libportaudio2)"
    assert proc.stdout.splitlines() == [reason, "[]", reason, f"RecordingError {reason}"]
    assert not (tmp_path / "a.wav").exists()


NO_DEVICES = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {src!r})
    from mockmic.audio.capture import SoundDeviceRecorder
    from mockmic.audio.devices import audio_backend_status
    from mockmic.audio.playback import Player
    print(audio_backend_status())
    print(Player().error)
    try:
        SoundDeviceRecorder({path!r}).start()
    except Exception as exc:
        print(type(exc).__name__, exc)
    """
)


def test_without_any_device_no_microphone_is_reported(tmp_path: Path) -> None:
    cards = Path("/proc/asound/cards")
    if cards.exists() and "no soundcards" not in cards.read_text():
        pytest.skip("this machine has a sound card, so there is a microphone to find")
    nowhere = tmp_path / "no-pulse"
    nowhere.mkdir()
    env = {**os.environ, "PULSE_SERVER": f"unix:{nowhere}/native", "XDG_RUNTIME_DIR": str(nowhere),
           "HOME": str(nowhere)}
    proc = subprocess.run(
        [sys.executable, "-c", NO_DEVICES.format(src=str(SRC), path=str(tmp_path / "a.wav"))],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "no microphone found", "no audio output device found",
        "RecordingError no microphone found",
    ]
    cli = subprocess.run([sys.executable, "-m", "mockmic", "devices"], capture_output=True,
                         text=True, timeout=60, env={**env, "PYTHONPATH": str(SRC)})
    assert (cli.returncode, cli.stdout, cli.stderr) == (1, "", "mockmic: no microphone found\n")
