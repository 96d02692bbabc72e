"""How long the review side takes on a large history: reading it, trends, exports.

Builds a temporary attempt store with N attempts (real reports from the analysis code, each about
a minute of speech, 30 questions) and prints, for each step, the wall time and its ratio to the
plain ``list_attempts`` read (the baseline measured in the same run):

* History's load worker: list the attempts and parse every report (``Attempt.report``);
* the per-question series and trend summaries;
* a Markdown and an HTML export of a 10-answer session with the per-question charts.

    python bench/review.py [--attempts 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from review_support import long_script, make_report  # noqa: E402

from mockmic.analysis.trends import attempt_point, series_from_points, summarize_question  # noqa: E402
from mockmic.reporting.export import collect, question_history, render  # noqa: E402
from mockmic.store.db import Store  # noqa: E402


def timed(fn, repeat: int = 3):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--attempts", type=int, default=1000)
    args = ap.parse_args()
    n = args.attempts
    reports = [make_report(long_script(4 + i % 3, fillers=i % 4, pause=3.2 if i % 5 == 0 else 0))
               for i in range(6)]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "mockmic.sqlite3")
        t0 = time.perf_counter()
        session = store.start_session("mock", None, 10)
        for i in range(n):
            aid = store.begin_attempt(f"q{i % 30}", f"Question {i % 30}?", Path(tmp) / f"{i}.wav",
                                      session_id=session if i >= n - 10 else None)
            store.finish_attempt(aid, reports[i % len(reports)])
        fill_s = time.perf_counter() - t0
        words = sum(len(r.words) for r in reports) / len(reports)
        print(f"store: {n} attempts, ~{words:.0f} words each, written in {fill_s:.2f} s")

        base, rows = timed(lambda: store.list_attempts(limit=n))
        load, parsed = timed(lambda: [(a, a.report) for a in store.list_attempts(limit=n)])
        points, pts = timed(lambda: [attempt_point(a, r) for a, r in parsed])
        trend, _ = timed(lambda: {q: summarize_question(p) for q, p in series_from_points(pts).items()})

        def session_export(fmt: str) -> str:
            attempts, title = collect(store, session_id=session)
            return render(attempts, fmt, title=title, session_id=session,
                          history=question_history(store, attempts))

        md, md_text = timed(lambda: session_export("md"))
        html, html_text = timed(lambda: session_export("html"))
        store.close()

    print(f"{'step':44s} {'seconds':>8s} {'x baseline':>10s}")
    for name, secs in (
        (f"list_attempts({n}) (baseline)", base),
        (f"History load: list + parse {n} reports", load),
        (f"trend points from parsed reports", points),
        (f"series + summaries, 30 questions", trend),
        ("session export, Markdown (10 answers)", md),
        ("session export, HTML with SVG charts", html),
    ):
        print(f"{name:44s} {secs:8.3f} {secs / base:10.1f}")
    print(f"export sizes: Markdown {len(md_text) / 1024:.0f} KiB, HTML {len(html_text) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
