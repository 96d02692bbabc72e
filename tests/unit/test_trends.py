"""Per-question series and trend summaries, from real reports built by the analysis code."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from review_support import FakeAttempt, day, long_script, make_report

from mockmic.analysis.moments import flagged_moments, next_moment, previous_moment, word_index_at
from mockmic.analysis.trends import (
    as_datetime,
    attempt_point,
    goal_distance,
    group_by_day,
    question_series,
    self_review_series,
    summarize_metric,
    summarize_question,
)
from mockmic.config import Thresholds
from mockmic.core import Target


def _attempt(i: int, qid: str, script: str, when: datetime, **kw) -> FakeAttempt:
    return FakeAttempt(i, qid, f"question {qid}", when, make_report(script), **kw)


def test_series_group_by_question_and_sort_by_time():
    attempts = [
        _attempt(3, "why_im", long_script(4), day(2)),
        _attempt(1, "why_im", long_script(4, fillers=3), day(0)),
        _attempt(2, "tell_me", long_script(7), day(1)),
        _attempt(4, "why_im", long_script(5, pause=4.0), day(1)),
    ]
    series = question_series(attempts)
    assert list(series) == ["why_im", "tell_me"]
    assert [p.attempt_id for p in series["why_im"]] == [1, 4, 3]
    p1, p4, p3 = series["why_im"]
    assert p1.fillers_per_min > 0 and p3.fillers_per_min == 0
    assert p4.longest_pause_s == pytest.approx(4.0, abs=0.01)
    assert p3.longest_pause_s < 1.0
    # more sentences -> longer answer at the same rate
    assert series["tell_me"][0].duration_s > p3.duration_s
    assert 120 < p3.wpm < 160


def test_point_without_report_or_speech_has_no_speech_metrics():
    no_report = FakeAttempt(1, "q", "q", day(0), None, duration_s=12.5)
    silent = FakeAttempt(2, "q", "q", day(1), make_report("<5.0> <2.0>"))
    p = attempt_point(no_report)
    assert p.duration_s == 12.5 and p.wpm is None and p.fillers_per_min is None
    s = attempt_point(silent)
    assert silent.report.no_speech and s.wpm is None and s.duration_s > 5


def test_started_at_forms():
    aware = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    assert as_datetime(aware) == aware
    assert as_datetime("2026-01-02T03:04:00Z") == aware
    assert as_datetime("2026-01-02T03:04:00") == aware
    assert as_datetime(aware.timestamp()) == aware
    assert as_datetime("not a date") is None and as_datetime(None) is None


def test_goal_distance_uses_windows_not_raw_direction():
    th = Thresholds()
    t = Target(60, 90)
    assert goal_distance("duration_s", 75, thresholds=th, target=t) == 0
    assert goal_distance("duration_s", 50, thresholds=th, target=t) == 10
    assert goal_distance("duration_s", 100, thresholds=th, target=t) == 10
    assert goal_distance("wpm", 140, thresholds=th) == 0
    assert goal_distance("wpm", 190, thresholds=th) == pytest.approx(20)
    assert goal_distance("fillers_per_min", 3.0, thresholds=th) == 3.0
    with pytest.raises(ValueError):
        goal_distance("shoe_size", 1, thresholds=th)


def test_fewer_fillers_reads_as_better_and_more_as_worse():
    better = [_attempt(i, "q", long_script(6, fillers=f), day(i)) for i, f in enumerate([5, 4, 5, 0])]
    s = summarize_metric(question_series(better)["q"], "fillers_per_min")
    assert s.direction == "better" and s.n == 4 and s.last == 0 and s.best == 0
    assert "better" in s.text and "4 attempts" in s.text
    worse = [_attempt(i, "q", long_script(6, fillers=f), day(i)) for i, f in enumerate([0, 0, 5])]
    assert summarize_metric(question_series(worse)["q"], "fillers_per_min").direction == "worse"


def test_rate_moving_into_the_window_is_better_even_though_it_drops():
    # fast (0.15 s words, no gaps) then normal
    fast = FakeAttempt(1, "q", "q", day(0), make_report(long_script(6), word_s=0.2, gap_s=0.02))
    normal = FakeAttempt(2, "q", "q", day(1), make_report(long_script(6)))
    pts = question_series([fast, normal])["q"]
    assert pts[0].wpm > 200 and pts[1].wpm < pts[0].wpm
    assert summarize_metric(pts, "wpm").direction == "better"
    # and the reverse is worse
    pts_rev = question_series([FakeAttempt(1, "q", "q", day(0), normal.report),
                               FakeAttempt(2, "q", "q", day(1), fast.report)])["q"]
    assert summarize_metric(pts_rev, "wpm").direction == "worse"


def test_single_attempt_and_empty_series():
    one = question_series([_attempt(1, "q", long_script(3), day(0))])["q"]
    s = summarize_question(one)
    assert all(v.direction == "n/a" for v in s.values())
    assert "one attempt" in s["wpm"].text
    assert summarize_metric([], "wpm").text.endswith("no data yet")


def test_self_review_series_skips_unrated():
    attempts = [
        _attempt(1, "q", long_script(2), day(0), safe=2, honest=3),
        _attempt(2, "q", long_script(2), day(1)),
        _attempt(3, "q", long_script(2), day(2), safe=4, honest=5, reflective=4, adaptable=3),
    ]
    pts = question_series(attempts)["q"]
    sr = self_review_series(pts)
    assert sr == {"safe": [2, 4], "honest": [3, 5], "reflective": [4], "adaptable": [3]}
    assert pts[1].self_review_mean is None and pts[2].self_review_mean == 4.0


def test_group_by_day_newest_first():
    attempts = [_attempt(i, "q", long_script(1), day(d, h)) for i, (d, h) in enumerate([(0, 1), (2, 1), (0, 3)])]
    groups = group_by_day(attempts, key=lambda d: d.strftime("%Y-%m-%d"))
    assert list(groups) == ["2026-11-03", "2026-11-01"]
    assert [a.id for a in groups["2026-11-01"]] == [2, 0]


def test_moments_cover_every_kind_in_time_order():
    script = ("um " + long_script(2) + " uh the um plan uh <4.0> " + long_script(1)
              + " but in my country we did it differently")
    report = make_report(script)
    kinds = [m.kind for m in flagged_moments(report)]
    assert {"filler", "filler_cluster", "long_pause", "content"} <= set(kinds)
    times = [m.t for m in flagged_moments(report)]
    assert times == sorted(times)
    moments = flagged_moments(report)
    pause = next(m for m in moments if m.kind == "long_pause")
    assert pause.t == pytest.approx(report.pauses[0].start)
    # stepping forward from the start visits every distinct time, then stops
    t, seen = -1.0, []
    while (m := next_moment(moments, t)) is not None:
        seen.append(m.t)
        t = m.t
    assert seen == sorted(set(times))
    assert previous_moment(moments, seen[-1]).t < seen[-1]


def test_moments_include_every_timed_flag_once():
    from dataclasses import replace

    from mockmic.core import Flag

    report = make_report("um " + long_script(2) + " <4.0> " + long_script(1))
    speeding = Flag("speeding_up", "info", "Last third faster.", 12.5, "Keep the pace.")
    report = replace(report, flags=[*report.flags, speeding])
    moments = flagged_moments(report)
    assert any(m.kind == "delivery" and m.t == 12.5 and "speeding_up" in m.label for m in moments)
    timed = {(f.code, f.at_s) for f in report.flags if f.at_s is not None}
    assert ("long_pause", report.pauses[0].start) in timed
    assert sum(1 for m in moments if m.t == report.pauses[0].start and m.kind in ("long_pause", "delivery")) == 1
    assert previous_moment(moments, 0.0) is None


def test_word_index_at():
    report = make_report("one two three <2.0> four")
    w = report.words
    assert word_index_at(w, 0.0) is None
    assert word_index_at(w, w[0].start) == 0
    assert word_index_at(w, w[1].start + 0.05) == 1
    assert word_index_at(w, w[2].end + 1.0) == 2  # inside the pause the last word stays current
    assert word_index_at(w, w[3].start + 0.1) == 3
    assert word_index_at([], 3.0) is None


def test_pitch_spread_trend_counts_variety_up_to_a_natural_spread():
    from mockmic.analysis.trends import VARIETY_MARGIN_ST

    th = Thresholds()
    good = th.flat_range_st + VARIETY_MARGIN_ST
    assert goal_distance("pitch_spread_st", good + 3, thresholds=th) == 0
    assert goal_distance("pitch_spread_st", good - 2, thresholds=th) == pytest.approx(2)


def test_attempt_point_takes_the_pitch_spread_from_the_report():
    from dataclasses import replace

    from mockmic.analysis.trends import attempt_point
    from mockmic.core import VoiceSummary

    voice = VoiceSummary(voiced_s=20.0, median_hz=120.0, spread_st=5.123, std_st=2.0, flat_stretches=[],
                         contour=[], speech_dbfs=-25.0, sentences=[], trailing_share=None)
    report = make_report("I led the team through a hard night on the ward and learned to ask early.")
    with_voice = FakeAttempt(1, "q", "Q?", day(1), replace(report, voice=voice))
    without = FakeAttempt(2, "q", "Q?", day(2), report)
    assert attempt_point(with_voice).pitch_spread_st == 5.12
    assert attempt_point(without).pitch_spread_st is None


def test_replay_marks_flat_pitch_and_fading_sentence_ends():
    from dataclasses import replace

    from mockmic.core import FlatStretch, SentenceLevel, VoiceSummary

    voice = VoiceSummary(voiced_s=20.0, median_hz=120.0, spread_st=2.0, std_st=0.8,
                         flat_stretches=[FlatStretch(2.0, 14.0, 1.2)], contour=[], speech_dbfs=-25.0,
                         sentences=[SentenceLevel(1.0, 4.0, 0.0, 9.0), SentenceLevel(5.0, 8.0, 0.0, 2.0)],
                         trailing_share=0.5)
    report = replace(make_report("I led the team through a hard night on the ward."), voice=voice)
    marks = [(m.t, m.label) for m in flagged_moments(report) if m.kind == "voice"]
    assert marks == [(1.0, "sentence fades: its end is 9 dB quieter"),
                     (2.0, "flat pitch 0:02–0:14 (within 1.2 semitones)")]
    assert [m for m in flagged_moments(report, trailing_drop_db=10.0) if m.kind == "voice"][0].t == 2.0
    assert not [m for m in flagged_moments(replace(report, voice=None)) if m.kind == "voice"]
