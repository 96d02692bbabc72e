"""Filler counting end to end with the real ``base`` Whisper model.

On real spontaneous speech by other voices (the shared fillerPT picture descriptions and their
filler-free twins, and a meeting clip), on the shared acted clips, and on mockmic's own
synthetic Piper answers in tests/data/fillers (always present). The shared sets are skipped when
../shared/data is absent.

Each bar is the level measured when this was written (``bench/fillers.py``) minus a margin of
one or two fillers, so that a small change in Whisper or its settings does not decide the outcome
while a change that makes the count clearly
worse fails. The fillerPT subset is every other recording (6 of 12 pairs) to keep the suite short.
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
WINDOW = (3.0, 4.9)  # the labelled stretch of each fillerPT recording (see its README)


@pytest.fixture(scope="module")
def analyzer():
    from mockmic.config import load_settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.transcription import make_transcriber

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


def in_window(report) -> list:
    return [f for f in hesitations(report) if f.end > WINDOW[0] and f.start < WINDOW[1]]


def test_spontaneous_um_found_and_its_replacement_left_alone(analyzer, shared_speech: Path) -> None:
    folder = shared_speech / "spontaneous" / "fillerPT"
    found, false = {}, {}
    for n in (6, 18, 30, 42, 54, 66):
        found[n] = len(in_window(analyze(analyzer, folder / f"{n}umE.wav")[0]))
        # the twin: the same recording with that "um" replaced by a non-speech sound
        false[n] = [(f.text, f.start) for f in in_window(analyze(analyzer, folder / f"{n}umB.wav")[0])]
    # measured: every "um" found (6 of 6), nothing in the twins' windows
    assert sum(min(1, c) for c in found.values()) >= 5, found
    assert sum(max(0, c - 1) for c in found.values()) <= 1, found  # one "um" counted once
    assert sum(len(v) for v in false.values()) <= 1, false


def test_meeting_clip_umms(analyzer, shared_speech: Path) -> None:
    path = shared_speech / "spontaneous" / "notsofar" / "notsofar_example.wav"
    report, _ = analyze(analyzer, path)
    # reference: "self-checkout umm you can pay umm you know with umm from your shopping"
    n = len(hesitations(report))
    assert 2 <= n <= 3, [(f.text, f.start) for f in hesitations(report)]  # measured: 2
    assert all(f.source == "transcript" for f in report.fillers.items)


def test_shared_clips_fillers_found_and_non_fillers_left_alone(analyzer, shared_speech: Path) -> None:
    clips = shared_speech / "filler_clips"
    refs = {}
    with open(clips / "references.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            refs[row["utterance"]] = sum(
                1 for t in row["reference_transcript"].split()
                if not t.startswith(("<", "[", "'")) and is_hesitation(t)
            )
    # um/uh held between words, and two runs of six in a row (16 in all)
    with_fillers = ["mfa_uhum", "mfa_uhuh", "mfa_um", "mfa_uh", "mfa_crossword"]
    found = {name: len(hesitations(analyze(analyzer, clips / f"{name}.flac")[0])) for name in with_fillers}
    matched = sum(min(found[n], refs[n]) for n in with_fillers)
    extra = sum(max(0, found[n] - refs[n]) for n in with_fillers)
    # measured 16 of 16 (bench/fillers.py --sets acted): the six "uh"s in a row of mfa_uhuh send
    # the first pass into a loop, and the decode with the repeat ban writes all six
    assert matched >= 14, (found, {n: refs[n] for n in with_fillers})
    assert extra <= 2, found
    # laughter, breaths, creaky and whispered speech, drawn-out words, a held word end: no
    # fillers in the reference
    free = ["mfa_breaths", "mfa_creaky", "mfa_whisper", "mfa_longstop", "whisper2",
            "mfa_laughter", "mfa_affectation", "mfa_internalsil", "mfa_long"]
    false = {}
    for name in free:
        assert refs[name] == 0
        report, _ = analyze(analyzer, clips / f"{name}.flac")
        if hesitations(report):
            false[name] = [(f.text, f.start) for f in hesitations(report)]
    # measured 3, all in mfa_breaths: its first pass loops, and the decode with the repeat ban
    # writes the three breaths as "ah" (README: not reached yet)
    assert sum(len(v) for v in false.values()) <= 4, false


def test_own_synthetic_set(analyzer) -> None:
    ref_file = OWN / "references.tsv"
    assert ref_file.exists(), "tests/data/fillers is part of the repository"
    times: dict[str, list[tuple[float, float]]] = {}
    with open(ref_file, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            times.setdefault(row["file"], [])
            if row["start"]:
                times[row["file"]].append((float(row["start"]), float(row["end"])))
    # half the files (every other one), so the suite stays short; ~20 fillers
    names = sorted(times)[::2]
    tp = n_ref = n_det = false_free = 0
    free_s = 0.0
    for name in names:
        report, dur = analyze(analyzer, OWN / f"{name}.flac")
        det = [(f.start, f.end) for f in hesitations(report)]
        ref = times[name]
        n_ref += len(ref)
        n_det += len(det)
        if not ref:
            false_free += len(det)
            free_s += dur
        used: set[int] = set()
        for a, b in ref:
            for j, (c, d) in enumerate(det):
                if j not in used and max(0.0, c - b, a - d) <= 0.3:
                    used.add(j)
                    tp += 1
                    break
    assert n_ref > 0 and free_s > 0
    # these Piper voices' inserted fillers are synthetic, and Whisper writes fewer than half of
    # them (measured on the whole set: 0.44-0.49); none is made up, on clean answers or off them
    assert tp / n_ref >= 0.3, (tp, n_ref)
    assert tp / max(1, n_det) >= 0.9, (tp, n_det)
    assert false_free == 0, (false_free, free_s)


def test_cli_json_reports_filler_sources(analyzer, shared_speech: Path) -> None:
    from click.testing import CliRunner

    from mockmic.cli import cli

    path = shared_speech / "filler_clips" / "mfa_uhum.flac"
    result = CliRunner().invoke(cli, ["analyze", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{"):])
    items = data["fillers"]["items"]
    hes = [i for i in items if i["kind"] == "hesitation"]
    assert len(hes) >= 4  # "uh ... um ... uh ... hmm ... hmm ... um": six in the reference
    assert all(i["source"] == "transcript" and i["end"] >= i["start"] for i in items)
    assert data["fillers"]["count"] == len(items)
    # each filler is a word of the transcript, marked as a filler there
    marked = [w for w in data["words"] if w["filler"]]
    assert len(marked) >= len(hes)


def test_hard_audio_decodes_to_the_same_words_every_time(analyzer, shared_speech: Path) -> None:
    # The acted clip of stammered cut-off words sends Whisper into its quality fallback, which
    # used to sample: three decodes of the same chunk in one process gave three transcripts.
    # The live session and a whole-file analysis only agree if a chunk always gives its words.
    from mockmic.audio.io import decode_file

    audio = decode_file(shared_speech / "filler_clips" / "mfa_cutoff.flac").samples
    piece = audio[int(11.77 * SAMPLE_RATE):int(17.88 * SAMPLE_RATE)]
    t = analyzer.transcriber
    runs = [[(w.text, w.start, w.end) for w in t.transcribe(piece).words] for _ in range(3)]
    assert runs[0], "the chunk has speech"
    assert runs[1] == runs[0] and runs[2] == runs[0]
