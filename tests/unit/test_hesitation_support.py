"""What the decoder's hesitation words are taken to mean (issue 11).

With a prompt that asks for fillers, Whisper sometimes recites the prompt's list ("er, hmm, er,
hmm") or piles copies of one filler on one instant. Both sides of each rule are checked.
"""

from __future__ import annotations

from mockmic.analysis.fillers import stacked_hesitations
from mockmic.core import Word
from mockmic.pipeline.transcription import find_loop


def test_a_loop_stacked_on_one_instant_counts_once() -> None:
    loop = [Word("the", 9.5, 9.8)] + [Word(t, 10.03, 10.03) for t in ("er,", "hmm,", "er,", "hmm.")]
    assert stacked_hesitations(loop) == {2, 3, 4}
    # a real run of "uh"s, each at its own time, all stay
    run = [Word("uh,", 1.0, 1.3), Word("uh,", 1.8, 2.1), Word("uh", 2.6, 2.9)]
    assert stacked_hesitations(run) == set()


def test_overlapping_copies_of_one_hesitation_count_once_words_are_never_dropped() -> None:
    words = [Word("uh,", 5.30, 5.60), Word("uh,", 5.30, 5.62), Word("so", 5.3, 5.6), Word("so", 5.3, 5.6)]
    assert stacked_hesitations(words) == {1}
    assert stacked_hesitations([Word("um,", 1.0, 1.5), Word("um,", 1.49, 1.9)]) == set()


def words(texts: list[str]) -> list[Word]:
    return [Word(t, 0.5 * i, 0.5 * i + 0.3) for i, t in enumerate(texts)]


def test_fillers_recited_or_repeated_are_a_loop_and_so_is_a_repeated_word() -> None:
    assert find_loop(words(["Uh,", "er,", "hmm,", "er,", "hmm,", "er,", "hmm,", "er,", "hmm."])) == (1, 9)
    # four "uh"s, each with its own time, are a speaker's; copies packed into an instant or
    # closer together than a voice can make them are the decoder's
    assert find_loop(words(["So", "uh,", "uh,", "uh,", "uh,", "Montreal"])) is None
    stacked = [Word("So", 0.0, 0.3)] + [Word("ah,", 1.0, 1.0)] * 2 + [Word("ah,", 1.0, 1.4)] * 2
    assert find_loop(stacked) == (1, 5)
    crammed = [Word("So", 0.0, 0.3)] + [Word("uh,", 1.0 + 0.1 * k, 1.08 + 0.1 * k) for k in range(5)]
    assert find_loop(crammed) == (1, 6)
    assert find_loop(words(["So", "uh,", "uh,", "uh,", "Montreal"])) is None  # three is speech
    assert find_loop(words(["the", "time,", "time,", "time,", "time,", "then"])) == (1, 5)
    # a loop that mixes words and fillers is still a loop
    assert find_loop(words(["and", "uh,", "and", "uh,", "and", "uh,", "and", "uh,"])) == (0, 8)


def test_every_decode_starts_from_the_same_random_seed(monkeypatch) -> None:  # noqa: ANN001
    # Whisper's temperature fallback samples at random; a fixed seed before each decode makes a
    # file give the same words in every process (it did not: 2 transcripts in 3 runs of tiny.en)
    import ctranslate2
    import numpy as np

    import mockmic.pipeline.transcription as tr

    events: list[str] = []
    monkeypatch.setattr(ctranslate2, "set_random_seed", lambda seed: events.append(f"seed {seed}"))

    class Model:
        class model:  # noqa: N801 - mimics WhisperModel.model
            is_multilingual = False

        def transcribe(self, audio, **kw):  # noqa: ANN001, ANN003
            events.append("decode")
            return iter([]), None

    t = tr.WhisperTranscriber("unused", name="fake")
    monkeypatch.setattr(tr.WhisperTranscriber, "model", property(lambda self: Model()))
    t.transcribe(np.zeros(16000, np.float32))
    t.transcribe(np.zeros(16000, np.float32))
    assert events == [f"seed {tr.DECODE_SEED}", "decode"] * 2
