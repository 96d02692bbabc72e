"""The labelled data sets the filler benches score on, and how a detection is scored on each.

Every set says what its labels can support, so a figure is never claimed where the labels are
silent:

* ``acted``       -- ``../shared/data/speech/filler_clips``: 52 acted clips by one speaker; the
  hesitation references are the um/uh/hm/er tokens of ``references.tsv`` (``<hes-x>`` hesitated
  words and ``'er`` = "her" are not fillers). No timings: scored by count per clip.
* ``fillerPT``    -- ``../shared/data/speech/spontaneous/fillerPT``: 12 unscripted picture
  descriptions with an "um" at 3.056 s (``NumE``) and their twins where that "um" was replaced
  by a non-speech sound (``NumB``). Only the window 3.0-4.9 s is labelled: a detection in it is
  the "um" on an E file (``12umE`` holds a second one there, heard) and a false filler on a B
  file; detections outside it are not scored (the speaker's other fillers are unlabelled).
* ``notsofar``    -- a 7 s real meeting clip with three "umm": scored by count.
* ``own``         -- ``tests/data/fillers``: mockmic's SYNTHETIC Piper answers with fillers
  inserted at known times (``bench/make_filler_set.py``): matched in time (0.3 s).
* ``read``        -- ``../shared/data/speech/read``: clean read speech, no fillers; its exact text
  gives the word error rate.

"Real" sets are acted, fillerPT and notsofar; "spontaneous" are fillerPT and notsofar.
Filler-free audio (for false fillers per minute): the acted clips with no hesitation in their
reference, the read speech, and the own set's clean answers.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT.parent / "shared" / "data" / "speech"
OWN = ROOT / "tests" / "data" / "fillers"
MATCH_S = 0.3

FILLERPT_WINDOW = (3.0, 4.9)
"""The labelled window of the fillerPT files: the "um" starts at 3.056 s, the next phrase at
4.871 s; the B twins were changed only between about 3.04 and 4.87 s."""
FILLERPT_SECOND_UM = {"12umE"}
"""E files with a second, unlabelled "um" inside the window (heard; see the data README)."""

JOIN_GAP_S = 0.4

REAL_SETS = ("acted", "fillerPT", "fillerPT-joined", "notsofar")
SPONTANEOUS_SETS = ("fillerPT", "fillerPT-joined", "notsofar")


def _is_hes(tok: str) -> bool:
    from mockmic.analysis.fillers import is_hesitation

    return is_hesitation(tok)


@dataclass
class Item:
    dataset: str
    name: str
    path: Path
    ref_count: int
    ref_times: list[tuple[float, float]] | None = None
    """Timed references (matched within MATCH_S); None when scored by count."""
    text: str | None = None
    """Exact reference text (read speech), for the word error rate."""
    windows: list[tuple[float, float, int]] | None = None
    """Only these stretches are labelled (start, end, fillers in it): the fillerPT recordings
    (one window each) and their joined answers (one per recording); detections elsewhere are
    not scored."""
    parts: list[Path] | None = None
    """The files this item joins, in order (see :meth:`load`)."""

    def load(self):
        """The item's 16 kHz samples (a joined item: its parts with 0.4 s of silence between)."""
        from mockmic.audio.io import decode_file

        if not self.parts:
            return decode_file(self.path).samples
        import numpy as np

        from mockmic.core import SAMPLE_RATE

        gap = np.zeros(int(JOIN_GAP_S * SAMPLE_RATE), np.float32)
        pieces = []
        for p in self.parts:
            pieces += [decode_file(p).samples, gap]
        return np.concatenate(pieces[:-1])

    @property
    def filler_free(self) -> bool:
        return self.ref_count == 0 and not self.parts


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    free_fp: int = 0
    free_s: float = 0.0
    files: int = 0
    wer_err: int = 0
    wer_ref: int = 0

    def add(self, o: Score) -> None:
        for k in ("tp", "fp", "fn", "free_fp", "files", "wer_err", "wer_ref"):
            setattr(self, k, getattr(self, k) + getattr(o, k))
        self.free_s += o.free_s

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def per_min(self) -> float | None:
        return self.free_fp / (self.free_s / 60) if self.free_s else None

    def wer(self) -> float | None:
        return self.wer_err / self.wer_ref if self.wer_ref else None


def segment_words(segments) -> list[dict]:
    """The words of faster-whisper segments as plain dicts (text, start, end)."""
    return [{"text": w.word.strip(), "start": float(w.start), "end": float(w.end)}
            for seg in segments for w in (seg.words or []) if w.word.strip()]


