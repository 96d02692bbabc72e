"""Filler counting end to end with the real ``base`` Whisper model.

On the shared filler clips (real, acted speech by one speaker; skipped when ../shared/data is
absent) and on mockmic's own synthetic Piper answers in tests/data/fillers (always present).
The bars below are the levels measured when this was written minus a margin of two or three
fillers, over enough fillers (16 real, ~30 synthetic) that Whisper's run-to-run variation
(temperature fallback) does not decide the outcome, while a change that makes the count clearly
worse fails; bench/fillers.py prints the full figures.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from mockmic.analysis.fillers import is_hesitation
from mockmic.core import SAMPLE_RATE

pytestmark = pytest.mark.slow

OWN = Path(__file__).resolve().parents[1] / "data" / "fillers"


@pytest.fixture(scope="module")
def analyzer():
    from mockmic.config import load_settings
    from mockmic.engine import Analyzer
    from mockmic.transcription import make_transcriber

    settings = load_settings()
    try:
        transcriber = make_transcriber(settings, "base")
    except Exception as exc:  # noqa: BLE001 - a missing model is an environment problem
        pytest.skip(f"base model not available: {exc}")
    return Analyzer(settings, transcriber)


def hesitations(report) -> list:
    return [f for f in report.fillers.items if f.kind == "hesitation"]


def analyze(analyzer, path: Path):
    from mockmic.audio.io import decode_file

    audio = decode_file(path).samples
    return analyzer.analyze(audio, file=str(path)), len(audio) / SAMPLE_RATE


def test_shared_clips_fillers_found_and_non_fillers_left_alone(analyzer, shared_speech: Path) -> None:
    clips = shared_speech / "filler_clips"
    refs = {}
    with open(clips / "references.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            refs[row["utterance"]] = sum(
                1 for t in row["reference_transcript"].split()
                if not t.startswith(("<", "[", "'")) and is_hesitation(t)
            )
    # clips with fillers: um/uh held between words, and two runs of six in a row (16 in all, so
    # one filler more or less from Whisper's run-to-run variation moves recall by ~6%)
    with_fillers = ["mfa_uhum", "mfa_uhuh", "mfa_um", "mfa_uh", "mfa_crossword"]
    reports = {name: analyze(analyzer, clips / f"{name}.flac")[0] for name in with_fillers}
    found = {name: len(hesitations(r)) for name, r in reports.items()}
    total_ref = sum(refs[n] for n in with_fillers)
    matched = sum(min(found[n], refs[n]) for n in with_fillers)
    extra = sum(max(0, found[n] - refs[n]) for n in with_fillers)
    # measured 12/16 (Whisper's own transcript: 7 of them); the bar leaves room for two misses
    assert matched >= 0.6 * total_ref, (found, {n: refs[n] for n in with_fillers})
    assert extra <= 1, found
    # laughter, breaths, creaky and whispered speech, cut-off and drawn-out words, a held word
    # end: no fillers in the reference; at most one false filler over all of them
    free = ["mfa_breaths", "mfa_creaky", "mfa_whisper", "mfa_cutoff", "mfa_longstop", "whisper2",
            "mfa_laughter", "mfa_affectation", "mfa_internalsil", "mfa_long"]
    false = {}
    for name in free:
        assert refs[name] == 0
        report, _ = analyze(analyzer, clips / f"{name}.flac")
        if hesitations(report):
            false[name] = hesitations(report)
    assert sum(len(v) for v in false.values()) <= 1, false
    # every filler carries its time, kind and source, and some came from the audio alone
    for report in reports.values():
        for f in report.fillers.items:
            assert f.source in ("transcript", "audio") and f.end >= f.start >= 0
    assert any(f.source == "audio" for r in reports.values() for f in hesitations(r))


def test_own_synthetic_set(analyzer) -> None:
    ref_file = OWN / "references.tsv"
    assert ref_file.exists(), "tests/data/fillers is part of the repository"
    times: dict[str, list[tuple[float, float]]] = {}
    with open(ref_file, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            times.setdefault(row["file"], [])
            if row["start"]:
                times[row["file"]].append((float(row["start"]), float(row["end"])))
    # the whole set (43 fillers), so a single filler Whisper writes or drops from one run
    # to the next moves recall by ~2%, not ~8% as on a handful of files
    tp = tp_audio = n_ref = n_det = false_free = 0
    free_s = 0.0
    for name in sorted(times):
        report, dur = analyze(analyzer, OWN / f"{name}.flac")
        det = [(f.start, f.end, f.source) for f in hesitations(report)]
        ref = times[name]
        n_ref += len(ref)
        n_det += len(det)
        if not ref:
            false_free += len(det)
            free_s += dur
        used: set[int] = set()
        for a, b in ref:
            for j, (c, d, src) in enumerate(det):
                if j not in used and max(0.0, c - b, a - d) <= 0.3:
                    used.add(j)
                    tp += 1
                    tp_audio += src == "audio"
                    break
    assert n_ref > 0 and free_s > 0
    # measured 30/43 (dev, held-out and fresh files; 25 of them from the audio, 5 from the
    # transcript); the bar leaves room for 4 misses
    assert tp / n_ref >= 0.6, (tp, n_ref)
    assert tp_audio >= 18, (tp_audio, tp)  # the audio stage itself finds what Whisper dropped (25)
    assert tp / max(1, n_det) >= 0.85, (tp, n_det)
    assert false_free / (free_s / 60) <= 1.0, (false_free, free_s)


def test_cli_json_reports_filler_sources(analyzer) -> None:
    from click.testing import CliRunner

    from mockmic.cli import cli

    path = OWN / "fill_06.flac"
    result = CliRunner().invoke(cli, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    items = data["fillers"]["items"]
    hes = [i for i in items if i["kind"] == "hesitation"]
    # fill_06 has four fillers, none of which Whisper writes down: they come from the audio
    assert len(hes) >= 2
    assert all(i["source"] in ("transcript", "audio") and i["end"] >= i["start"] for i in items)
    assert any(i["source"] == "audio" for i in hes)
    assert data["fillers"]["count"] == len(items)
