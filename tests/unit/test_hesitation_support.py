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
    assert find_loop(words(["Uh,", "er,", "hmm,", "er,", "hmm,", "er,", "hmm,", "er,", "hmm."])) == (1, 9, 3)
    # four "uh"s, each with its own time, are a speaker's; copies packed into an instant or
    # closer together than a voice can make them are the decoder's
    assert find_loop(words(["So", "uh,", "uh,", "uh,", "uh,", "Montreal"])) is None
    stacked = [Word("So", 0.0, 0.3)] + [Word("ah,", 1.0, 1.0)] * 2 + [Word("ah,", 1.0, 1.4)] * 2
    assert find_loop(stacked) == (1, 5, 2)
    crammed = [Word("So", 0.0, 0.3)] + [Word("uh,", 1.0 + 0.1 * k, 1.08 + 0.1 * k) for k in range(5)]
    assert find_loop(crammed) == (1, 6, 2)
    assert find_loop(words(["So", "uh,", "uh,", "uh,", "Montreal"])) is None  # three is speech
    assert find_loop(words(["the", "time,", "time,", "time,", "time,", "then"])) == (1, 5, 2)
    # a loop that mixes words and fillers is still a loop
    assert find_loop(words(["and", "uh,", "and", "uh,", "and", "uh,", "and", "uh,"])) == (0, 8, 2)


def test_every_decode_is_at_temperature_zero_only(monkeypatch) -> None:  # noqa: ANN001
    # Whisper's temperature fallback samples from CTranslate2 generators that no seed call reaches
    # once they exist, so one chunk gave three transcripts in one process; at temperature 0 only
    # the same audio gives the same words (the real model: test_fillers_real.py)
    import numpy as np

    import mockmic.pipeline.transcription as tr

    calls: list[dict] = []

    class Model:
        class model:  # noqa: N801 - mimics WhisperModel.model
            is_multilingual = False

        def transcribe(self, audio, **kw):  # noqa: ANN001, ANN003
            calls.append(kw)
            return iter([]), None

    t = tr.WhisperTranscriber("unused", name="fake", beam_size=5)
    monkeypatch.setattr(tr.WhisperTranscriber, "model", property(lambda self: Model()))
    t.transcribe(np.zeros(16000, np.float32))
    assert [c["temperature"] for c in calls] == [[0.0]]
    assert calls[0]["beam_size"] == 5
    # a 1 s piece may take 12 tokens a second (+16): a loop stops there instead of at 448 tokens
    assert calls[0]["max_new_tokens"] == tr.max_tokens(1.0) == 32
    assert tr.max_tokens(20.0) == 256


def test_a_word_piece_after_a_hyphen_is_not_a_hesitation() -> None:
    from mockmic.analysis.fillers import is_hesitation

    # "L -line -er." is Whisper's "L-line-er" (a stammered "liner"), not a filler "er"
    assert not is_hesitation("-er.")
    assert not is_hesitation(" -uh")
    assert is_hesitation("er.") and is_hesitation("um-") and is_hesitation("mm-hmm")


class _LoopingModel:
    """Loops on the first pass; the repeat ban gives a clean transcript."""

    class model:  # noqa: N801 - mimics WhisperModel.model
        is_multilingual = False

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def transcribe(self, audio, **kw):  # noqa: ANN001, ANN003
        from types import SimpleNamespace as NS

        self.calls.append(kw)
        if kw.get("no_repeat_ngram_size"):
            texts = ["Montreal,", "uh,", "uh,", "Uh,", "um,", "for", "the", "aligner."]
        else:
            texts = ["Montreal,"] + ["uh,"] * 40
        ws = [NS(word=" " + t, start=0.3 * i, end=0.3 * i + (0.2 if i < 9 else 0.0), probability=0.9)
              for i, t in enumerate(texts)]
        ws[5:] = [NS(word=w.word, start=2.0, end=2.0, probability=0.9) for w in ws[5:]]
        return iter([NS(words=ws)]), None


