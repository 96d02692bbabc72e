"""One attempt, one value per number: the report, the history, compare, the exports, the CLI and
the JSON all show the same length, rate, fillers per minute, longest pause and flag titles.

The report is built so that naive rounding would disagree: its length (68.4996 s) is stored as
68.5 in the JSON, so a fresh report formatted with ``:.0f`` reads 68 while the stored one read
back would read 68 or 69 depending on the rule; the capture's own length (68.2 s) differs too.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from review_support import long_script, make_report

from mockmic.analysis.trends import attempt_point
from mockmic.cli import cli
from mockmic.config import Thresholds
from mockmic.core import Pause, Report, fixed
from mockmic.reporting import export
from mockmic.reporting.assess import assess
from mockmic.reporting.fmt import clock, metric_change, metric_number
from mockmic.reporting.terminal import report_renderable
from mockmic.store.db import Store
from mockmic.tui.screens.report import flags_text, metrics_table
from mockmic.tui.widgets.review_widgets import metric_lines

LENGTH, RATE, PER_MIN, LONGEST = "1:09", "148", "2.5", "3.3"


def _tricky_report() -> Report:
    base = make_report(long_script(6, fillers=3, pause=3.2))
    pauses = [Pause(10.0, 10.3, "between_sentences"), Pause(20.0, 23.2549, "mid_sentence")]
    r = replace(base, duration_s=68.4996, wpm=147.4951, articulation_wpm=160.2,
                pauses=sorted(pauses, key=lambda p: p.start))
    r.fillers.per_minute = 2.4496
    return r


def _text(renderable: object) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, int, Report]:
    report = _tricky_report()
    store = Store(tmp_path / "mockmic.sqlite3")
    aid = store.begin_attempt("why_im", "Why internal medicine?", tmp_path / "a.wav")
    store.mark_analyzing(aid, 68.2)  # the capture counted a little less than the decoder
    store.finish_attempt(aid, report, duration_s=68.2)
    store.close()
    return tmp_path / "mockmic.sqlite3", aid, report


def test_the_rule_itself() -> None:
    assert fixed(68.4996, 0) == "69" and fixed(68.5, 0) == "69"  # fresh and stored agree
    assert fixed(2.4496, 1) == fixed(2.45, 1) == "2.5"
    assert clock(68.4996) == clock(68.5) == LENGTH
    assert metric_change("duration_s", 68.6, 31.4) == "−0:38"  # 1:09 → 0:31, from the shown figures
    assert metric_change("wpm", 147.5, 160.4) == "+12"  # 148 → 160


def test_same_attempt_same_numbers_everywhere(stored: tuple[Path, int, Report]) -> None:
    db, aid, fresh = stored
    store = Store(db)
    attempt = store.get(aid)
    store.close()
    assert attempt is not None and attempt.report is not None
    back = attempt.report
    th = Thresholds()

    # the report screen, fresh and read back from the store
    for report in (fresh, back):
        table = _text(metrics_table(report, th))
        assert re.search(rf"Length\s+{LENGTH}\b", table) and re.search(r"Pauses\s+2 \(1 mid-sentence\)\s+each ≥ 0.25 s", table)
        assert f"{RATE} wpm" in table and f"{PER_MIN}/min" in table and f"{LONGEST} s" in table
    # the history table and the compare screen (the point of the stored attempt)
    p = attempt_point(attempt)
    assert [metric_number(m, p.value(m)) for m in ("duration_s", "wpm", "fillers_per_min", "longest_pause_s")] \
        == [LENGTH, RATE, PER_MIN, LONGEST]
    lines = {label: value for label, value, _ok in metric_lines(back, attempt, th)}
    assert lines["Length"].startswith(LENGTH) and lines["Rate"] == f"{RATE} wpm"
    assert PER_MIN in lines["Fillers"] and lines["Longest pause"] == f"{LONGEST} s"
    # the terminal report
    term = _text(report_renderable(fresh, th))
    assert LENGTH in term and f"{RATE} wpm" in term and f"{PER_MIN}/min" in term
    # Markdown and HTML exports
    md = export.to_markdown([attempt])
    assert f"| Length | {LENGTH} |" in md and f"| Speaking rate | {RATE} wpm |" in md
    assert f"{PER_MIN}/min" in md and f"| Longest pause | {LONGEST} s |" in md
    page = export.to_html([attempt])
    assert f"<td>{LENGTH}</td>" in page and f"<td>{RATE} wpm</td>" in page and f"<td>{LONGEST} s</td>" in page
    # the CLI history
    res = CliRunner().invoke(cli, ["history", "--db", str(db)], env={"COLUMNS": "120"})
    row = next(line for line in res.output.splitlines() if line.strip().startswith(str(aid)))
    assert re.search(rf"{LENGTH}\s+{RATE}\s+{PER_MIN}\s+{LONGEST}s", row), row
    # the JSON keeps the codes and the stored precision; it gives the same figures by the rule
    data = json.loads(json.dumps(fresh.to_json()))
    assert clock(data["duration_s"]) == LENGTH and fixed(data["wpm"], 0) == RATE
    assert fixed(data["fillers"]["per_minute"], 1) == PER_MIN
    assert fixed(max(p["duration_s"] for p in data["pauses"]), 1) == LONGEST
    # one length: the stored one is the report's, not the capture's 68.2 s (which reads 1:08)
    assert attempt.duration_s == pytest.approx(fresh.duration_s) and clock(attempt.duration_s) == LENGTH


def test_flags_read_as_titles_with_the_code_kept_in_json(stored: tuple[Path, int, Report]) -> None:
    db, aid, fresh = stored
    titles = [f.title for f in fresh.flags]
    assert "Long pause" in titles
    shown = flags_text(fresh).plain
    assert "long_pause" not in shown and re.search(r"Long pause at \d:\d\d  ", shown) and "@" not in shown
    data = fresh.to_json()
    assert {f["code"] for f in data["flags"]} >= {"long_pause"}
    assert all(f["title"] == t for f, t in zip(data["flags"], titles))
    assert Report.from_json(data).flags == fresh.flags  # the title is not read back
    md = export.to_markdown([Store(db).get(aid)])
    assert re.search(r"\*\*Long pause\*\* at \d:\d\d:", md) and "long_pause" not in md


def test_pause_count_says_what_it_counts(stored: tuple[Path, int, Report]) -> None:
    db, aid, r = stored
    s = assess(r, Thresholds())
    assert s.speech is not None and s.speech.pauses.label == "Pauses ≥ 0.25 s" and s.speech.pauses.count == 2
    short = [p for p in r.pauses if p.duration_s < 0.5]
    assert len(short) == 1
    md = export.to_markdown([Store(db).get(aid)])
    assert "| Pauses ≥ 0.25 s | 2 (1 mid-sentence) |" in md
    marked = md.count("`[")
    assert marked == len(r.pauses) - len(short)  # the transcript marks the longer ones only...
    assert "pauses of 0.5 s or more marked" in md  # ...and says so


def test_pace_line_and_speeding_up_flag_say_which_span_they_measure() -> None:
    from mockmic.reporting.assess import pace_line

    r = make_report(" ".join(["word <0.4>"] * 40) + " " + " ".join(["quick"] * 100), gap_s=0.05, word_s=0.3)
    line = pace_line(r, Thresholds())
    assert "in the first 15 s" in line and "in the last 15 s" in line
    (speeding,) = [f for f in r.flags if f.code == "speeding_up"]
    assert speeding.title == "Speeding up"
    assert "in the first third" in speeding.message and "in the last third" in speeding.message
