"""Where a batch's CPU time goes, against the plain loop, and how low it could go.

    .venv/bin/python bench/batch_cost.py [--model base] [--files F ...]

Everything runs on one thread (``cpu_threads=1``), one file after the other, so that the time
spent inside each CTranslate2 call is CPU time and nothing overlaps. For mockmic's decode (the
app's pieces, prompt and beam) and for the plain faster-whisper loop of ``bench/batch_scale.py``
on the same files, it prints the encoder passes, decoder calls and word alignments with the
seconds spent in each, and the rest (VAD, pitch, audio decoding, Python).

Then it measures batched decoding: the first window of every piece is encoded once, and
``generate`` (beam 5, the filler prompt) runs on them one piece per call and then in calls of
2, 4 and 8 pieces, with a check that every batch wrote the same tokens as one by one.

Last, a floor: mockmic's own encoder and other work plus its decoder calls at the best batched
cost, spread over the machine's cores with nothing lost to waiting, against the plain loop's
measured time (``bench/batch_scale.py`` gives that in the same run as ``mockmic batch``).
Prints numbers; asserts nothing. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Timed:
    """A CTranslate2 Whisper model whose encode/generate/align calls are counted and timed."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self.calls: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._model, name)
        if name not in ("encode", "generate", "align"):
            return attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                self.calls[name] += 1
                self.seconds[name] += time.perf_counter() - t0

        return timed

    def reset(self) -> None:
        self.calls.clear()
        self.seconds.clear()


def spoken(report: Any) -> list[str]:
    """A report's words and its fillers with their times: what must not change between ways."""
    return [w.text for w in report.words] + [f"{f.text}@{f.start:.2f}" for f in report.fillers.items]


def line(name: str, timed: Timed, total_cpu: float, wall: float) -> str:
    parts = [f"{k} {timed.calls[k]:3d} x = {timed.seconds[k]:5.1f} s" for k in ("encode", "generate", "align")]
    rest = total_cpu - sum(timed.seconds.values())
    return f"{name:<18} {' | '.join(parts)} | rest {rest:4.1f} s | CPU {total_cpu:5.1f} s, wall {wall:5.1f} s"