def test_a_looping_chunk_is_decoded_again_with_the_repeat_ban(monkeypatch) -> None:  # noqa: ANN001
    import numpy as np

    import mockmic.pipeline.transcription as tr

    fake = _LoopingModel()
    t = tr.WhisperTranscriber("unused", name="fake", filler_prompt="Uh, um.")
    monkeypatch.setattr(tr.WhisperTranscriber, "model", property(lambda self: fake))
    out = [w.text for w in t.transcribe(np.zeros(16000 * 8, np.float32)).words]
    assert out == ["Montreal,", "uh,", "uh,", "Uh,", "um,", "for", "the", "aligner."]
    assert [c["no_repeat_ngram_size"] for c in fake.calls] == [0, tr.NO_REPEAT_NGRAM]
    assert all(c["initial_prompt"] == "Uh, um." for c in fake.calls)  # the prompt is kept
    assert t.loops_repaired == 1


def test_a_loop_that_survives_the_ban_is_cut_to_its_first_copy(monkeypatch) -> None:  # noqa: ANN001
    import numpy as np

    import mockmic.pipeline.transcription as tr

    class Stubborn(_LoopingModel):
        def transcribe(self, audio, **kw):  # noqa: ANN001, ANN003
            from types import SimpleNamespace as NS

            self.calls.append(kw)
            texts = ["so", "the", "time", "line,"] + ["the", "time", "line,"] * 5 + ["then"]
            return iter([NS(words=[NS(word=" " + w, start=0.3 * i, end=0.3 * i + 0.2, probability=0.9)
                                   for i, w in enumerate(texts)])]), None

    fake = Stubborn()
    t = tr.WhisperTranscriber("unused", name="fake")
    monkeypatch.setattr(tr.WhisperTranscriber, "model", property(lambda self: fake))
    out = [w.text for w in t.transcribe(np.zeros(16000 * 8, np.float32)).words]
    assert out == ["so", "the", "time", "line,", "then"]
    assert len(fake.calls) == 3  # prompt; prompt and ban; ban without the filler prompt


def test_a_loop_through_punctuation_pieces_and_a_long_phrase_loop_are_found() -> None:
    dashed = words(["a", "lot", "-"] * 5 + ["align"])
    assert find_loop(dashed) == (0, 15, 3)
    phrase = words(["so"] + ["I'm", "going", "to", "monitor", "it,"] * 4 + ["uh"])
    assert find_loop(phrase) == (1, 21, 6)
    # three times is still speech, and a repeated phrase of many words too
    assert find_loop(words(["I'm", "going", "to", "monitor", "it,"] * 3)) is None


def test_a_recital_of_the_prompts_fillers_is_told_from_a_speakers_run() -> None:
    from mockmic.pipeline.transcription import find_recital

    recital = [Word("bottom.", 67.0, 67.3), Word("um,", 72.2, 72.5), Word("er,", 73.1, 73.5)] + [
        Word(t, 74.39, 74.39) for t in ("hmm,", "er,", "mm,", "erm,", "er,", "uh")] + [Word("There's", 74.4, 74.6)]
    assert find_recital(recital) == (1, 9)
    # six uhs of which Whisper squeezed two into an instant: a speaker
    speaker = [Word("Montreal,", 0.0, 1.28), Word("uh,", 1.78, 2.02), Word("uh,", 2.4, 2.8), Word("Uh,", 4.04, 4.04),
               Word("uh,", 4.18, 4.76), Word("um,", 5.22, 5.22), Word("uh,", 5.4, 5.52), Word("for", 5.52, 5.6)]
    assert find_recital(speaker) is None


