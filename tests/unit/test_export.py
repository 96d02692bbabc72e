"""Markdown and self-contained HTML exports of attempts and sessions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from review_support import FakeAttempt, day, long_script, make_report

from mockmic.reporting import charts, export
from mockmic.config import Thresholds


def _attempts():
    a1 = FakeAttempt(1, "why_im", "Why internal medicine?", day(0),
                     make_report(long_script(5, fillers=4, pause=3.5)), session_id="s1",
                     safe=3, honest=4, reflective=2, adaptable=5, note="Too many ums at the start.\nSlow down.")
    a2 = FakeAttempt(2, "tell_me", "Tell me about <yourself> & your path", day(0, 1),
                     make_report(long_script(4) + " but in my country we had to do it without any supervision"),
                     session_id="s1")
    a3 = FakeAttempt(3, "why_im", "Why internal medicine?", day(2), make_report(long_script(6)), safe=4)
    return a1, a2, a3


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_markdown_single_attempt_has_metrics_flags_transcript_and_review():
    a1, _a2, _a3 = _attempts()
    md = export.to_markdown([a1])
    assert md.startswith("# Attempt 1\n")
    assert "## Why internal medicine? (why\\_im)" in md
    # metrics against their targets, with the failing ones marked
    length_row = next(line for line in md.splitlines() if line.startswith("| Length |"))
    assert f"{a1.report.duration_s:.1f} s" in length_row and "45–90 s" in length_row
    pause_row = next(line for line in md.splitlines() if line.startswith("| Longest pause |"))
    assert "3.5 s" in pause_row and "⚠️" in pause_row
    # flags with their tips
    assert "**long_pause**" in md and "Tip: A short pause is fine" in md
    # fillers bold, the long pause inline
    assert md.count("**um**") == 4
    assert "`⏸ 3.5s`" in md
    # self-review and the note, line by line
    assert "safe 3/5 · honest 4/5 · reflective 2/5 · adaptable 5/5" in md
    assert "> Too many ums at the start.\n> Slow down." in md


def test_markdown_session_has_summary_table_in_order():
    a1, a2, _ = _attempts()
    md = export.to_markdown([a1, a2], session_id="s1")
    assert md.startswith("# Mock interview s1")
    rows = [line for line in md.splitlines() if re.match(r"\| \d \|", line)]
    assert len(rows) == 2 and "why\\_im" in rows[0] and "tell\\_me" in rows[1]
    assert "| 3.5 s |" in rows[0]
    assert "3.5/5" in rows[0]  # mean of the four lenses
    assert "**defensive_comparison**" in md and "That experience taught me" in md
    assert "Not rated." in md  # a2 has no self-review


def test_markdown_progress_section_from_history():
    a1, _a2, a3 = _attempts()
    md = export.to_markdown([a3], history={"why_im": [a1, a3]})
    assert "Progress on this question (2 attempts)" in md
    filler_row = next(line for line in md.splitlines() if line.startswith("| Fillers / min |"))
    assert "better" in filler_row
    # exporting the older attempt: the summary speaks of that attempt, not of later ones
    older = export.to_markdown([a1], history={"why_im": [a1, a3]})
    filler_row = next(line for line in older.splitlines() if line.startswith("| Fillers / min |"))
    assert "one attempt" in filler_row and "`█▁`" in filler_row
    # without history there is no progress section
    assert "Progress on this question" not in export.to_markdown([a3])


def test_markdown_escapes_user_text():
    _a1, a2, _ = _attempts()
    a2.note = "**not bold** | pipe"
    md = export.to_markdown([a2])
    assert "\\*\\*not bold\\*\\* \\| pipe" in md
    assert "Tell me about \\<yourself\\>" in md


def test_html_is_self_contained_and_escaped():
    a1, a2, a3 = _attempts()
    page = export.to_html([a1, a2], session_id="s1", history={"why_im": [a1, a3]})
    p = _Collect()
    p.feed(page)
    tags = [t for t, _ in p.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "@import" not in page and "url(" not in page
    # user text is escaped, never injected
    assert "<yourself>" not in page and "Tell me about &lt;yourself&gt; &amp; your path" in page
    # summary anchors link to the sections
    hrefs = [a["href"] for t, a in p.tags if t == "a"]
    ids = {a.get("id") for _t, a in p.tags}
    assert hrefs and all(h[1:] in ids for h in hrefs)


def test_html_charts_are_valid_svg_with_the_right_points():
    a1, a2, a3 = _attempts()
    page = export.to_html([a1], history={"why_im": [a1, a3]})
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    # pace chart + five trend charts (the reports predate the pitch spread: that one says no data)
    assert len(svgs) == 6
    for s in svgs:
        ET.fromstring(s)  # well-formed XML
    pace = ET.fromstring(svgs[0])
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert len(pace.findall(".//s:circle", ns)) == len(a1.report.pace)
    assert pace.find(".//s:rect", ns) is not None  # the wpm target band
    dur = ET.fromstring(svgs[1])
    circles = dur.findall(".//s:circle", ns)
    assert len(circles) == 2
    assert [c.get("class") for c in circles] == ["pt hl", "pt"]  # this attempt is ringed
    assert "Duration" in dur.get("aria-label")


def test_html_transcript_marks_fillers_and_pauses():
    a1, _a2, _a3 = _attempts()
    page = export.to_html([a1])
    assert page.count('<mark class="filler" title=') == 4  # the legend's sample has no time
    assert re.search(r'<span class="pause[^"]*"[^>]*>⏸ 3\.5s</span>', page)
    assert "Too many ums at the start.\nSlow down." in page
    assert "✗ outside" in page and "✓ within" in page


def test_svg_chart_geometry():
    svg = charts.svg_line_chart([0, 10, 20], [100, 200, 150], title="t", band=(110, 170))
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    pts = [(float(c.get("cx")), float(c.get("cy"))) for c in root.findall(".//s:circle", ns)]
    xs = [x for x, _ in pts]
    ys = [y for _, y in pts]
    assert xs == sorted(xs) and xs[0] < xs[1] < xs[2]
    # svg y grows downwards: 200 wpm is highest on screen, 100 lowest
    assert ys[1] < ys[2] < ys[0]
    rect = root.find(".//s:rect", ns)
    band_top, band_bottom = float(rect.get("y")), float(rect.get("y")) + float(rect.get("height"))
    # 150 wpm is inside the band, 100 and 200 outside it
    assert band_top < ys[2] < band_bottom
    assert ys[0] > band_bottom and ys[1] < band_top


def test_empty_and_single_point_charts():
    assert "no data" in charts.svg_line_chart([], [], title="x")
    one = ET.fromstring(charts.svg_line_chart([1], [5.0], title="x"))
    assert len(one.findall(".//{http://www.w3.org/2000/svg}circle")) == 1
    assert one.find(".//{http://www.w3.org/2000/svg}polyline") is None


def test_attempt_without_report_and_without_speech():
    pending = FakeAttempt(9, "q", "Q?", day(0), None, duration_s=33.0, status="recovered")
    silent = FakeAttempt(10, "q", "Q?", day(1), make_report("<6.0>"))
    md = export.to_markdown([pending, silent])
    assert "No analysis for this attempt (33.0 s of audio)" in md
    assert "status **recovered**" in md
    assert "No speech was found" in md
    page = export.to_html([pending, silent])
    assert "No analysis for this attempt" in page and "No speech was found" in page


def test_thresholds_change_the_verdicts():
    a1, _a2, _a3 = _attempts()
    strict = Thresholds(long_pause_s=10.0)
    row = next(line for line in export.to_markdown([a1], thresholds=strict).splitlines()
               if line.startswith("| Longest pause |"))
    assert "✅" in row and "< 10 s" in row


def test_render_dispatch_and_bad_format():
    a1, _a2, _a3 = _attempts()
    assert export.render([a1], "md").startswith("# ")
    assert export.render([a1], "html").startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError, match="md or html"):
        export.render([a1], "pdf")


@pytest.mark.parametrize("span,step", [(10, 2.5), (100, 25), (7, 2), (0.9, 0.25), (0, 1.0)])
def test_nice_step(span, step):
    assert charts.nice_step(span) == step


# ----------------------------------------------------------------------------- the CLI, on a real store


@pytest.fixture
def filled_store(tmp_path):
    from mockmic.store.db import Store

    db = tmp_path / "rec" / "mockmic.sqlite3"
    store = Store(db)
    sid = store.start_session("mock", None, 2)
    ids = []
    for i, (qid, fillers) in enumerate([("why_im", 4), ("tell_me", 0), ("why_im", 1)]):
        audio = tmp_path / "rec" / "audio" / f"a{i}.wav"
        aid = store.begin_attempt(qid, f"Question {qid}?", audio, session_id=sid if i < 2 else None)
        store.finish_attempt(aid, make_report(long_script(5, fillers=fillers, pause=3.2 if i == 0 else 0)))
        ids.append(aid)
    store.save_review(ids[0], 3, 4, 2, 5, "say less <more>")
    store.close()
    return db, sid, ids


def _run(*args):
    from click.testing import CliRunner

    from mockmic.cli import cli

    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_export_session_html(filled_store, tmp_path):
    db, sid, ids = filled_store
    out = tmp_path / "out" / "session.html"
    res = _run("export", "--session", str(sid), "--db", str(db), "--out", str(out))
    assert res.exit_code == 0, res.output
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Mock interview 1" in page
    assert "Question why_im?" in page and "Question tell_me?" in page
    assert "say less &lt;more&gt;" in page
    # the third attempt is not in the session, but it is in why_im's progress charts
    assert "Progress on this question (2 attempts)" in page
    assert f'id="attempt-{ids[2]}"' not in page


def test_cli_export_attempts_markdown_to_stdout(filled_store):
    db, _sid, ids = filled_store
    res = _run("export", str(ids[2]), str(ids[0]), "--db", str(db), "--format", "md", "--no-history")
    assert res.exit_code == 0
    assert res.output.startswith("# 2 attempts")
    assert res.output.index(f"attempt {ids[2]} ·") < res.output.index(f"attempt {ids[0]} ·")
    assert "Progress on this question" not in res.output


def test_cli_export_errors_are_one_line(filled_store, tmp_path):
    db, _sid, _ids = filled_store
    res = _run("export", "99", "--db", str(db))
    assert res.exit_code == 2 and "no attempt 99" in res.output and "Traceback" not in res.output
    res = _run("export", "1", "--db", str(tmp_path / "missing.sqlite3"))
    assert res.exit_code == 2 and "missing.sqlite3: no attempt database" in res.output
    res = _run("export", "--db", str(db))
    assert res.exit_code == 2 and "one of the two" in res.output
    bad = tmp_path / "junk.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    res = _run("history", "--db", str(bad))
    assert res.exit_code == 2 and "junk.sqlite3" in res.output and len(res.output.strip().splitlines()) == 1


def test_cli_history_table_and_trends(filled_store):
    db, _sid, ids = filled_store
    res = _run("history", "--db", str(db))
    assert res.exit_code == 0
    lines = res.output.splitlines()
    rows = [line.split() for line in lines if line.strip() and line.split()[0].isdigit()]
    assert [int(r[0]) for r in rows] == sorted(ids, reverse=True)
    assert "3/4/2/5" in res.output and "long_pa" in res.output
    res = _run("history", "--db", str(db), "--question", "tell_me")
    assert "why_im" not in res.output and "tell_me" in res.output
    res = _run("history", "--db", str(db), "--trends")
    assert "why_im" in res.output and "better" in res.output  # fewer fillers the second time