class Cache:
    """Whisper outputs kept as JSON files in ``root`` between runs (no caching when None)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        if root:
            root.mkdir(parents=True, exist_ok=True)

    def get(self, key: str, fn):
        if self.root is None:
            return fn()
        f = self.root / f"{key}.json"
        if f.exists():
            return json.loads(f.read_text())
        value = fn()
        f.write_text(json.dumps(value))
        return value


def hesitation_refs(transcript: str) -> int:
    return sum(1 for t in transcript.split() if not t.startswith(("<", "[", "'")) and _is_hes(t))


def load_items() -> list[Item]:
    """Every labelled file that is present (the shared sets are skipped when absent)."""
    items: list[Item] = []
    clips = SPEECH / "filler_clips"
    if (clips / "references.tsv").exists():
        with open(clips / "references.tsv", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                p = clips / f"{row['utterance']}.flac"
                if p.exists():
                    items.append(Item("acted", row["utterance"], p, hesitation_refs(row["reference_transcript"])))
    fpt = SPEECH / "spontaneous" / "fillerPT"
    for p in sorted(fpt.glob("*um[EB].wav"), key=lambda q: (int(re.match(r"\d+", q.stem)[0]), q.stem)):
        if p.stem.endswith("E"):
            n = 2 if p.stem in FILLERPT_SECOND_UM else 1
        else:
            n = 0
        items.append(Item("fillerPT", p.stem, p, n, windows=[(*FILLERPT_WINDOW, n)]))
    # the same answers joined into two recordings of ~2 minutes (E files, B files), so that an
    # answer is cut into many pieces and each piece follows others: what a real answer looks like
    # to the decoder (the short files are one or two pieces each)
    for kind in ("E", "B"):
        parts = [it for it in items if it.dataset == "fillerPT" and it.name.endswith(kind)]
        if not parts:
            continue
        import soundfile as sf

        windows, t = [], 0.0
        for it in parts:
            windows.append((t + FILLERPT_WINDOW[0], t + FILLERPT_WINDOW[1], it.ref_count))
            t += sf.info(str(it.path)).duration + JOIN_GAP_S
        items.append(Item("fillerPT-joined", f"fillerPT_joined_{kind}", parts[0].path,
                          sum(w[2] for w in windows), windows=windows, parts=[it.path for it in parts]))
    nsf = SPEECH / "spontaneous" / "notsofar" / "notsofar_example.wav"
    if nsf.exists():
        ref = (nsf.with_suffix(".txt")).read_text()
        items.append(Item("notsofar", nsf.stem, nsf, hesitation_refs(ref)))
    read = SPEECH / "read"
    for p in sorted(read.glob("*.flac")):
        for ext in (".txt", ".lab"):
            if p.with_suffix(ext).exists():
                items.append(Item("read", p.stem, p, 0, text=p.with_suffix(ext).read_text()))
                break
    ref_file = OWN / "references.tsv"
    if ref_file.exists():
        times: dict[str, list[tuple[float, float]]] = defaultdict(list)
        with open(ref_file, newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                times.setdefault(row["file"], [])
                if row["start"]:
                    times[row["file"]].append((float(row["start"]), float(row["end"])))
        for name in sorted(times):
            items.append(Item("own", name, OWN / f"{name}.flac", len(times[name]), ref_times=times[name]))
    return items


def _norm_words(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    return [t for t in re.sub(r"[^a-z0-9' ]+", " ", text).split() if t.strip("'")]


def word_errors(ref: str, hyp: str) -> tuple[int, int]:
    """(edit distance in words, reference length), fillers left out of the hypothesis."""
    r = _norm_words(ref)
    h = [t for t in _norm_words(hyp) if not _is_hes(t)]
    prev = list(range(len(h) + 1))
    for i, a in enumerate(r, 1):
        cur = [i] + [0] * len(h)
        for j, b in enumerate(h, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b))
        prev = cur
    return prev[-1], len(r)


def score(item: Item, det: list[tuple[float, float]], seconds: float, hyp_text: str | None = None) -> Score:
    """Score one file's hesitation detections (intervals in seconds) against its labels."""
    s = Score(files=1)
    if item.windows is not None:
        for a, b, n in item.windows:
            inside = [(c, d) for c, d in det if d > a and c < b]
            if n == 0:
                s.fp += len(inside)
                s.free_fp += len(inside)
                s.free_s += b - a
            else:
                s.tp += min(len(inside), n)
                s.fp += max(0, len(inside) - n)
                s.fn += max(0, n - len(inside))
        return s
    if item.text is not None and hyp_text is not None:
        s.wer_err, s.wer_ref = word_errors(item.text, hyp_text)
    if item.filler_free:
        s.fp = s.free_fp = len(det)
        s.free_s = seconds
        return s
    if item.ref_times is None:
        s.tp = min(len(det), item.ref_count)
        s.fp = max(0, len(det) - item.ref_count)
        s.fn = max(0, item.ref_count - len(det))
        return s
    pairs = []
    for i, (a, b) in enumerate(item.ref_times):
        for j, (c, d) in enumerate(det):
            gap = max(0.0, c - b, a - d)
            if gap <= MATCH_S:
                pairs.append((gap, i, j))
    used_r: set[int] = set()
    used_d: set[int] = set()
    for _gap, i, j in sorted(pairs):
        if i not in used_r and j not in used_d:
            used_r.add(i)
            used_d.add(j)
    s.tp = len(used_r)
    s.fn = item.ref_count - s.tp
    s.fp = len(det) - len(used_d)
    return s