def test_a_recital_after_the_ban_is_decoded_again_without_the_filler_prompt(monkeypatch) -> None:  # noqa: ANN001
    from types import SimpleNamespace as NS

    import numpy as np

    import mockmic.pipeline.transcription as tr

    class Reciting(_LoopingModel):
        def transcribe(self, audio, **kw):  # noqa: ANN001, ANN003
            self.calls.append(kw)
            if kw.get("initial_prompt") is None:
                texts = [("There's", 0.0, 0.3), ("three", 0.4, 0.6), ("points.", 0.6, 0.9)]
            elif kw.get("no_repeat_ngram_size"):
                texts = [("er,", 0.1, 0.1), ("hmm,", 0.1, 0.1), ("er,", 0.1, 0.1), ("mm,", 0.1, 0.1),
                         ("erm,", 0.1, 0.1), ("There's", 0.2, 0.4)]
            else:
                texts = [("er,", 0.1, 0.1), ("hmm,", 0.1, 0.1)] * 6
            return iter([NS(words=[NS(word=" " + t, start=a, end=b, probability=0.9) for t, a, b in texts])]), None

    fake = Reciting()
    t = tr.WhisperTranscriber("unused", name="fake", filler_prompt="Uh, um, er, hmm, mm.")
    monkeypatch.setattr(tr.WhisperTranscriber, "model", property(lambda self: fake))
    out = [w.text for w in t.transcribe(np.zeros(16000 * 2, np.float32)).words]
    assert out == ["There's", "three", "points."]
    assert [(c["initial_prompt"], c["no_repeat_ngram_size"]) for c in fake.calls] == [
        ("Uh, um, er, hmm, mm.", 0), ("Uh, um, er, hmm, mm.", tr.NO_REPEAT_NGRAM), (None, tr.NO_REPEAT_NGRAM)]


def test_a_timeless_copy_touching_the_hesitation_before_it_is_the_same_sound() -> None:
    assert stacked_hesitations([Word("um,", 30.79, 31.23), Word("um,", 31.29, 31.29)]) == {1}
    # with a length of its own, or well after the first, it is a second filler
    assert stacked_hesitations([Word("um,", 30.79, 31.23), Word("um,", 31.29, 31.6)]) == set()
    assert stacked_hesitations([Word("uh,", 2.4, 2.8), Word("Uh,", 4.04, 4.04)]) == set()


def test_a_loop_over_silence_is_dropped_and_a_loop_over_speech_is_decoded_again(monkeypatch) -> None:  # noqa: ANN001
    from types import SimpleNamespace as NS

    import numpy as np

    import mockmic.pipeline.transcription as tr

    def seg(texts: list[str], t0: float, ratio: float, no_speech: float) -> NS:
        return NS(compression_ratio=ratio, no_speech_prob=no_speech,
                  words=[NS(word=" " + w, start=t0 + 0.01 * i, end=t0 + 0.01 * i, probability=0.5)
                         for i, w in enumerate(texts)])

    class Tail(_LoopingModel):
        def __init__(self, no_speech: float) -> None:
            super().__init__()
            self.no_speech = no_speech

        def transcribe(self, audio, **kw):  # noqa: ANN001, ANN003
            self.calls.append(kw)
            said = seg(["the", "narrative", "would", "be", "tedious."], 0.0, 1.2, 0.03)
            said.words = [NS(word=w.word, start=0.4 * i, end=0.4 * i + 0.3, probability=0.9)
                          for i, w in enumerate(said.words)]
            tail = seg(["thank", "you", "very", "much,"] * 10, 7.5, 17.3, self.no_speech)
            return iter([said] if kw.get("no_repeat_ngram_size") else [said, tail]), None

    for no_speech, calls in ((0.54, 1), (0.05, 2)):
        fake = Tail(no_speech)
        t = tr.WhisperTranscriber("unused", name="fake", filler_prompt="Uh, um.")
        monkeypatch.setattr(tr.WhisperTranscriber, "model", property(lambda self, f=fake: f))
        out = [w.text for w in t.transcribe(np.zeros(16000 * 8, np.float32)).words]
        assert out == ["the", "narrative", "would", "be", "tedious."], no_speech
        assert len(fake.calls) == calls  # over silence: no second decode
        assert t.silent_loops == (1 if no_speech > 0.5 else 0)
