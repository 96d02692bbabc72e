"""Delivery metrics and flags on constructed words and speech intervals with known numbers.

Expected values are worked out here from the definitions in PRODUCT.md, not taken from the code.
Timings are chosen so the arithmetic is exact (a speaking time of 60 s is one minute, etc.).
"""

from __future__ import annotations

import pytest

from mockmic.analysis.delivery import build_report, filler_clusters, silent_pauses
from mockmic.config import Thresholds
from mockmic.core import Filler, Interval, Report, Target, Word

TH = Thresholds()
WIDE = Target(1.0, 1000.0)  # keeps the length flags out of tests about other flags


def spread(n: int, start: float, end: float, *, last_text: str = "care") -> list[Word]:
    """``n`` lexical words filling [start, end] edge to edge; the last one is ``last_text``."""
    step = (end - start) / n
    words = [Word("care", start + i * step, start + (i + 1) * step) for i in range(n)]
    words[-1] = Word(last_text, words[-1].start, end)
    return words


def report(words: list[Word], speech: list[Interval], *, duration: float | None = None,
           fillers: list[Filler] | None = None, filler_idx: set[int] | None = None,
           target: Target = WIDE, th: Thresholds = TH) -> Report:
    end = max([w.end for w in words] + [i.end for i in speech] + [0.0])
    return build_report(file="x.wav", model="test", duration_s=duration if duration is not None else end + 1.0,
                        words=words, speech=speech, fillers=fillers or [],
                        filler_word_indices=filler_idx or set(), target=target, thresholds=th)


def codes(r: Report) -> list[str]:
    return [f.code for f in r.flags]


# --- the basic numbers --------------------------------------------------------------------------

def test_latency_speaking_time_wpm_articulation_and_pauses() -> None:
    # speech 2.0-20.0 | 1.0 s silence | 21.0-40.0 | 2.5 s silence | 42.5-50.0
    speech = [Interval(2.0, 20.0), Interval(21.0, 40.0), Interval(42.5, 50.0)]
    words = (spread(36, 2.0, 20.0, last_text="ward.") + spread(38, 21.0, 40.0, last_text="the")
             + spread(26, 42.5, 50.0, last_text="team."))
    r = report(words, speech, duration=52.0)
    assert r.latency_s == pytest.approx(2.0)
    assert r.speaking_time_s == pytest.approx(48.0)
    assert r.word_count == 100
    assert r.wpm == pytest.approx(100 / (48.0 / 60))  # 125
    assert r.articulation_wpm == pytest.approx(100 / ((48.0 - 1.0 - 2.5) / 60))
    assert [(p.start, p.end, p.duration_s) for p in r.pauses] == [(20.0, 21.0, 1.0), (40.0, 42.5, 2.5)]
    # after "ward." the sentence is over; after "the" it is not
    assert [p.location for p in r.pauses] == ["between_sentences", "mid_sentence"]
    assert r.no_speech is False


def test_leading_silence_under_a_stretched_first_word_is_latency() -> None:
    # Whisper often starts the first word at 0.0 over the leading silence; the VAD knows better
    words = [Word("During", 0.0, 1.06)] + spread(20, 1.06, 10.0)
    r = report(words, [Interval(0.8, 10.0)], duration=10.5)
    assert r.latency_s == pytest.approx(0.8)
    assert r.speaking_time_s == pytest.approx(9.2)


def test_pauses_shorter_than_minimum_or_outside_speaking_time_are_not_pauses() -> None:
    speech = [Interval(0.0, 1.0), Interval(3.0, 10.0), Interval(10.249, 20.0), Interval(20.25, 30.0)]
    words = spread(60, 3.0, 30.0)  # speaking starts at 3.0: the 0-1 s noise is before it
    r = report(words, speech)
    assert [(p.start, p.end) for p in r.pauses] == [(20.0, 20.25)]  # 0.25 s counts, 0.249 s not


def test_fillers_are_not_lexical_words_and_are_counted_by_type() -> None:
    words = [Word("So,", 0.0, 0.3), Word("um,", 0.3, 0.6)] + spread(58, 0.6, 60.0)
    fillers = [Filler("So,", 0.0, 0.3, "discourse"), Filler("um,", 0.3, 0.6, "hesitation"),
               Filler("(uh)", 30.0, 30.3, "hesitation", "audio"),
               Filler("(uh)", 30.05, 30.35, "hesitation", "audio"),  # same sound found twice
               Filler("(um)", 0.4, 0.65, "hesitation", "audio")]  # the transcript's "um," again
    r = report(words, [Interval(0.0, 60.0)], fillers=fillers, filler_idx={0, 1})
    assert r.word_count == 58
    assert r.fillers.count == 3
    assert r.fillers.per_minute == pytest.approx(3.0)
    assert r.fillers.percent_of_words == pytest.approx(round(100 * 3 / 61, 2))
    assert r.fillers.by_type == {"so": 1, "uh": 1, "um": 1}
    assert [w.filler for w in r.words[:3]] == [True, True, False]
    assert [(f.text, f.source) for f in r.fillers.items] == [
        ("So,", "transcript"), ("um,", "transcript"), ("(uh)", "audio")]


