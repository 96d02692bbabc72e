"""The voice lines and the pitch contour plot every front end shows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from review_support import make_report

from mockmic.config import Thresholds
from mockmic.core import ContourPoint, FlatStretch, SentenceLevel, VoiceSummary
from mockmic.reporting.assess import assess
from mockmic.reporting.voice import contour_svg

TH = Thresholds()


def summary(**kw) -> VoiceSummary:
    base = dict(voiced_s=12.0, median_hz=118.5, spread_st=5.4, std_st=2.1, flat_stretches=[],
                contour=[ContourPoint(0.5 + 0.25 * i, (i % 9) - 4.0) for i in range(40)]
                + [ContourPoint(14.0, 1.0), ContourPoint(14.25, 2.0)],
                speech_dbfs=-24.0,
                sentences=[SentenceLevel(0.5, 4.0, 0.5, 1.0), SentenceLevel(5.0, 9.0, -0.5, 2.0),
                           SentenceLevel(10.0, 14.0, 0.0, 8.0)],
                trailing_share=0.33)
    base.update(kw)
    return VoiceSummary(**base)


def report(**kw):
    return replace(make_report("I led the team through a hard night on the ward and learned a lot."),
                   voice=summary(**kw))


def voice_lines(r, th):
    a = assess(r, th)
    return [] if a.speech is None else list(a.speech.voice)


def test_lively_clear_voice_meets_both_targets() -> None:
    lines = {line.label: line for line in voice_lines(report(), TH)}
    assert lines["Vocal variety"].ok and lines["Vocal variety"].text.startswith("5.4 semitones")
    assert lines["Loudness"].ok and "1 of 3 sentence ends fade" in lines["Loudness"].text


def test_flat_quiet_trailing_voice_misses_them() -> None:
    r = report(flat_stretches=[FlatStretch(2.0, 14.0, 1.4)], speech_dbfs=-47.0, trailing_share=0.67)
    lines = {line.label: line for line in voice_lines(r, TH)}
    assert not lines["Vocal variety"].ok and "flat 0:02–0:14" in lines["Vocal variety"].text
    assert not lines["Loudness"].ok
    assert not {line.label: line for line in voice_lines(report(trailing_share=0.67), TH)}["Loudness"].ok


def test_no_voice_no_lines_no_plot() -> None:
    r = replace(report(), voice=None)
    assert voice_lines(r, TH) == [] and contour_svg(r) == ""


def test_contour_plot_is_svg_with_the_contour_and_flat_stretches() -> None:
    svg = contour_svg(report(flat_stretches=[FlatStretch(2.0, 14.0, 1.4)]))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    assert len(lines) == 2  # the gap between 10.25 s and 14 s breaks the line
    assert len(root.findall(f"{ns}rect")) == 1
    assert "118.5 Hz" in root.find(f"{ns}title").text
    xs = [float(p.split(",")[0]) for p in lines[0].get("points").split()]
    assert xs == sorted(xs)


def test_exports_show_the_voice_lines_and_the_html_plots_the_contour() -> None:
    from review_support import FakeAttempt, day

    from mockmic.reporting import export

    r = report(flat_stretches=[FlatStretch(2.0, 14.0, 1.4)])
    attempt = FakeAttempt(1, "q", "Tell me about yourself.", day(1), r)
    page = export.to_html([attempt])
    assert page.count('class="chart contour"') == 1 and "Vocal variety" in page
    md = export.to_markdown([attempt])
    assert "| Vocal variety |" in md and "flat 0:02–0:14" in md and "| Loudness |" in md
    plain = export.to_html([FakeAttempt(2, "q", "Q", day(2), replace(r, voice=None))])
    assert 'class="chart contour"' not in plain and "Vocal variety" not in plain


def test_terminal_report_has_the_voice_lines() -> None:
    from rich.console import Console

    from mockmic.reporting.terminal import print_report

    console = Console(record=True, width=120)
    print_report(report(speech_dbfs=-47.0), console, thresholds=TH)
    assert "-47 dBFS" in console.export_text()
    console = Console(record=True, width=120)
    print_report(report(), console, thresholds=TH)
    text = console.export_text()
    assert "Vocal variety" in text and "5.4 semitones" in text and "-24 dBFS" in text
