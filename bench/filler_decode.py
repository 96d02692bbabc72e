"""Why does mockmic's transcript write fewer fillers than a plain faster-whisper script?

    .venv/bin/python bench/filler_decode.py [--model base] [--cache DIR] [--variants a,b,...]

Decodes every labelled file (``bench/filler_sets.py``) under variants that change one thing at
a time -- prompt wording, the previous words carried into the prompt, the chunking at pauses,
the beam size -- and prints, per set, the hesitation words each transcript writes (no audio
stage), scored like ``bench/fillers.py``, with the word error rate on the read speech.

Variants (name: chunking / prompt / carried words / beam):

* ``v0-today``    chunks / OpenAI filler prompt / last 40 words / beam 1 (mockmic before issue 11)
* ``v1-nocarry``  chunks / OpenAI filler prompt / none / beam 1
* ``v2-verbatim+carry`` chunks / verbatim prompt / last 40 words / beam 1
* ``v3-verbatim`` chunks / verbatim prompt / none / beam 1
* ``v4-verbatim-b5`` chunks / verbatim prompt / none / beam 5
* ``v5-whole``    whole file (30 s windows) / verbatim prompt / none / beam 1
* ``v6-whole-b5`` whole file / verbatim prompt / none / beam 5
* ``p-filler``    whole file / OpenAI filler prompt / faster-whisper defaults (beam 5, carried
  text on): the plain script with the old mockmic prompt
* ``erm-prompt``  whole file / erm's verbatim prompt / none / beam 5 (the plain verbatim script)

The verbatim prompt is mockmic's (``mockmic.config.VERBATIM_PROMPT``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from filler_sets import REAL_SETS, Cache, Score, load_items, score, segment_words  # noqa: E402

OPENAI_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking."
CARRY = 40


def decode(model, audio, prompt, beam, carry_on=False) -> list[dict]:
    segs, _ = model.transcribe(audio, language="en", beam_size=beam, word_timestamps=True,
                               initial_prompt=prompt or None, condition_on_previous_text=carry_on,
                               vad_filter=False)
    return segment_words(segs)


def chunked(model, audio, scan, rules, prompt, carry, beam) -> list[dict]:
    from mockmic.analysis.chunks import plan
    from mockmic.core import SAMPLE_RATE

    out: list[dict] = []
    for a, b in plan(scan.stretches, len(audio), scan.probs, rules):
        carried = " ".join(w["text"] for w in out[-CARRY:]) if carry else ""
        p = " ".join(x for x in (prompt, carried) if x)
        for w in decode(model, audio[a:b], p, beam):
            off = a / SAMPLE_RATE
            out.append({"text": w["text"], "start": w["start"] + off, "end": w["end"] + off})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="base")
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--variants", default=None)
    ap.add_argument("--sets", default=None, help="comma-separated set names (default all)")
    args = ap.parse_args()

    from mockmic.analysis.chunks import ChunkRules
    from mockmic.analysis.fillers import is_hesitation
    from mockmic.config import VERBATIM_PROMPT, load_settings
    from mockmic.core import SAMPLE_RATE
    from mockmic.pipeline.vad import scan_speech
    from mockmic.pipeline.transcription import load_whisper
    from mockmic.pipeline.models import resolve_model

    try:
        import erm
        erm_prompt = erm.VERBATIM_PROMPT
    except ImportError:
        erm_prompt = None
    settings = load_settings()
    model = load_whisper(str(resolve_model(args.model, settings.models)))
    rules = ChunkRules()
    variants = {
        "v0-today": lambda a, s: chunked(model, a, s, rules, OPENAI_PROMPT, True, 1),
        "v1-nocarry": lambda a, s: chunked(model, a, s, rules, OPENAI_PROMPT, False, 1),
        "v2-verbatim+carry": lambda a, s: chunked(model, a, s, rules, VERBATIM_PROMPT, True, 1),
        "v3-verbatim": lambda a, s: chunked(model, a, s, rules, VERBATIM_PROMPT, False, 1),
        "v4-verbatim-b5": lambda a, s: chunked(model, a, s, rules, VERBATIM_PROMPT, False, 5),
        "v5-whole": lambda a, s: decode(model, a, VERBATIM_PROMPT, 1),
        "v6-whole-b5": lambda a, s: decode(model, a, VERBATIM_PROMPT, 5),
        "p-filler": lambda a, s: decode(model, a, OPENAI_PROMPT, 5, carry_on=True),
    }
    if erm_prompt:
        variants["erm-prompt"] = lambda a, s: decode(model, a, erm_prompt, 5)
    names = args.variants.split(",") if args.variants else list(variants)
    items = load_items()
    if args.sets:
        keep = set(args.sets.split(","))
        items = [it for it in items if it.dataset in keep]
    cache = Cache(args.cache)
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    for item in items:
        audio = item.load()
        secs = len(audio) / SAMPLE_RATE
        scan = scan_speech(audio, min_silence_s=min(0.2, settings.thresholds.min_pause_s))
        digest = hashlib.sha1(audio.tobytes()).hexdigest()[:12]
        for v in names:
            words = cache.get(f"{item.name}.{digest}.{args.model}.{v}",
                              lambda: variants[v](np.asarray(audio, np.float32), scan))  # noqa: B023
            det = [(w["start"], w["end"]) for w in words if is_hesitation(w["text"])]
            sc = score(item, det, secs, " ".join(w["text"] for w in words))
            scores[(item.dataset, v)].add(sc)
            if item.dataset in REAL_SETS:
                scores[("real", v)].add(sc)

    sets = [d for d in ("acted", "fillerPT", "fillerPT-joined", "notsofar", "real", "own", "read") if any(k[0] == d for k in scores)]
    print(f"\nhesitation words written in the transcript (no audio stage), model {args.model}")
    print(f"{'set':9s} {'variant':18s} {'files':>5s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'P':>5s} {'R':>5s} "
          f"{'F1':>5s} {'false/min':>9s} {'WER':>6s}")
    for d in sets:
        for v in names:
            sc = scores[(d, v)]
            p, r, f = sc.prf()
            pm = sc.per_min()
            wer = sc.wer()
            print(f"{d:9s} {v:18s} {sc.files:5d} {sc.tp:4d} {sc.fp:4d} {sc.fn:4d} {p:5.2f} {r:5.2f} {f:5.2f} "
                  f"{'' if pm is None else f'{pm:9.2f}':>9s} {'' if wer is None else f'{wer:6.3f}':>6s}")
        print()


if __name__ == "__main__":
    main()
