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
        """The question bank: ``paths.prompts``, else ``prompts/`` in the data folder when it
        holds question files (a checkout), else the bank bundled in the installed package."""
        if self.prompts_dir is not None:
            return self.prompts_dir
        own = self.home / "prompts"
        if _has_bank(own):
            return own
        return bundled_prompts() or own

    @property
    def user_questions(self) -> Path:
        """The user's own questions: ``my_questions.toml`` in the prompts folder of the data
        folder (never inside the installed package)."""
        return (self.prompts_dir or self.home / "prompts") / USER_QUESTIONS_FILE


USER_QUESTIONS_FILE = "my_questions.toml"


def _has_bank(folder: Path) -> bool:
    try:
        return any(p.name != USER_QUESTIONS_FILE for p in folder.glob("*.toml"))
    except OSError:
        return False


def bundled_prompts() -> Path | None:
    """The question bank and its spoken audio that ship with this copy of mockmic: inside the
    wheel (``mockmic/prompts``, package data read with :mod:`importlib.resources`), or, run from
    a source checkout, the checkout's ``prompts/`` (so that a ``MOCKMIC_HOME`` elsewhere still
    has the questions). None when neither holds a bank."""
    from importlib.resources import files

    try:
        res = files("mockmic") / "prompts"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover
        res = None
    if isinstance(res, Path) and _has_bank(res):
        return res
    checkout = Path(__file__).resolve().parents[2] / "prompts"
    return checkout if (checkout.parent / "pyproject.toml").is_file() and _has_bank(checkout) else None


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


WINDOW_FORMAT = "expected MIN-MAX or [MIN, MAX] in seconds, e.g. 60-90"


def parse_window(value: Any, *, max_s: float | None = None) -> tuple[float, float]:
    """The one reader of an answer-length window, wherever it is written: ``"60-90"`` (or
    ``"60–90"``) on the command line, in the settings or in a question file, or ``[60, 90]`` in
    TOML. Seconds must be finite, MIN >= 0 and MIN below MAX (and MAX at most ``max_s``).

    Raises:
        ConfigError: the reason alone; callers say where the value came from.
    """
    if isinstance(value, str):
        parts = value.replace("–", "-").split("-")
        try:
            lo, hi = (float(p) for p in parts)
        except ValueError:
            raise ConfigError(WINDOW_FORMAT) from None
    elif (isinstance(value, (list, tuple)) and len(value) == 2
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)):
        lo, hi = float(value[0]), float(value[1])
    else:
        raise ConfigError(WINDOW_FORMAT)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ConfigError("seconds must be finite numbers")
    if lo < 0:
        raise ConfigError("seconds must not be negative")
    if lo >= hi:
        raise ConfigError("MIN must be below MAX")
    if max_s is not None and hi > max_s:
        raise ConfigError(f"MAX above {max_s:g} s")
    return lo, hi


def parse_target(text: str) -> tuple[float, float]:
    """``--target "60-90"`` -> ``(60.0, 90.0)``; a :class:`ConfigError` naming the value otherwise."""
    try:
        return parse_window(text)
    except ConfigError as exc:
        raise ConfigError(f"target {text!r}: {exc}") from None


BELOW_FULL_SCALE = frozenset({"too_quiet_dbfs"})
"""Levels in dB relative to full scale: at most 0 (every other number is at least 0)."""