def test_no_words_is_no_speech() -> None:
    r = report([], [], duration=4.0)
    assert r.no_speech is True and r.word_count == 0 and r.latency_s is None


# --- pace over time ------------------------------------------------------------------------------

def test_pace_curve_and_speeding_up() -> None:
    # 0-30 s: one word a second (60 wpm); 30-60 s: two a second (120 wpm)
    words = [Word("care", i, i + 1.0) for i in range(30)]
    words += [Word("care", 30 + i * 0.5, 30 + (i + 1) * 0.5) for i in range(60)]
    r = report(words, [Interval(0.0, 60.0)])
    assert [p.t for p in r.pace] == [7.5 + 5 * k for k in range(10)]
    for p in r.pace:
        lo = p.t - 7.5
        slow_part = max(0.0, min(lo + 15, 30) - max(lo, 0))
        fast_part = 15 - slow_part
        assert p.wpm == pytest.approx((slow_part * 1 + fast_part * 2) * 60 / 15), p
    sp = [f for f in r.flags if f.code == "speeding_up"]
    assert len(sp) == 1 and sp[0].at_s == pytest.approx(40.0)  # start of the last third


def _thirds(first_n: int, last_n: int) -> list[Word]:
    """90 s of speech; ``first_n`` words in the first 30 s, 30 in the middle, ``last_n`` last."""
    out: list[Word] = []
    for (a, b), n in (((0.0, 30.0), first_n), ((30.0, 60.0), 30), ((60.0, 90.0), last_n)):
        out += spread(n, a, b)
    return out


def test_speeding_up_fires_above_20_percent_not_at_it() -> None:
    speech = [Interval(0.0, 90.0)]
    # first third 30 words in 30 s = 60 wpm; 36 words = 72 wpm is exactly +20%
    assert "speeding_up" not in codes(report(_thirds(30, 36), speech))
    assert "speeding_up" in codes(report(_thirds(30, 37), speech))  # 74 wpm, +23%


def test_speeding_up_needs_30_s_of_speech() -> None:
    words = spread(10, 0.0, 14.0) + spread(30, 14.0, 29.0)
    assert "speeding_up" not in codes(report(words, [Interval(0.0, 29.0)]))


# --- rate, start and length flags ---------------------------------------------------------------

@pytest.mark.parametrize("n,expected", [(170, []), (171, ["rushed"]), (110, []), (109, ["slow"])])
def test_rate_flags_at_their_thresholds(n: int, expected: list[str]) -> None:
    # speaking time 1.0 -> 61.0 is exactly one minute, so wpm == n
    r = report(spread(n, 1.0, 61.0), [Interval(1.0, 61.0)])
    assert r.wpm == pytest.approx(n)
    assert [c for c in codes(r) if c in ("rushed", "slow")] == expected


def test_no_rate_flag_below_ten_words() -> None:
    r = report(spread(9, 1.0, 61.0), [Interval(1.0, 61.0)])  # 9 wpm, but too few words to judge
    assert "slow" not in codes(r)


@pytest.mark.parametrize("latency,fires", [(5.0, False), (5.01, True)])
def test_slow_start_above_5_s(latency: float, fires: bool) -> None:
    r = report(spread(40, latency, latency + 20), [Interval(latency, latency + 20)])
    assert r.latency_s == pytest.approx(latency)
    assert ("slow_start" in codes(r)) is fires


@pytest.mark.parametrize("duration,expected", [(90.0, []), (90.5, ["overlong"]), (60.0, []),
                                               (59.9, ["too_short"])])
def test_length_flags(duration: float, expected: list[str]) -> None:
    r = report(spread(100, 1.0, 41.0), [Interval(1.0, 41.0)], duration=duration, target=Target(60, 90))
    assert [c for c in codes(r) if c in ("overlong", "too_short")] == expected


# --- filler flags ---------------------------------------------------------------------------------

def audio_fillers(starts: list[float]) -> list[Filler]:
    return [Filler("(uh)", s, s + 0.3, "hesitation", "audio") for s in starts]


