"""A real microphone for tests: a PulseAudio null sink whose monitor is the default input.

Recipe: ../shared/VIRTUAL_MIC.md. The server runs for the whole test session in a temporary
folder of its own; ``XDG_RUNTIME_DIR``, ``HOME`` and ``PULSE_SERVER`` point this process (and
subprocesses it starts) at it. PortAudio is re-initialised so it lists the new devices.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SINK = "vmic_sink"
CONFIG = f"""\
load-module module-native-protocol-unix
load-module module-null-sink sink_name={SINK} rate=16000 channels=1
set-default-sink {SINK}
set-default-source {SINK}.monitor
"""


class VirtualMic:
    """Handle on the running server: ``play(path)`` speaks a file into the microphone."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env
        self.sink = SINK
        self.source = f"{SINK}.monitor"

    def play(self, path: str | Path) -> subprocess.Popen[bytes]:
        """Start ``paplay`` of ``path`` into the virtual microphone; returns the process."""
        return subprocess.Popen(
            ["paplay", f"--device={SINK}", str(path)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def play_and_wait(self, path: str | Path, timeout: float = 120.0) -> None:
        proc = self.play(path)
        _, err = proc.communicate(timeout=timeout)
        if proc.returncode != 0:
            raise RuntimeError(f"paplay {path} failed: {err.decode(errors='replace').strip()}")


def _server_env(root: Path) -> dict[str, str]:
    runtime = root / "run"
    home = root / "home"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    return {
        "XDG_RUNTIME_DIR": str(runtime),
        "HOME": str(home),
        "PULSE_SERVER": f"unix:{runtime}/pulse/native",
    }


def start_server(root: Path) -> dict[str, str]:
    """Start PulseAudio with the null sink under ``root``; returns the client environment."""
    overrides = _server_env(root)
    env = {**os.environ, **overrides}
    (root / "vmic.pa").write_text(CONFIG, encoding="utf-8")
    proc = subprocess.run(
        ["pulseaudio", "-D", "-n", "-F", str(root / "vmic.pa"), "--exit-idle-time=-1",
         "--log-target=stderr"],
        env=env, capture_output=True, text=True, timeout=30,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pulseaudio did not start: {proc.stderr.strip()[-500:]}")
    socket = Path(overrides["XDG_RUNTIME_DIR"]) / "pulse" / "native"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        check = subprocess.run(["pactl", "info"], env=env, capture_output=True, text=True)
        if socket.exists() and check.returncode == 0:
            return overrides
        time.sleep(0.1)
    raise RuntimeError("pulseaudio started but does not answer on its socket")


def stop_server(env: dict[str, str]) -> None:
    subprocess.run(["pulseaudio", "--kill"], env={**os.environ, **env}, capture_output=True,
                   timeout=30)


@pytest.fixture(scope="session")
def virtual_mic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtualMic]:
    if shutil.which("pulseaudio") is None:
        pytest.skip("pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)")
    root = tmp_path_factory.mktemp("vmic")
    overrides = start_server(root)
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        from mockmic.audio.devices import rescan_devices

        rescan_devices()
        yield VirtualMic(root, {**os.environ})
    finally:
        stop_server(overrides)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        try:
            from mockmic.audio.devices import rescan_devices

            rescan_devices()
        except Exception:  # noqa: BLE001 - PortAudio missing: nothing to re-initialise
            pass
