"""Settings: one typed object, read from a TOML file and then overridden by command-line flags.

Defaults are the thresholds of PRODUCT.md. The settings file is ``mockmic.toml`` in the data
home (see :func:`data_home`) or the path in ``MOCKMIC_CONFIG``; every key is optional::

    [thresholds]
    wpm_rushed = 170
    long_pause_s = 3.0

    [transcription]
    model = "base"

    [paths]
    recordings = "~/interview-practice"
"""

from __future__ import annotations

import math
import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ConfigError(ValueError):
    """A settings file or flag value that cannot be used; the message names where and why."""


@dataclass(frozen=True)
class Thresholds:
    """When each delivery flag fires. Sources are listed in PRODUCT.md."""

    slow_start_s: float = 5.0
    """``slow_start`` when the first word comes later than this after recording starts."""
    wpm_rushed: float = 170.0
    """``rushed`` above this many lexical words per minute (Read.ai's upper bound is 175)."""
    wpm_slow: float = 110.0
    """``slow`` below this many words per minute."""
    pace_window_s: float = 15.0
    """Width of the sliding window for pace over time."""
    pace_step_s: float = 5.0
    """Step of the sliding window for pace over time."""
    speeding_up_ratio: float = 0.20
    """``speeding_up`` when the last third is this much faster than the first third."""
    filler_percent: float = 4.0
    """``filler_heavy`` above this share of words..."""
    filler_per_minute: float = 6.0
    """...or above this many fillers per minute."""
    filler_cluster_count: int = 3
    """``filler_cluster`` when this many fillers fall within ``filler_cluster_window_s``."""
    filler_cluster_window_s: float = 10.0
    min_pause_s: float = 0.25
    """Silences shorter than this are not pauses (fluency research counts from 200-300 ms)."""
    long_pause_s: float = 3.0
    """``long_pause`` at or above this length."""
    choppy_pause_s: float = 1.0
    """Mid-sentence pauses at least this long count towards ``choppy``..."""
    choppy_per_minute: float = 4.0
    """...which fires when there are more than this many per minute."""
    flat_window_s: float = 10.0
    """Pitch variety is judged over windows of this length (Hincks 2005 used 10 s)."""
    flat_range_st: float = 3.5
    """``monotone`` when, over ``flat_window_s``, the pitch's 10th-90th percentile range stays
    below this many semitones (Hincks & Edlund 2009; see the README's metric table)."""
    flat_min_voiced_s: float = 2.0
    """A window is judged only when it holds at least this much voiced speech."""
    trailing_drop_db: float = 6.0
    """A sentence trails off when its last part is this many dB below its body..."""
    trailing_share: float = 0.5
    """...and ``trailing_off`` fires when more than this share of the sentences do (3 or more)."""
    too_quiet_dbfs: float = -40.0
    """``too_quiet`` (a microphone setup hint) when speech is below this level (dB full scale)."""


VERBATIM_PROMPT = (
    "Uh, um, er, hmm, mm. So, uh, I was, um, thinking. "
    "A word-for-word transcript that keeps every um, uh and hmm."
)
"""The prompt every piece of an answer is decoded with, and nothing else: it lists the
hesitation sounds and asks for a verbatim transcript. Filler-free text in the prompt (such as the
answer's own previous words) teaches Whisper to write clean text (bench/filler_decode.py)."""


@dataclass(frozen=True)
class TranscriptionSettings:
    model: str = "base"
    """``base`` (bundled multilingual), ``tiny.en`` (bundled), another name in models/, or a path."""
    language: str | None = "en"
    filler_prompt: str = VERBATIM_PROMPT
    """Initial prompt that makes Whisper keep filled pauses; empty string turns it off."""
    beam_size: int = 5
    """Beam search width. 5 (faster-whisper's default) writes more of the fillers on real
    spontaneous speech than greedy decoding (1) does (``bench/filler_decode.py``)."""
    cpu_threads: int = 0
    """0 lets CTranslate2 choose."""