@pytest.mark.parametrize("n_fill,fires", [(6, False), (7, True)])
def test_filler_heavy_above_6_per_minute(n_fill: int, fires: bool) -> None:
    # 150 words + n fillers in one minute: 6 fillers = 3.85 % and 6/min, neither above
    starts = [5.0 + 8.5 * k for k in range(n_fill)]
    r = report(spread(150, 1.0, 61.0), [Interval(1.0, 61.0)], fillers=audio_fillers(starts))
    assert r.fillers.per_minute == pytest.approx(n_fill)
    assert ("filler_heavy" in codes(r)) is fires


@pytest.mark.parametrize("n_words,fires", [(192, False), (191, True)])
def test_filler_heavy_above_4_percent(n_words: int, fires: bool) -> None:
    # two minutes, 8 fillers (4/min): 8 of 200 words is exactly 4 %, 8 of 199 is above
    starts = [5.0 + 14.5 * k for k in range(8)]
    r = report(spread(n_words, 1.0, 121.0), [Interval(1.0, 121.0)], fillers=audio_fillers(starts))
    assert r.fillers.per_minute == pytest.approx(4.0)
    assert ("filler_heavy" in codes(r)) is fires


def test_filler_cluster_three_within_10_s() -> None:
    r = report(spread(150, 1.0, 61.0), [Interval(1.0, 61.0)], fillers=audio_fillers([10.0, 15.0, 20.0]))
    cl = [f for f in r.flags if f.code == "filler_cluster"]
    assert len(cl) == 1 and cl[0].at_s == pytest.approx(10.0)
    r = report(spread(150, 1.0, 61.0), [Interval(1.0, 61.0)], fillers=audio_fillers([10.0, 15.0, 20.5]))
    assert "filler_cluster" not in codes(r)


def test_filler_clusters_do_not_overlap() -> None:
    fs = audio_fillers([0.0, 1.0, 2.0, 3.0, 4.0, 30.0, 31.0, 50.0])
    groups = filler_clusters(fs, count=3, window_s=10.0)
    assert [[f.start for f in g] for g in groups] == [[0.0, 1.0, 2.0, 3.0, 4.0]]


# --- pause flags ------------------------------------------------------------------------------------

@pytest.mark.parametrize("gap,fires", [(3.0, True), (2.99, False)])
def test_long_pause_at_3_s(gap: float, fires: bool) -> None:
    speech = [Interval(1.0, 20.0), Interval(20.0 + gap, 61.0)]
    words = spread(40, 1.0, 20.0, last_text="patients.") + spread(80, 20.0 + gap, 61.0)
    r = report(words, speech)
    lp = [f for f in r.flags if f.code == "long_pause"]
    assert len(lp) == int(fires)
    if fires:
        assert lp[0].at_s == pytest.approx(20.0)


def _choppy(n_mid: int, gap: float = 1.0, n_between: int = 0) -> Report:
    """Speech from 1.0 to 61.0 (one minute of speaking time) broken by pauses of ``gap`` s."""
    n = n_mid + n_between
    speech_len = (60.0 - n * gap) / (n + 1)
    speech, words, t = [], [], 1.0
    for k in range(n + 1):
        a, b = t, t + speech_len
        speech.append(Interval(a, b))
        last = "then." if k >= n_mid else "the"  # mid-sentence first, then between sentences
        words += spread(15, a, b, last_text=last if k < n else "done.")
        t = b + gap
    return report(words, speech)


@pytest.mark.parametrize("n_mid,fires", [(4, False), (5, True)])
def test_choppy_above_4_mid_sentence_pauses_per_minute(n_mid: int, fires: bool) -> None:
    r = _choppy(n_mid)
    assert r.speaking_time_s == pytest.approx(60.0)
    assert sum(p.location == "mid_sentence" for p in r.pauses) == n_mid
    assert ("choppy" in codes(r)) is fires


def test_choppy_ignores_short_and_between_sentence_pauses() -> None:
    assert "choppy" not in codes(_choppy(6, gap=0.99))
    assert "choppy" not in codes(_choppy(2, n_between=6))


def test_silent_pauses_clip_to_the_speaking_span() -> None:
    speech = [Interval(0.0, 2.0), Interval(4.0, 6.0), Interval(7.0, 9.0)]
    pauses = silent_pauses(speech, (4.0, 9.0), [Word("a", 4.0, 6.0), Word("b.", 7.0, 9.0)])
    assert [(p.start, p.end, p.location) for p in pauses] == [(6.0, 7.0, "mid_sentence")]


def test_thresholds_are_settings() -> None:
    th = Thresholds(wpm_rushed=150.0, long_pause_s=1.0)
    speech = [Interval(1.0, 20.0), Interval(21.0, 61.0)]
    words = spread(60, 1.0, 20.0, last_text="x.") + spread(100, 21.0, 61.0)
    r = report(words, speech, th=th)  # 160 wpm, a 1.0 s pause
    assert {"rushed", "long_pause"} <= set(codes(r))
    assert "rushed" not in codes(report(words, speech))
