"""Hesitation-filler accuracy: mockmic beside real peers, same process, same audio, same model.

    .venv/bin/python bench/fillers.py [--model base] [--cache DIR] [--verbose] [--sets a,b]

(erm, one of the peers, is in the bench extras: ``.venv/bin/pip install -e '.[bench]'``.)

Systems, each run here on the 16 kHz samples mockmic decodes from every file:

* ``mockmic``     -- ``Analyzer.analyze`` as the app and ``mockmic analyze`` run it: the speech
  scan, the transcript made piece by piece at pauses with the verbatim filler prompt (beam 5, no
  earlier words carried), its hesitation words one per sound.
* ``fw-prompt``   -- a plain faster-whisper script: ``WhisperModel.transcribe`` of the whole file
  with its defaults (beam 5, previous text carried on) and mockmic's prompt as
  ``initial_prompt``; counts the hesitation words it writes.
* ``fw-verbatim`` -- the same script with erm's verbatim-style prompt (it lists the fillers and
  asks for a verbatim transcript) and ``condition_on_previous_text=False``: no carried text.
* ``erm-0.4.0``   -- erm (PyPI, MIT) with its default detectors on the same model: its verbatim
  transcription, then its gap, intra-word and over-long-word detectors (pitch-confirmed), cuts
  merged as its CLI merges them (120 ms); every cut counts as one filler.

Data sets and scoring: ``bench/filler_sets.py`` (acted clips, spontaneous fillerPT and meeting
clip, mockmic's own synthetic set, read speech). Printed per set: precision, recall, F1, false
fillers per minute of filler-free audio, and the word error rate on the read speech (fillers
left out of the hypothesis).

The audio stage that used to add fillers heard in the signal alone was judged rule by rule with
``--rules`` at commit e82a077 (``git checkout e82a077 -- bench src``): no rule raised F1 on the
spontaneous sets, which none was tuned on, so all of them went (see the README).

``--cache DIR`` keeps every Whisper output (keyed by the samples and the system) so re-runs
only redo the scoring.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from filler_sets import (  # noqa: E402
    REAL_SETS, SPONTANEOUS_SETS, Cache, Score, load_items, score, segment_words,
)

TRANSCRIBER_VERSION = 10
"""Bumped when mockmic's transcriber changes in a way its settings do not show (cache key)."""
PIECES = ("20-29", "5-20")
SET_ORDER = ("acted", "fillerPT", "fillerPT-joined", "notsofar", "spontaneous", "real", "own", "read", "filler-free")


