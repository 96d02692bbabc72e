"""The one assessment of a report: each verdict on both sides of its threshold and at the boundary."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from review_support import long_script, make_report

from mockmic.config import Thresholds
from mockmic.core import FillerSummary, Pause, Report, Target
from mockmic.reporting.assess import SpeechVerdicts, assess, assess_length, pauses_label
from mockmic.reporting.document import metric_rows

TH = Thresholds()  # slow_start 5 s, 110-170 wpm, fillers <= 6/min and <= 4 %, long pause 3 s


def speech(r: Report, th: Thresholds = TH) -> SpeechVerdicts:
    s = assess(r, th).speech
    assert s is not None
    return s


def report(**changes: Any) -> Report:
    base = Report(
        file="a.wav", model="base", duration_s=70.0, latency_s=1.0, speaking_time_s=60.0, word_count=140,
        wpm=140.0, articulation_wpm=160.0, transcript="", words=[],
        fillers=FillerSummary(2, 2.0, 1.4, {"um": 2}, []),
        pauses=[Pause(10.0, 10.6, "between_sentences"), Pause(20.0, 21.2, "mid_sentence")],
        flags=[], target=Target(60.0, 90.0),
    )
    return replace(base, **changes)


@pytest.mark.parametrize("seconds,window", [
    (59.9, "under"), (60.0, "in"), (75.0, "in"), (90.0, "in"), (90.1, "over"),
])
def test_length_against_the_window_bounds_included(seconds: float, window: str) -> None:
    v = assess_length(report(duration_s=seconds))
    assert v.window == window
    assert v.ok is (window == "in")
    assert v.word == {"under": "too short", "in": "in the window", "over": "too long"}[window]
    assert v.mark == {"under": "short", "in": "✓", "over": "long"}[window]
    assert Target(60.0, 90.0).place(seconds) == window


def test_length_texts_keep_fractional_bounds() -> None:
    v = assess_length(report(duration_s=47.25, target=Target(45.5, 60.0)))
    assert v.text == "47.2 s" and v.target == "45.5–60 s" and v.short_target == "45.5–60"


@pytest.mark.parametrize("latency,status", [(4.9, "ok"), (5.0, "ok"), (5.1, "warn")])
def test_first_word_ok_up_to_slow_start(latency: float, status: str) -> None:
    v = speech(report(latency_s=latency), TH).latency
    assert v is not None and v.status == status and v.target == "≤ 5 s"


@pytest.mark.parametrize("wpm,status", [
    (109.9, "warn"), (110.0, "ok"), (140.0, "ok"), (170.0, "ok"), (170.1, "warn"),
])
def test_rate_ok_inside_the_range_bounds_included(wpm: float, status: str) -> None:
    v = speech(report(wpm=wpm), TH).rate
    assert v is not None and v.status == status
    assert v.target == "110–170 wpm" and v.short_target == "110–170"


@pytest.mark.parametrize("per_min,percent,status", [
    (6.0, 4.0, "ok"),     # both at their limit
    (6.1, 1.0, "warn"),   # too many per minute
    (1.0, 4.1, "warn"),   # too large a share of the words
    (0.0, 0.0, "ok"),
])
def test_fillers_judged_on_rate_and_share_together(per_min: float, percent: float, status: str) -> None:
    f = FillerSummary(3, per_min, percent, {}, [])
    v = speech(report(fillers=f), TH).fillers
    assert v is not None and v.status == status
    assert v.per_minute == f"{per_min:.1f}/min" and v.percent == f"{percent:.1f}%" and v.count == 3


@pytest.mark.parametrize("end,status", [(12.99, "ok"), (13.0, "warn"), (14.0, "warn")])
def test_longest_pause_ok_below_the_long_pause_length(end: float, status: str) -> None:
    r = report(pauses=[Pause(10.0, end, "mid_sentence")])
    v = speech(r, TH).longest_pause
    assert v is not None and v.status == status and v.target == "< 3 s"


def test_pauses_are_counted_not_judged_and_labelled_from_the_setting() -> None:
    p = speech(report()).pauses
    assert p.count == 2 and p.mid_sentence == 1
    assert p.status is None and p.ok is None
    assert p.label == "Pauses ≥ 0.25 s" and p.text == "2 (1 mid-sentence)"
    assert pauses_label(Thresholds(min_pause_s=0.4)) == "Pauses ≥ 0.4 s"


def test_thresholds_move_the_verdicts() -> None:
    r = report(wpm=175.0, latency_s=6.0)
    assert speech(r, TH).rate.status == "warn"
    loose = Thresholds(wpm_rushed=180.0, slow_start_s=8.0)
    assert speech(r, loose).rate.status == "ok"
    latency = speech(r, loose).latency
    assert latency is not None and latency.status == "ok"


def test_display_rounding_is_decided_once() -> None:
    s = speech(report(wpm=147.6, latency_s=0.64, speaking_time_s=61.25, articulation_wpm=160.4))
    assert s.rate.text == "148 wpm"
    assert s.latency is not None and s.latency.text == "0.6 s"
    assert s.articulation.text == "160 wpm"
    assert s.speaking_time.text == "61.2 s"


def test_without_speech_only_the_length_is_judged() -> None:
    a = assess(report(no_speech=True, latency_s=None, duration_s=8.0), TH)
    assert a.no_speech and a.length.window == "under"
    assert a.speech is None
    assert [r.name for r in metric_rows(report(no_speech=True, latency_s=None), TH)] == ["Length"]


def test_verdicts_agree_with_the_flags_of_a_real_report() -> None:
    r = make_report(long_script(5, fillers=4, pause=3.5), target=(45.0, 90.0))
    a = assess(r, TH)
    s = speech(r)
    codes = {f.code for f in r.flags}
    assert (s.longest_pause.status == "warn") == ("long_pause" in codes)
    assert (s.fillers.status == "warn") == ("filler_heavy" in codes)
    assert (a.length.window == "under") == ("too_short" in codes)
    assert (a.length.window == "over") == ("overlong" in codes)
