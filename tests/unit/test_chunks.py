"""The chunk rules shared by the live session and the whole-file engine (mockmic.analysis.chunks).

The property that matters: a cut taken while the audio is still arriving is the cut a look at the
finished recording takes, so live and whole-file analysis give Whisper the same chunks.
"""

from __future__ import annotations

import random

import pytest

from mockmic.analysis.chunks import VAD_WINDOW, ChunkRules, has_speech, last_end, next_cut, plan

SR = 16_000
RULES = ChunkRules.seconds(min_chunk=5.0, max_chunk=20.0)  # 5-20 s chunks, pauses of 0.3 s or more, cut 0.15 s into the pause


def s(t: float) -> int:
    return int(round(t * SR))


def stretches_from(pattern: list[tuple[float, float]]) -> list[tuple[int, int]]:
    return [(s(a), s(b)) for a, b in pattern]


def probs_for(stretches: list[tuple[int, int]], length: int) -> list[float]:
    out = []
    for k in range(length // VAD_WINDOW + 1):
        mid = k * VAD_WINDOW + VAD_WINDOW // 2
        out.append(0.9 if any(a <= mid < b for a, b in stretches) else 0.05)
    return out


def test_cut_in_the_first_long_enough_pause_after_the_minimum() -> None:
    # pauses: 0.2 s at 3 s (too short), 0.5 s at 4 s (chunk too short), 0.2 s at 6 s, 0.8 s at 8 s
    st = stretches_from([(0.5, 3.0), (3.2, 4.0), (4.5, 6.0), (6.2, 8.0), (8.8, 12.0)])
    cut = next_cut(st, s(12.0), 0, [], RULES)
    assert cut == s(8.0) + RULES.lead


def test_pause_shorter_than_two_leads_is_cut_in_its_middle() -> None:
    rules = ChunkRules.seconds(min_chunk=5.0, max_chunk=20.0, pause=0.3, lead=0.15)
    # nothing of 0.3 s within 20 s: the longest shorter pause (0.28 s at 9 s) is used, mid-way
    pat = [(0.0, 4.0), (4.1, 9.0), (9.28, 15.0), (15.2, 25.0)]
    st = stretches_from(pat)
    cut = next_cut(st, s(25.0), 0, probs_for(st, s(25.0)), rules)
    assert cut == s(9.0) + (s(9.28) - s(9.0)) // 2


def test_no_pause_at_all_cuts_at_the_quietest_window_within_the_limit() -> None:
    st = stretches_from([(0.0, 30.0)])
    probs = [0.95] * (s(30.0) // VAD_WINDOW + 1)
    dip = s(13.0) // VAD_WINDOW
    probs[dip] = 0.3  # the least speech-like moment
    cut = next_cut(st, s(30.0), 0, probs, RULES)
    assert cut == dip * VAD_WINDOW + VAD_WINDOW // 2


def test_no_cut_while_a_pause_in_reach_could_still_come() -> None:
    st = stretches_from([(0.0, 6.0), (6.1, 12.0)])
    # speech still going on from 12.2 s: a pause may come any moment, nothing is certain yet
    assert next_cut(st, s(14.0), 0, [], RULES, open_start=s(12.2)) is None
    # silence after the last stretch, but not yet 0.3 s of it
    assert next_cut(st, s(12.2), 0, [], RULES) is None
    # 0.3 s of silence: now the cut is known, 0.15 s into the pause
    assert next_cut(st, s(12.31), 0, [], RULES) == s(12.0) + RULES.lead


def test_last_chunk_ends_a_lead_after_the_last_speech() -> None:
    st = stretches_from([(1.0, 4.0), (4.5, 7.0)])
    assert last_end(st, s(10.0), 0, RULES) == s(7.0) + RULES.lead
    assert last_end(st, s(7.05), 0, RULES) == s(7.05)  # stopped right after speaking
    assert last_end(st, s(10.0), s(8.0), RULES) is None  # nothing said after the cut


def test_plan_covers_the_speech_and_skips_silent_chunks() -> None:
    pat = [(0.5 + 3.0 * i, 2.9 + 3.0 * i) for i in range(10)] + [(70.0, 75.0)]  # 35 s of silence
    st = stretches_from(pat)
    length = s(80.0)
    chunks = plan(st, length, probs_for(st, length), RULES)
    assert chunks[0][0] == 0
    for (a0, b0), (a1, b1) in zip(chunks, chunks[1:]):
        assert b0 <= a1  # in order, never overlapping
    for a, b in stretches_from(pat):  # every stretch of speech inside exactly one chunk
        assert sum(1 for c0, c1 in chunks if c0 <= a and b <= c1) == 1
    assert all(has_speech(st, a, b) for a, b in chunks)
    assert all(b - a <= RULES.max_chunk for a, b in chunks)
    assert chunks[-1][1] == s(75.0) + RULES.lead


def vad_view(stretches: list[tuple[int, int]], seen: int, min_silence: int) -> tuple[list, int | None]:
    """What a streaming VAD knows at ``seen``: stretches closed after ``min_silence`` of quiet."""
    closed, open_start = [], None
    for a, b in stretches:
        if a >= seen:
            break
        if b + min_silence <= seen:
            closed.append((a, b))
        else:
            open_start = a
    return closed, open_start


def listen(st, length, probs, rng, max_step):
    """Cut as the live session does, the audio arriving in random steps; return its chunks."""
    cut, seen, taken = 0, 0, []
    min_silence = s(0.2)
    while seen < length:
        seen = min(length, seen + rng.randint(VAD_WINDOW, max_step))
        closed, open_start = vad_view(st, seen, min_silence)
        known = probs[: seen // VAD_WINDOW]
        while (c := next_cut(closed, seen, cut, known, RULES, open_start=open_start)) is not None:
            taken.append(c)
            cut = c
    closed, _ = vad_view(st, length + min_silence, min_silence)
    while (c := next_cut(closed, length, cut, probs, RULES)) is not None:
        taken.append(c)
        cut = c
    end = last_end(closed, length, cut, RULES)
    chunks = [(a, b) for a, b in zip([0] + taken, taken) if has_speech(st, a, b)]
    if end is not None:
        chunks.append((cut, end))
    return chunks


@pytest.mark.parametrize("seed", range(60))
def test_cuts_taken_while_listening_are_the_cuts_of_the_finished_recording(seed: int) -> None:
    rng = random.Random(seed)
    pat, t = [], rng.uniform(0.0, 1.0)
    while t < 150.0:
        talk = rng.choice([rng.uniform(0.3, 3.0), rng.uniform(3.0, 12.0), rng.uniform(12.0, 30.0)])
        pat.append((t, t + talk))
        t += talk + rng.choice([rng.uniform(0.2, 0.3), rng.uniform(0.3, 1.0), rng.uniform(1.0, 4.0)])
    st = stretches_from(pat)
    length = s(t + rng.uniform(0.0, 2.0))
    probs = [rng.random() for _ in range(length // VAD_WINDOW + 1)]
    final = plan(st, length, probs, RULES)
    assert listen(st, length, probs, rng, rng.choice([s(0.3), s(3.0)])) == final


@pytest.mark.parametrize("pause_at", [19.5, 19.75, 19.85])
def test_a_pause_found_just_before_the_limit_wins_over_the_fallback(pause_at: float) -> None:
    # 20 s of talk with only 0.25 s breaks, then a real pause whose cut point is still inside
    # the 20 s limit: the detector closes the stretch 0.2 s later, past the limit
    pat = [(0.0, 6.0), (6.25, 12.0), (12.25, pause_at), (pause_at + 0.6, 30.0)]
    st = stretches_from(pat)
    length = s(31.0)
    probs = probs_for(st, length)
    final = plan(st, length, probs, RULES)
    assert final[0] == (0, s(pause_at) + RULES.lead)
    for seed in range(5):
        assert listen(st, length, probs, random.Random(seed), s(0.1)) == final


def test_rules_refuse_a_lead_longer_than_half_the_pause() -> None:
    with pytest.raises(ValueError):
        ChunkRules.seconds(pause=0.2, lead=0.15)
