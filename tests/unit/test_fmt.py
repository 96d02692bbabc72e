"""The one formatting module: m:ss clocks, dates, sparklines, trend numbers."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from mockmic.reporting.fmt import clock, metric_number, plural, seconds_range, sparkline, when_text


@pytest.mark.parametrize("seconds,shown", [
    (0, "0:00"), (12.49, "0:12"), (12.5, "0:13"), (12.99, "0:13"), (59.6, "1:00"), (75.4, "1:15"),
    (75.6, "1:16"), (3599.6, "60:00"), (-3, "0:00"), (None, "–"), (float("nan"), "–"),
])
def test_clock_rounds_to_the_nearest_second(seconds, shown) -> None:
    assert clock(seconds) == shown


@pytest.mark.parametrize("seconds,shown", [(12.99, "0:12"), (59.999, "0:59"), (60.0, "1:00"), (-1, "0:00")])
def test_clock_as_a_stopwatch_counts_whole_seconds_passed(seconds, shown) -> None:
    assert clock(seconds, stopwatch=True) == shown


@pytest.mark.parametrize("seconds,shown", [
    (0, "0:00.0"), (5.8, "0:05.8"), (75.64, "1:15.6"), (75.66, "1:15.7"),
    (59.96, "1:00.0"),  # rounds before carrying: never "0:60.0"
    (119.95, "2:00.0"), (-2, "0:00.0"), (13.05, "0:13.1"),
])
def test_clock_with_tenths(seconds, shown) -> None:
    assert clock(seconds, tenths=True) == shown


def test_when_text_reads_stored_timestamps_and_says_when_there_is_none() -> None:
    dt = datetime(2026, 3, 4, 5, 6, tzinfo=timezone.utc)
    local = dt.astimezone().strftime("%Y-%m-%d %H:%M")
    assert when_text(dt) == local
    assert when_text(dt.isoformat()) == local
    assert when_text(dt, "%d %b") == dt.astimezone().strftime("%d %b")
    assert when_text(None) == "–"
    assert when_text("not a date") == "–"


def test_sparkline_scales_between_lowest_and_highest() -> None:
    assert sparkline([]) == ""
    assert sparkline([1, 2, 3]) == "▁▅█"
    assert sparkline([0, 7]) == "▁█"
    assert sparkline(list(range(8))) == "▁▂▃▄▅▆▇█"


@pytest.mark.parametrize("values", [[4, 4], [4.0], [120.0, 120.0, 120.0]])
def test_a_flat_series_draws_a_middle_line(values) -> None:
    assert sparkline(values) == "▄" * len(values)


def test_metric_numbers_and_small_words() -> None:
    assert metric_number("duration_s", 71.6) == "72"
    assert metric_number("wpm", 147.4) == "147"
    assert metric_number("fillers_per_min", 2.46) == "2.5"
    assert metric_number("longest_pause_s", 3.0) == "3.0"
    assert metric_number("wpm", None) == "–"
    assert seconds_range(60, 90) == "60–90 s" and seconds_range(45.5, 60) == "45.5–60 s"
    assert plural(1, "filler") == "1 filler" and plural(0, "filler") == "0 fillers"
