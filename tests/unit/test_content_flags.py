"""Content flags: phrasings interviewers read as defensive or unsafe (PRODUCT.md's table)."""

from __future__ import annotations

import pytest

from mockmic.analysis.content import content_flags
from mockmic.core import Word


def words_of(text: str, *, start: float = 0.0, step: float = 0.4) -> list[Word]:
    """Whisper-like words: punctuation stays attached, 0.4 s per word."""
    return [Word(tok, start + i * step, start + (i + 1) * step) for i, tok in enumerate(text.split())]


def flagged(text: str) -> list[str]:
    return [f.code for f in content_flags(words_of(text))]


CASES = {
    "defensive_comparison": [
        "But in my country we had to do everything ourselves.",
        "In my country, we see a lot of tuberculosis.",
        "Back home we did not have an electronic record.",
        "BACK HOME, WE rounded twice a day.",
        "Well, in our country they train for six years.",
    ],
    "arguing_equivalence": [
        "Actually, we also did that in our hospital.",
        "Actually we also had morning reports.",
        "We also did that on the wards.",
        "we did that too, every day",
    ],
    "blame_shifting": [
        "It was not our fault because the lab was closed.",
        "It wasn't my fault, the pharmacy sent the wrong dose.",
        "Honestly that was not my fault.",
        "The nurses were to blame for the delay.",
    ],
    "equivalence_claim": [
        "My training was equivalent to US residency.",
        "My internship was basically the same as a US intern year.",
        "I was doing the same as a US intern.",
        "My training was equivalent to a residency in the US.",
        "It is equal to an American residency.",
    ],
    "unsafe_independence": [
        "I managed everything alone at night.",
        "I ran the ward by myself on weekends.",
        "We worked without any supervision.",
        "There was no one to supervise me.",
        "I handled it all on my own.",
        "But we had to manage everything alone at night.",
    ],
}


@pytest.mark.parametrize(
    "code,text", [(code, text) for code, texts in CASES.items() for text in texts],
    ids=[f"{code}-{i}" for code, texts in CASES.items() for i in range(len(texts))],
)
def test_flag_fires_with_its_reframe(code: str, text: str) -> None:
    flags = [f for f in content_flags(words_of(text)) if f.code == code]
    assert len(flags) == 1, (text, flagged(text))
    assert flags[0].tip  # the suggested reframe
    assert flags[0].severity == "warning"


def test_reframes_are_the_guides_suggestions() -> None:
    tips = {f.code: f.tip or "" for text in (
        "In my country we rounded. Actually, we also did that. It was not our fault. "
        "My training was equivalent to US residency. I managed everything alone."
        ,) for f in content_flags(words_of(text))}
    assert "That experience taught me" in tips["defensive_comparison"]
    assert "main limitation of that system" in tips["arguing_equivalence"]
    assert "adjust in the US context" in tips["blame_shifting"]
    assert "overlap in clinical exposure" in tips["equivalence_claim"]
    assert "supervision" in tips["unsafe_independence"] and "escalation" in tips["unsafe_independence"]


NEUTRAL = [
    "I like surgery because I enjoy working with my hands.",
    "During my internship I was responsible for twelve patients on the medical ward.",
    "My country has a national health service, and I learned a lot from it.",
    "We also discussed every admission with the attending the next morning.",
    "Our team had two interns, one resident and a consultant.",
    "I would call my senior resident whenever a patient deteriorated.",
    "The main limitation of that system was the lack of electronic records.",
    "That experience taught me to ask for help early.",
    "I learned that a mistake is a system problem as much as a personal one.",
    "My training covered internal medicine, surgery, pediatrics and obstetrics.",
    "I worked alongside the nurses to improve the handover.",
    "I managed the patient's pain with the team.",
    "It was the same day that the patient was discharged.",
]


@pytest.mark.parametrize("text", NEUTRAL)
def test_no_false_flag_on_neutral_sentences(text: str) -> None:
    assert flagged(text) == []


@pytest.mark.parametrize("text", [
    "I managed everything alone at night, but I called my senior whenever I was unsure.",
    "I ran the ward by myself on weekends and escalated to the attending on call.",
    "I handled it all on my own, and I discussed with my supervisor the next morning.",
])
def test_unsafe_independence_suppressed_by_escalation(text: str) -> None:
    assert "unsafe_independence" not in flagged(text)


def test_escalation_far_away_does_not_suppress() -> None:
    filler = " ".join(["and then we saw the next patient on the list"] * 5)  # 50 words
    text = f"I called my senior about the first case. {filler} Later I managed everything alone."
    assert "unsafe_independence" in flagged(text)


def test_flag_time_is_the_first_word_of_the_phrase() -> None:
    flags = content_flags(words_of("So yesterday, back home we did rounds.", start=10.0))
    assert [(f.code, f.at_s) for f in flags] == [("defensive_comparison", pytest.approx(10.8))]


def test_same_phrase_twice_far_apart_is_flagged_twice() -> None:
    middle = " ".join(["the patient improved over several days"] * 6)
    flags = [f for f in content_flags(words_of(f"In my country we did it. {middle} In my country we also did."))
             if f.code == "defensive_comparison"]
    assert len(flags) == 2


def test_case_and_punctuation_do_not_matter() -> None:
    assert flagged("IT WAS NOT OUR FAULT!") == ["blame_shifting"]
    assert flagged("it... was not... our fault") == ["blame_shifting"]


def test_empty_transcript() -> None:
    assert content_flags([]) == []
