"""Discourse and hesitation fillers in transcripts: filler use vs content use.

The sentences are written for these tests (interview-answer style, some modelled on the
disfluent patient speech in primock57); each expected filler list was decided by reading the
sentence, not by running the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mockmic.analysis.fillers import is_hesitation, lexical_fillers
from mockmic.core import Word


def words_of(sentence: str) -> list[Word]:
    return [Word(tok, i * 0.3, i * 0.3 + 0.25) for i, tok in enumerate(sentence.split())]


def fillers_in(sentence: str) -> list[str]:
    found, _ = lexical_fillers(words_of(sentence))
    return [f.text for f in found]


CASES = [
    # content uses: nothing is a filler
    ("I like surgery because of the teamwork.", []),
    ("What kind of patients did you see on the ward?", []),
    ("We would like to improve handover.", []),
    ("I really like the continuity of care.", []),
    ("It feels like a cramp in my lower back.", []),
    ("Nothing like that happened during my internship.", []),
    ("He has been like this for five days.", []),
    ("That kind of work needs a senior on call.", []),
    ("A similar sort of thing happened last year.", []),
    ("Do you know what the plan was?", []),
    ("If you know the patient well, handover is easier.", []),
    ("I know what you mean.", []),
    ("We did it so that the family could visit.", []),
    ("It actually worked better than the old system.", []),
    ("I did well in my exams.", []),
    ("So far the results have been good.", []),
    ("Patients like clear explanations.", []),
    ("That is what I mean.", []),
    ("Thank you so much.", []),
    # filler uses
    ("It was, like, really busy on nights.", ["like"]),
    ("Um, I think the main thing is teamwork.", ["um"]),
    ("So, I grew up in a small town.", ["so"]),
    ("Well, I was not sure at first.", ["well"]),
    ("Um, well I was told I had asthma.", ["um", "well"]),
    ("Okay so the first thing I did was call my senior.", ["okay so"]),
    ("I was like seventeen when I decided.", ["like"]),
    ("We had like thirty patients each.", ["like"]),
    ("It was, you know, a very long night.", ["you know"]),
    ("You know it was hard at the start.", ["you know"]),
    ("I mean, the hours were long.", ["i mean"]),
    ("It's kind of hard to explain.", ["kind of"]),
    ("I sort of took over the ward round.", ["sort of"]),
    ("Basically I was the only doctor at night.", ["basically"]),
    ("I was literally running between wards.", ["literally"]),
    ("Actually, we also did that back home.", ["actually"]),
    ("It was a good experience actually.", ["actually"]),
    ("Especially like in the emergency room.", ["like"]),
    ("Uh, so it started with a fever.", ["uh", "so"]),
    ("Hmm, that is a good question.", ["hmm"]),
    ("Yeah, so basically I stayed late.", ["so", "basically"]),
    ("It was only like the first week.", ["like"]),
]


@pytest.mark.parametrize(("sentence", "expected"), CASES)
def test_filler_or_content(sentence: str, expected: list[str]) -> None:
    assert fillers_in(sentence) == expected


def test_used_indices_cover_multiword_fillers() -> None:
    words = words_of("It was, you know, a very long night.")
    found, used = lexical_fillers(words)
    assert [f.text for f in found] == ["you know"]
    assert used == {2, 3}
    assert found[0].start == words[2].start and found[0].end == words[3].end
    assert found[0].kind == "discourse" and found[0].source == "transcript"


def test_long_gap_starts_a_new_utterance() -> None:
    # no punctuation, but 1.5 s of silence before "so": it opens a new utterance
    words = [Word("the", 0.0, 0.2), Word("ward", 0.25, 0.5), Word("so", 2.0, 2.2), Word("I", 2.3, 2.4),
             Word("stayed", 2.5, 2.8)]
    found, _ = lexical_fillers(words)
    assert [f.text for f in found] == ["so"]


@pytest.mark.parametrize("tok", ["Umm,", "uh", "Uhh...", "hmm", "Hm.", "erm", "mm-hmm", "er,"])
def test_hesitation_spellings(tok: str) -> None:
    assert is_hesitation(tok)


@pytest.mark.parametrize("tok", ["um-brella", "summer", "her", "hum", "aha", "a", "I"])
def test_not_hesitations(tok: str) -> None:
    assert not is_hesitation(tok)


def _patient_utterances(root: Path) -> list[str]:
    out = []
    for f in sorted((root / "primock57_transcripts" / "transcripts").glob("*patient.TextGrid")):
        for m in re.finditer(r'text = "(.*)"', f.read_text(encoding="utf-8", errors="replace")):
            t = re.sub(r"</?UNSURE>|<UNIN/>|<INAUDIBLE_SPEECH/>", "", m.group(1)).replace("...", "... ")
            if t.strip():
                out.append(t)
    return out


def test_real_patient_speech(shared_speech: Path) -> None:
    """On the hand-transcribed patient speech of primock57: every um/uh the transcribers wrote
    is found, and the content uses that are unambiguous in that text stay content."""
    utts = _patient_utterances(shared_speech)
    assert len(utts) > 1000
    n_hes = n_found_hes = 0
    content_hits: list[str] = []
    for text in utts:
        words = words_of(text)
        found, used = lexical_fillers(words)
        toks = [re.sub(r"[^\w']", "", w.text.lower()) for w in words]
        n_hes += sum(t in {"um", "uh", "er", "erm", "umm", "uhh"} for t in toks)
        n_found_hes += sum(f.kind == "hesitation" and f.text in {"um", "uh", "er", "erm", "umm", "uhh"}
                           for f in found)
        for i, t in enumerate(toks):
            pair = " ".join(toks[i:i + 2])
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            # unambiguous content: "feel like it/I", "anything/nothing/something like that",
            # "would like", "as well", "what I mean"
            content = (
                (t == "like" and i > 0 and toks[i - 1] in {"feel", "feels", "would", "anything",
                                                           "nothing", "something"}
                 and not words[i].text.endswith(","))
                or (pair == "as well")
                or (t == "i" and nxt == "mean" and i > 0 and toks[i - 1] == "what")
            )
            if content and i in used:
                content_hits.append(text)
    assert n_hes > 1500
    assert n_found_hes == n_hes
    assert content_hits == []


@pytest.mark.parametrize("word", ["am", "Am", "em", "'em", "a", "me", "her", "hum-drum"])
def test_words_that_look_like_hesitations_are_not(word):
    # "I am looking forward" must keep "am" as a lexical word
    assert not is_hesitation(word)


@pytest.mark.parametrize("word", ["um", "Umm,", "uh", "uhh...", "er", "erm", "ah", "ahm", "hmm", "mm", "emm"])
def test_more_hesitation_spellings(word: str) -> None:
    assert is_hesitation(word)