class DecodeBatcher:
    """A CTranslate2 Whisper model whose concurrent single-piece ``generate`` calls with the same
    options are decoded in one call (a trial; ``mockmic batch`` does not use it).

    The first caller to find the decoder free decodes every waiting call that can share its
    pass (same prompt length and options, at most ``max_batch``) and hands out the results."""

    def __init__(self, model: Any, max_batch: int) -> None:
        import threading

        self._model = model
        self.max_batch = max_batch
        self._cond = threading.Condition()
        self._waiting: list[dict[str, Any]] = []
        self._busy = False
        self.calls = 0
        self.pieces = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)

    def generate(self, features: Any, prompts: list[list[int]], **options: Any) -> list[Any]:
        if len(prompts) != 1:
            return self._model.generate(features, prompts, **options)
        key = (len(prompts[0]), repr(sorted(options.items())))
        call: dict[str, Any] = {"key": key, "features": features, "prompt": prompts[0],
                                "options": options, "done": False}
        with self._cond:
            self._waiting.append(call)
            while not call["done"]:
                if self._busy:
                    self._cond.wait()
                    continue
                batch = [c for c in self._waiting if c["key"] == self._waiting[0]["key"]][: self.max_batch]
                self._waiting = [c for c in self._waiting if not any(c is b for b in batch)]
                self._busy = True
                self._cond.release()
                try:
                    self._decode(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if "error" in call:
            raise call["error"]
        return [call["result"]]

    def _decode(self, batch: list[dict[str, Any]]) -> None:
        import ctranslate2
        import numpy as np

        try:
            if len(batch) == 1:
                features = batch[0]["features"]
            else:
                stacked = np.concatenate([np.asarray(c["features"]) for c in batch])
                features = ctranslate2.StorageView.from_array(np.ascontiguousarray(stacked))
            out = self._model.generate(features, [c["prompt"] for c in batch], **batch[0]["options"])
            for c, r in zip(batch, out):
                c["result"] = r
        except Exception as exc:  # noqa: BLE001 - every caller of the batch sees it
            for c in batch:
                c["error"] = exc
        self.calls += 1
        self.pieces += len(batch)
        for c in batch:
            c["done"] = True


def trial_child(files: list[Path], model_name: str, jobs: int, lock: bool, cap10: bool) -> None:
    """``mockmic batch``'s runner with the decoders' calls gathered; prints one JSON line.

    ``cap10``: the token cap of a piece (``max_tokens``) is rounded up to the next 10 s of audio,
    so that pieces of different lengths can share a decoder pass (CTranslate2 takes one
    ``max_length`` per call)."""
    import json
    import math

    from batch_scale import TreePeak

    if cap10:
        from mockmic.pipeline import transcription

        exact = transcription.max_tokens
        transcription.max_tokens = lambda seconds: exact(10.0 * math.ceil(seconds / 10.0))

    from faster_whisper import WhisperModel

    from mockmic.config import load_settings
    from mockmic.pipeline import batch
    from mockmic.pipeline.transcription import WhisperTranscriber, make_transcriber

    settings = load_settings()
    base = make_transcriber(settings, model_name)
    model = WhisperModel(base.model_path, device="cpu", compute_type="int8", cpu_threads=1,
                         num_workers=2, local_files_only=True)
    if lock:
        model.encode = batch._one_at_a_time(model.encode)
    batcher = DecodeBatcher(model.model, max_batch=jobs)
    model.model = batcher

    class Shared(WhisperTranscriber):
        @property
        def model(self) -> Any:
            return model

    def factory(_i: int, _n: int) -> Any:
        return Shared(base.model_path, name=base.name, language=base.language,
                      filler_prompt=base.filler_prompt, beam_size=base.beam_size, cpu_threads=1)

    peak = TreePeak(os.getpid())
    c0, t0 = cpu_s(), time.perf_counter()
    summary = batch.analyze_paths(files, settings, jobs=jobs, transcriber_factory=factory)
    wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    words = {str(r.path): spoken(r.report) for r in summary.results if r.report is not None}
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak.stop(), "calls": batcher.calls,
                      "pieces": batcher.pieces, "words": words}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="base")
    ap.add_argument("--files", nargs="*", type=Path, default=None)
    ap.add_argument("--trial-jobs", type=int, default=6,
                    help="files in flight in the trial runner that gathers decoder calls (0: skip it)")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        trial_child(args.files or [], args.model, args.trial_jobs, "nolock" not in args.child,
                    "cap10" in args.child)
        return 0

    import numpy as np
    from faster_whisper import WhisperModel
    from faster_whisper.tokenizer import Tokenizer

    from batch_scale import default_files
    from mockmic.analysis.chunks import ChunkRules, plan
    from mockmic.audio.io import decode_file
    from mockmic.config import load_settings
    from mockmic.pipeline.engine import Analyzer
    from mockmic.pipeline.models import resolve_model
    from mockmic.pipeline.transcription import WhisperTranscriber
    from mockmic.pipeline.vad import scan_speech

    files = args.files or default_files()
    settings = load_settings()
    path = str(resolve_model(args.model, settings.models))
    tcfg = settings.transcription
    print(f"model {args.model}, {len(files)} files, one thread; load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")

    # mockmic: the app's transcriber on one thread, one file after the other
    transcriber = WhisperTranscriber(path, name=args.model, language=tcfg.language,
                                     filler_prompt=tcfg.filler_prompt, beam_size=tcfg.beam_size,
                                     cpu_threads=1)
    own = transcriber.model
    timed = Timed(own.model)
    own.model = timed
    analyzer = Analyzer(settings, transcriber)
    analyzer.analyze_file(files[0])  # warm-up
    timed.reset()
    c0, t0 = cpu_s(), time.perf_counter()
    reference_words: dict[str, list[str]] = {}
    for f in files:
        reference_words[str(f)] = spoken(analyzer.analyze_file(f).report)
    m_cpu, m_wall = cpu_s() - c0, time.perf_counter() - t0
    m_enc, m_gen, m_align = (timed.seconds[k] for k in ("encode", "generate", "align"))
    print(line("mockmic", timed, m_cpu, m_wall))

    # the plain loop of bench/batch_scale.py, on one thread
    plain = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=1, local_files_only=True)
    ptimed = Timed(plain.model)
    plain.model = ptimed
    list(plain.transcribe(str(files[0]), language="en", word_timestamps=True)[0])
    ptimed.reset()
    c0, t0 = cpu_s(), time.perf_counter()
    for f in files:
        list(plain.transcribe(str(f), language="en", word_timestamps=True)[0])
    p_cpu, p_wall = cpu_s() - c0, time.perf_counter() - t0
    print(line("plain loop", ptimed, p_cpu, p_wall))

    # batched decoding of the first window of every piece
    import ctranslate2

    tok = Tokenizer(own.hf_tokenizer, own.model.is_multilingual, task="transcribe", language="en")
    prompt = [tok.sot_prev] + tok.encode(" " + tcfg.filler_prompt.strip())[-223:] + list(tok.sot_sequence)
    encoded = []
    for f in files:
        audio = decode_file(f).samples
        scan = scan_speech(audio, min_silence_s=min(0.2, settings.thresholds.min_pause_s))
        for a, b in plan(scan.stretches, len(audio), scan.probs, ChunkRules()):
            feats = own.feature_extractor(audio[a:b])
            feats = np.pad(feats, ((0, 0), (0, max(0, 3000 - feats.shape[1]))))[:, :3000]
            encoded.append(np.array(own.encode(feats)))
    n = len(encoded)

    def decode(batch: list[np.ndarray]) -> list[list[int]]:
        sv = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.concatenate(batch)))
        out = own.model.generate(sv, [prompt] * len(batch), beam_size=tcfg.beam_size, max_length=448,
                                 return_scores=True, suppress_blank=True, suppress_tokens=[-1])
        return [r.sequences_ids[0] for r in out]

    decode(encoded[:1])
    print(f"\nbatched decoding, beam {tcfg.beam_size}, the first window of each of {n} pieces:")
    per_piece: dict[int, float] = {}
    reference: list[list[int]] = []
    for size in (1, 2, 4, 8):
        c0 = cpu_s()
        tokens: list[list[int]] = []
        for i in range(0, n, size):
            tokens += decode(encoded[i:i + size])
        spent = cpu_s() - c0
        per_piece[size] = spent / n
        same = ""
        if size == 1:
            reference = tokens
        else:
            same = f", same tokens as one by one for {sum(a == b for a, b in zip(reference, tokens))} of {n}"
        print(f"  {size} per call: {spent:5.1f} s CPU, {per_piece[size]:.2f} s a piece"
              f" ({per_piece[size] / per_piece[1]:.2f} of one by one){same}")

    # the floor: mockmic's measured work, its decoder calls at the best batched share
    cores = os.cpu_count() or 1
    share = min(per_piece.values()) / per_piece[1]
    other = m_cpu - m_enc - m_gen - m_align
    floor_cpu = m_enc + m_align + other + m_gen * share
    print(f"\nfloor for mockmic: encoder {m_enc:.1f} + align {m_align:.1f} + rest {other:.1f} + decoder "
          f"{m_gen:.1f} x {share:.2f} (batched) = {floor_cpu:.1f} s CPU, {floor_cpu / p_cpu:.2f} of the "
          f"plain loop's {p_cpu:.1f} s; on {cores} cores with no waiting at all: {floor_cpu / cores:.1f} s")
    print("compare with 1/1.5 of the plain loop's wall time on all cores (bench/batch_scale.py)")

    if args.trial_jobs > 0:
        import json
        import subprocess

        print(f"\ntrial runner: {args.trial_jobs} files in flight, one shared model (2 workers of one "
              f"thread), decoder calls gathered; peak is this child process's resident memory")
        for how in ("lock", "nolock", "lock,cap10", "nolock,cap10"):
            proc = subprocess.run([sys.executable, __file__, "--child", how, "--model", args.model,
                                   "--trial-jobs", str(args.trial_jobs), "--files", *map(str, files)],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"  {how}: failed: {proc.stderr.strip()[-500:]}")
                continue
            got = json.loads(proc.stdout.strip().splitlines()[-1])
            diff = sum(1 for k, v in reference_words.items() if got["words"].get(k) != v)
            label = ("one encoder pass at a time" if how.startswith("lock") else "encoder passes at once")
            label += ", cap per 10 s" if "cap10" in how else ", cap as shipped"
            print(f"  {label:<42}: {got['calls']:2d} decoder calls for {got['pieces']} pieces, wall "
                  f"{got['wall']:.1f} s, CPU {got['cpu']:.1f} s, peak {got['peak_mb']:.0f} MB, "
                  f"{diff} files with other words or fillers than one by one")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