def erm_detect(audio: np.ndarray, model_path: str) -> tuple[list[tuple[float, float]], list[dict]]:
    """erm 0.4.0's detection with its CLI defaults, on exactly these samples and this model."""
    import soundfile as sf
    from erm import (detect_gap_fillers, detect_intraword_fillers, detect_overlong_words,
                     find_fillers, is_sustained_vowel, merge_close_cuts, transcribe)
    from erm.fillers import DEFAULT_FILLERS

    from mockmic.core import SAMPLE_RATE

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "in.wav"
        sf.write(wav, audio, SAMPLE_RATE, subtype="FLOAT")
        words, duration = transcribe(wav, model_name=model_path, device="cpu", compute_type="int8")
    sr = SAMPLE_RATE
    cuts = find_fillers(words, DEFAULT_FILLERS)
    cuts += detect_gap_fillers(audio, sr, words, duration, min_gap_s=0.35, min_voiced_s=0.1, max_voiced_s=1.5)
    cuts += detect_intraword_fillers(audio, sr, words, min_word_s=0.55, min_voiced_s=0.1, max_voiced_s=1.5,
                                     confirm_pitch=True)
    long_cuts = detect_overlong_words(audio, sr, words, min_voiced_s=0.1, max_voiced_s=1.5)
    cuts += [c for c in long_cuts if is_sustained_vowel(audio, sr, c.start, c.end)]
    cuts = merge_close_cuts(sorted(cuts, key=lambda c: c.start), min_gap_s=0.12)
    return ([(c.start, c.end) for c in cuts],
            [{"text": w.text, "start": w.start, "end": w.end} for w in words])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="base")
    ap.add_argument("--cache", type=Path, default=None, help="keep Whisper outputs here between runs")
    ap.add_argument("--verbose", action="store_true", help="print every file")
    ap.add_argument("--sets", default=None, help="only these sets (comma-separated)")
    ap.add_argument("--pieces", choices=PIECES, default="20-29",
                    help="mockmic's piece lengths in seconds: 20-29 (as shipped) or 5-20 (before)")
    ap.add_argument("--mockmic-only", action="store_true", help="leave the peers out")
    ap.add_argument("--repair", choices=("full", "ban", "off"), default="full",
                    help="mockmic's loop guard: full (as shipped), ban (the repeat-ban decode only, "
                         "never the decode without the filler prompt), off (first pass only)")
    args = ap.parse_args()

    from mockmic.analysis.fillers import is_hesitation
    from mockmic.config import load_settings
    from mockmic.core import SAMPLE_RATE, Transcript, Word
    from mockmic.pipeline.engine import Analyzer, transcribe_chunks
    from mockmic.pipeline.vad import scan_speech
    from mockmic.pipeline.transcription import load_whisper, make_transcriber
    from mockmic.pipeline.models import resolve_model

    settings = load_settings()
    transcriber = make_transcriber(settings, args.model)
    from mockmic.analysis.chunks import ChunkRules

    _ablate_repair(transcriber, args.repair)
    lo, hi = (float(x) for x in args.pieces.split("-"))
    analyzer = Analyzer(settings, transcriber, ChunkRules.seconds(min_chunk=lo, max_chunk=hi))
    model_path = str(resolve_model(args.model, settings.models))
    model = load_whisper(model_path)
    prompt = settings.transcription.filler_prompt
    try:
        import erm
        erm_prompt: str | None = erm.VERBATIM_PROMPT
        if erm.__version__ != "0.4.0":
            print(f"note: erm {erm.__version__} installed, the bench extras pin 0.4.0")
    except ImportError:
        erm_prompt = None
        print("note: erm is not installed (pip install -e '.[bench]'); the erm peers are left out")
    peers = not args.mockmic_only
    cache = Cache(args.cache)
    items = load_items()
    if args.sets:
        items = [it for it in items if it.dataset in set(args.sets.split(","))]
    if not items:
        sys.exit("no data sets found")

    systems = ["mockmic", "mockmic-text", "mockmic+pieces"] + (["fw-prompt"] if peers else []) + (
        ["fw-verbatim", "erm-0.4.0"] if erm_prompt and peers else [])
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    audio_s = 0.0
    t_start = time.perf_counter()
    for item in items:
        audio = item.load()
        secs = len(audio) / SAMPLE_RATE
        audio_s += secs
        key = f"{item.name}.{hashlib.sha1(audio.tobytes()).hexdigest()[:12]}.{args.model}"
        scan = scan_speech(audio, min_silence_s=min(0.2, settings.thresholds.min_pause_s))
        # cache keys as before the 20-29 s pieces were shipped (then: "long", the batch option)
        cut = "|long" if args.pieces == "20-29" else ""
        cut += "" if args.repair == "full" else f"|repair-{args.repair}"
        tr_key = hashlib.sha1(f"{prompt}|{transcriber.beam_size}|{TRANSCRIBER_VERSION}{cut}".encode()).hexdigest()[:8]
        own = cache.get(f"{key}.mockmic-{tr_key}", lambda: [
            w.__dict__ for w in transcribe_chunks(transcriber, audio, scan, analyzer.chunk_rules).words])
        own_words = [Word(**w) for w in own]
        report = analyzer.analyze(audio, file=str(item.path), transcript=Transcript(own_words),
                                  speech=scan.intervals)
        texts: dict[str, str] = {"mockmic": " ".join(w.text for w in report.words),
                                 "mockmic-text": " ".join(w.text for w in own_words)}
        dets: dict[str, list[tuple[float, float]]] = {
            "mockmic": [(f.start, f.end) for f in report.fillers.items if f.kind == "hesitation"],
            "mockmic-text": [(w.start, w.end) for w in own_words if is_hesitation(w.text)],
        }
        # without the rule that a hyphen-led piece ("-er.") is part of the word before it
        pieces = [(w.start, w.end) for w in own_words
                  if w.text.lstrip().startswith("-") and is_hesitation(w.text.lstrip().lstrip("-"))]
        dets["mockmic+pieces"] = sorted(dets["mockmic"] + pieces)
        texts["mockmic+pieces"] = texts["mockmic"]

        def plain(p: str | None, carry: bool):
            segs, _ = model.transcribe(audio, language="en", word_timestamps=True, initial_prompt=p,
                                       condition_on_previous_text=carry)
            return segment_words(segs)

        pk = hashlib.sha1(prompt.encode()).hexdigest()[:8]
        if peers:
            fw = cache.get(f"{key}.fw-prompt-{pk}", lambda: plain(prompt, True))
            dets["fw-prompt"] = [(w["start"], w["end"]) for w in fw if is_hesitation(w["text"])]
            texts["fw-prompt"] = " ".join(w["text"] for w in fw)
        if erm_prompt and peers:
            fv = cache.get(f"{key}.fw-verbatim", lambda: plain(erm_prompt, False))
            dets["fw-verbatim"] = [(w["start"], w["end"]) for w in fv if is_hesitation(w["text"])]
            texts["fw-verbatim"] = " ".join(w["text"] for w in fv)
            er = cache.get(f"{key}.erm-0.4.0", lambda: erm_detect(audio, model_path))
            dets["erm-0.4.0"] = [tuple(c) for c in er[0]]
            texts["erm-0.4.0"] = " ".join(w["text"] for w in er[1])
        for sysname in systems:
            sc = score(item, dets[sysname], secs, texts[sysname])
            groups = [item.dataset]
            if item.dataset in REAL_SETS:
                groups.append("real")
            if item.dataset in SPONTANEOUS_SETS:
                groups.append("spontaneous")
            if item.filler_free:
                groups.append("filler-free")
            for g in groups:
                scores[(g, sysname)].add(sc)
        if args.verbose:
            print(f"{item.dataset:9s} {item.name:24s} ref {item.ref_count:2d} "
                  + " ".join(f"{s} {len(dets[s]):2d}" for s in systems)
                  + "  mockmic@ " + " ".join(f"{f.start:.2f}{f.source[0]}" for f in report.fillers.items
                                             if f.kind == "hesitation"))

    print(f"\nhesitation fillers, model {args.model}, {audio_s / 60:.1f} min of audio, "
          f"{time.perf_counter() - t_start:.0f} s")
    print("mockmic-text = every hesitation word of mockmic's transcript (before one filler per sound)")
    print("mockmic+pieces = mockmic also counting hyphen-led word pieces ('-er.') as hesitations")
    if args.repair != "full":
        print(f"loop guard: {args.repair}")
    print(f"{'set':12s} {'system':12s} {'files':>5s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'P':>5s} {'R':>5s} "
          f"{'F1':>5s} {'false/min':>10s} {'WER':>6s}")
    for d in SET_ORDER:
        if not any(k[0] == d for k in scores):
            continue
        for sysname in systems:
            sc = scores[(d, sysname)]
            p, r, f = sc.prf()
            has_refs = sc.tp + sc.fn > 0
            pm, wer = sc.per_min(), sc.wer()
            prf = f"{p:5.2f} {r:5.2f} {f:5.2f}" if has_refs else f"{'-':>5s} {'-':>5s} {'-':>5s}"
            print(f"{d:12s} {sysname:12s} {sc.files:5d} {sc.tp:4d} {sc.fp:4d} {sc.fn:4d} {prf} "
                  f"{'-' if pm is None else f'{pm:.2f}':>10s} {'-' if wer is None else f'{wer:.3f}':>6s}")
        print()


def _ablate_repair(transcriber, how: str) -> None:
    """Swap mockmic's loop guard for a shallower one (``--repair``), to measure what each step adds."""
    if how == "full":
        return
    from mockmic.pipeline import transcription as tr

    def ban_only(audio, words, prompt):
        if not tr._degenerate(words):
            return words
        return tr.cut_loops(transcriber._decode(audio, prompt, no_repeat=tr.NO_REPEAT_NGRAM))

    transcriber._repair_loops = ban_only if how == "ban" else (lambda audio, words, prompt: words)


if __name__ == "__main__":
    main()