def _merge(obj: Any, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown setting {key!r}")
        current = getattr(obj, key)
        if isinstance(current, bool) or current is None:
            changes[key] = value
        elif isinstance(current, (int, float)) and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            raise ConfigError(f"{where}: {key} must be a number, not {value!r}")
        elif key in BELOW_FULL_SCALE and not (math.isfinite(value) and value <= 0):
            raise ConfigError(f"{where}: {key} is in dB below full scale: a finite number of at most 0, not {value!r}")
        elif (isinstance(current, (int, float)) and key not in BELOW_FULL_SCALE
              and not (math.isfinite(value) and value >= 0)):
            raise ConfigError(f"{where}: {key} must be a finite number of at least 0, not {value!r}")
        elif isinstance(current, int) and value != int(value):
            raise ConfigError(f"{where}: {key} must be a whole number, not {value!r}")
        elif isinstance(current, int):
            changes[key] = int(value)
        elif isinstance(current, float):
            changes[key] = float(value)
        else:
            changes[key] = value
    return replace(obj, **changes)


def settings_path(path: Path | None = None) -> Path:
    """The settings file: ``path`` if given, else ``MOCKMIC_CONFIG``, else ``mockmic.toml`` in the data home."""
    if path is not None:
        return path
    env = os.environ.get("MOCKMIC_CONFIG")
    return Path(env) if env else data_home() / "mockmic.toml"


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read settings from ``path`` (or the default file when it exists), then apply overrides.

    ``overrides`` keys are ``Settings`` fields, or ``thresholds``/``transcription`` dicts.
    """
    settings = Settings()
    explicit = path is not None or bool(os.environ.get("MOCKMIC_CONFIG"))
    path = settings_path(path)
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
        try:
            changes["default_target"] = parse_window(value)
        except ConfigError as exc:
            raise ConfigError(f"{where}: default_target {value!r}: {exc}") from None
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


THRESHOLD_HELP: dict[str, tuple[str, str]] = {
    "slow_start_s": ("Slow start after (s)", "a long silence before the first word reads as unprepared"),
    "wpm_rushed": ("Rushed above (words/min)", "Read.ai: 130-175 wpm; Microsoft Speaker Coach: 100-165 wpm"),
    "wpm_slow": ("Slow below (words/min)", "Microsoft Speaker Coach: 100-165 wpm"),
    "pace_window_s": ("Pace window (s)", "width of the sliding window for pace over time"),
    "pace_step_s": ("Pace step (s)", "step of the sliding window"),
    "speeding_up_ratio": ("Speeding up by (share)", "last third faster than the first by this share"),
    "filler_percent": ("Many fillers above (% of words)", "Read.ai: fewer than 4% filler words"),
    "filler_per_minute": ("Many fillers above (per min)", "about one every 10 s"),
    "filler_cluster_count": ("Filler cluster: count", "this many fillers close together"),
    "filler_cluster_window_s": ("Filler cluster: within (s)", "the window for a cluster"),
    "min_pause_s": ("Shortest pause (s)", "fluency research counts silent pauses from 200-300 ms"),
    "long_pause_s": ("Long pause from (s)", "a silence of 3 s reads as lost"),
    "choppy_pause_s": ("Mid-sentence pause from (s)", "pauses inside clauses drive perceived disfluency"),
    "choppy_per_minute": ("Choppy above (per min)", "mid-sentence pauses per minute"),
    "flat_window_s": ("Monotone: window (s)", "pitch variety is judged over stretches of this length"),
    "flat_range_st": ("Monotone below (semitones)", "10th-90th percentile pitch range in a window; set by "
                      "measurement on natural and flattened speech (README)"),
    "flat_min_voiced_s": ("Monotone: voiced speech needed (s)", "a window is judged with this much voiced speech"),
    "trailing_drop_db": ("Trailing off: end quieter by (dB)", "a sentence's last quarter against the rest"),
    "trailing_share": ("Trailing off: share of sentences", "flag when more than this share of sentences fade"),
    "too_quiet_dbfs": ("Too quiet below (dBFS)", "14 dB under the -26 dBov nominal speech level of ITU-T P.56"),
}
"""A plain label and where the default comes from, per threshold (PRODUCT.md); the settings screen
shows them. A threshold missing here is shown by its name."""


def save_settings(path: Path, changes: dict[str, Any]) -> Settings:
    """Merge ``changes`` (the settings-file layout: ``thresholds``/``transcription`` tables and
    top-level keys; None removes a key, so its default applies) into the TOML file at ``path``,
    keeping every other key in it, and write it
    atomically (readable by the user only). The result is checked by reading it as the next start
    will; an invalid result raises :class:`ConfigError` and leaves the file as it was.
    """
    import tomli_w

    raw: dict[str, Any] = {}
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove it first") from None
    for key, value in changes.items():
        if isinstance(value, dict):
            table = dict(raw.get(key, {}))
            for name, item in value.items():
                if item is None:
                    table.pop(name, None)
                else:
                    table[name] = item
            if table:
                raw[key] = table
            else:
                raw.pop(key, None)
        elif value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    checked = _apply(Settings(), raw, str(path))
    text = tomli_w.dumps(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("# mockmic settings (written by the settings screen; every key is optional)\n")
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return checked