@dataclass(frozen=True)
class Settings:
    thresholds: Thresholds = field(default_factory=Thresholds)
    transcription: TranscriptionSettings = field(default_factory=TranscriptionSettings)
    default_target: tuple[float, float] = (45.0, 120.0)
    """Length window used when neither ``--target`` nor ``--question`` is given."""
    home: Path = field(default_factory=lambda: data_home())
    recordings_dir: Path | None = None
    models_dir: Path | None = None
    prompts_dir: Path | None = None
    input_device: str | None = None
    start_recording: str = "auto"
    """``auto``: recording starts after the question and a cue; ``space``: when Space is pressed."""

    @property
    def recordings(self) -> Path:
        return self.recordings_dir or self.home / "recordings"

    @property
    def models(self) -> Path:
        return self.models_dir or self.home / "models"

    @property
    def prompts(self) -> Path:
        return self.prompts_dir or self.home / "prompts"


def data_home() -> Path:
    """Where models/, recordings/ and prompts/ live.

    ``MOCKMIC_HOME`` wins; in a source checkout it is the checkout; otherwise the XDG data dir.
    """
    env = os.environ.get("MOCKMIC_HOME")
    if env:
        return Path(env).expanduser()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "mockmic").is_dir():
        return checkout
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "mockmic"


def parse_target(text: str) -> tuple[float, float]:
    """Parse ``"60-90"`` into ``(60.0, 90.0)``."""
    try:
        lo, hi = (float(part) for part in text.replace("–", "-").split("-", 1))
    except ValueError:
        raise ConfigError(f"target {text!r}: expected MIN-MAX in seconds, e.g. 60-90") from None
    return check_target(lo, hi, repr(text))


def check_target(lo: float, hi: float, shown: str) -> tuple[float, float]:
    """A length window in seconds: finite, MIN >= 0 and MIN below MAX (``nan``/``inf`` refused)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ConfigError(f"target {shown}: seconds must be finite numbers")
    if not 0 <= lo < hi:
        raise ConfigError(f"target {shown}: MIN must be below MAX")
    return lo, hi


def _target_pair(value: Any, where: str) -> tuple[float, float]:
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        raise ConfigError(f"{where}: default_target must be \"MIN-MAX\" or [MIN, MAX] in seconds")
    try:
        return check_target(float(value[0]), float(value[1]), repr(list(value)))
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _merge(obj: Any, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        current = getattr(obj, key)
        if isinstance(current, bool) or current is None:
            changes[key] = value
        elif isinstance(current, (int, float)) and not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {key} must be a number, not {value!r}")
        elif isinstance(current, float):
            changes[key] = float(value)
        else:
            changes[key] = value
    return replace(obj, **changes)


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read settings from ``path`` (or the default file when it exists), then apply overrides.

    ``overrides`` keys are ``Settings`` fields, or ``thresholds``/``transcription`` dicts.
    """
    settings = Settings()
    if path is None:
        env = os.environ.get("MOCKMIC_CONFIG")
        path = Path(env) if env else settings.home / "mockmic.toml"
        explicit = bool(env)
    else:
        explicit = True
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from None
        settings = _apply(settings, raw, str(path))
    elif explicit:
        raise ConfigError(f"{path}: settings file not found")
    return _apply(settings, overrides, "flags")


def _apply(settings: Settings, raw: dict[str, Any], where: str) -> Settings:
    raw = dict(raw)
    changes: dict[str, Any] = {}
    if "thresholds" in raw:
        changes["thresholds"] = _merge(settings.thresholds, raw.pop("thresholds"), where)
    if "transcription" in raw:
        changes["transcription"] = _merge(
            settings.transcription, raw.pop("transcription"), where
        )
    paths = raw.pop("paths", {})
    for key, name in (("recordings", "recordings_dir"), ("models", "models_dir"),
                      ("prompts", "prompts_dir"), ("home", "home")):
        if key in paths:
            changes[name] = Path(paths[key]).expanduser()
    if "default_target" in raw:
        value = raw.pop("default_target")
        changes["default_target"] = parse_target(value) if isinstance(value, str) else _target_pair(value, where)
    for key in ("recordings_dir", "models_dir", "prompts_dir", "home"):
        if key in raw and raw[key] is not None:
            changes[key] = Path(raw.pop(key)).expanduser()
        else:
            raw.pop(key, None)
    for key in ("input_device", "start_recording"):
        if key in raw:
            changes[key] = raw.pop(key)
    if raw:
        raise ConfigError(f"{where}: unknown setting {sorted(raw)[0]!r}")
    return replace(settings, **changes)
