"""Fillers in the transcript: hesitation sounds and discourse fillers used as fillers.

Hesitation fillers (um, uh, er, ah, hmm, mm and their spellings) are always fillers. Discourse
fillers (like, you know, I mean, basically, actually, literally, sort of, kind of, sentence-
initial so / well / okay so) are fillers only where they carry no content: "I like surgery" and
"what kind of patients" are content, "it was, like, really busy" is a filler.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mockmic.analysis.text import ends_clause, ends_sentence, norm_token
from mockmic.core import Filler, FillerKind, ReportWord, Word

_HESITATION = re.compile(
    r"^(u+h+m*|u+m+|e+r+m*|e+h+|a+h+|a+h+m+|h+m+|m+h*m+|u+h+u+h+|h+u+h+|e+m{2,}|mm+-?hmm+)$"
)


def is_hesitation(token: str) -> bool:
    """Whether a word is a hesitation sound (``"Umm,"``, ``"uh"``, ``"hmm"``, ``"erm"``...).

    A piece that starts with a hyphen is the tail of the word before it, not a word: Whisper
    writes a stammered or hyphenated word as pieces ("L", "-line", "-er."), and "-er" there is
    the end of "liner", not a hesitation. A trailing hyphen ("um-") is a cut-off filler.
    """
    if token.lstrip().startswith("-"):
        return False
    tok = norm_token(token).replace("-", "")
    return bool(tok) and bool(_HESITATION.match(tok))


@dataclass(frozen=True)
class _Ctx:
    words: list[Word]
    toks: list[str]

    def tok(self, i: int) -> str:
        return self.toks[i] if 0 <= i < len(self.toks) else ""

    def clause_start(self, i: int) -> bool:
        """Word ``i`` opens a sentence or clause (first word, or the previous word ends one)."""
        return i == 0 or ends_clause(self.words[i - 1].text)

    def sentence_start(self, i: int) -> bool:
        if i == 0:
            return True
        prev = self.words[i - 1]
        # a long gap before the word also starts a new utterance in speech
        return ends_sentence(prev.text) or self.words[i].start - prev.end >= 1.0

    def comma_after(self, i: int) -> bool:
        return 0 <= i < len(self.words) and self.words[i].text.rstrip().endswith((",", "...", "…"))

    def comma_before(self, i: int) -> bool:
        return i > 0 and ends_clause(self.words[i - 1].text)


# Words that may stand between the start of a sentence and a discourse marker without making the
# marker "mid-sentence": "Um, well I...", "Yeah, so basically...", "And, uh, so it started..."
_LEADING = {"and", "but", "yeah", "yes", "no", "oh", "okay", "ok", "alright", "right", "so", "well", "now"}

# "like" as a verb ("I like surgery", "we would like to") or a comparison ("feels like a cramp")
_LIKE_SUBJECT = {"i", "you", "we", "they", "he", "she", "who", "people", "patients", "doctors",
                 "residents", "nurses", "kids", "families"}
_LIKE_VERB_BEFORE = {"would", "i'd", "we'd", "you'd", "they'd", "he'd", "she'd", "do", "did", "does",
                     "don't", "didn't", "doesn't", "not", "to", "might", "may", "will", "could",
                     "should", "i'll", "we'll", "would've", "dislike"}
# adverbs that sit between a subject and the verb "like" ("I really like"); without a subject
# right before them ("especially like in my arms") the "like" is a filler
_LIKE_ADVERB = {"really", "also", "always", "never", "genuinely", "actually", "still",
                "particularly", "especially", "definitely", "truly", "all", "both", "just"}
_LIKE_COMPARE_BEFORE = {"look", "looks", "looked", "looking", "feel", "feels", "felt", "feeling",
                        "sound", "sounds", "sounded", "seem", "seems", "seemed", "smell", "smells",
                        "taste", "tastes", "something", "anything", "nothing", "everything", "things",
                        "stuff", "exactly", "more", "much", "less", "act", "acted", "treat", "treated",
                        "just", "person", "someone", "somebody", "places", "cases", "conditions"}
_LIKE_COMPARE_AFTER = {"this", "that", "these", "those", "me", "him", "her", "them", "us", "it",
                       "mine", "yours", "ours", "before", "usual", "normal", "him.", "anyone", "everyone"}
# what follows a filler "like": a hedge on a number or degree, or a restart
_LIKE_FILLER_AFTER = {"really", "so", "very", "super", "totally", "kind", "sort", "literally",
                      "actually", "basically", "just", "almost", "about", "around", "maybe",
                      "probably", "seriously", "completely", "quite", "pretty", "in", "on", "at",
                      "when", "if", "because", "all", "every", "some", "one", "two", "three", "four",
                      "five", "six", "seven", "eight", "nine", "ten", "twenty", "thirty", "fifty",
                      "hundred", "half", "once", "twice", "i", "i'm", "i've", "we", "we're", "you",
                      "there", "there's", "um", "uh", "you know"}
_LIKE_FILLER_BEFORE = {"and", "but", "or", "so", "was", "were", "is", "it's", "it", "he's", "she's",
                       "they're", "we're", "i'm", "been", "be", "get", "got", "had", "have", "very",
                       "quite", "the", "a", "my", "our", "of", "in", "yeah", "oh", "because", "cause",
                       "then", "now", "okay", "um", "uh", "only", "even", "especially", "also", "really"}
_NUMBER = re.compile(r"^\d")
_QUANTITY_AFTER_A = {"little", "lot", "few", "couple", "bit", "week", "month", "year", "day", "minute",
                     "second", "hundred", "thousand", "dozen"}
_KIND_CONTENT_BEFORE = {"a", "an", "the", "what", "this", "that", "which", "any", "some", "every", "one",
                        "same", "different", "right", "wrong", "each", "no", "these", "those", "my",
                        "our", "your", "their", "his", "her", "its", "other", "another", "similar",
                        "all", "many", "certain", "particular", "specific", "new", "whatever"}
_KIND_CONTENT_AFTER = {"thing", "things", "stuff", "person", "people", "way", "ways", "doctor",
                       "doctors", "patient", "patients", "work", "case", "cases", "job", "problem",
                       "problems", "question", "questions", "place", "situation", "situations"}
_YOU_KNOW_CONTENT_BEFORE = {"do", "did", "don't", "didn't", "dont", "if", "as", "what", "how", "would",
                            "will", "let", "to", "you'll", "could", "might", "should", "whether", "ever",
                            "may", "never", "i", "we", "they", "who", "can", "can't", "doesn't", "does"}
_YOU_KNOW_CONTENT_AFTER = {"what", "how", "where", "who", "why", "whether", "him", "her", "them", "me",
                           "us", "about", "anything", "something", "much", "any", "anyone", "someone",
                           "nothing", "exactly", "each", "everyone", "everything", "better", "more",
                           "yourself", "which"}
_I_MEAN_CONTENT_BEFORE = {"what", "know", "see", "that's", "which", "if", "understand", "get", "do", "did",
                          "didn't", "don't", "doesn't", "not", "really", "you", "that", "exactly"}


class _Scan:
    """The transcript being scanned, with the position tests the filler rules share."""

    def __init__(self, words: list[Word]) -> None:
        self.words = words
        self.toks = [norm_token(w.text) for w in words]
        self.ctx = _Ctx(words, self.toks)

    def hes(self, j: int) -> bool:
        return 0 <= j < len(self.words) and is_hesitation(self.words[j].text)

    def initial(self, i: int) -> bool:
        """Word ``i`` opens its sentence, allowing "um", "and", "yeah", "so"... before it."""
        j = i
        while True:
            if self.ctx.sentence_start(j):
                return True
            if j == 0:
                return True
            prev = j - 1
            if self.hes(prev) or self.toks[prev] in _LEADING or not self.toks[prev]:
                j = prev
                continue
            return False

    def sentence_end(self, i: int) -> bool:
        return i == len(self.words) - 1 or ends_sentence(self.words[i].text)


def _you_know_is_filler(s: _Scan, i: int, prev: str) -> bool:
    # "you know, ..." / "..., you know." / "You know it's numb": a filler; "do you know
    # what", "if you know him", "as you know" are content.
    ctx = s.ctx
    after = ctx.tok(i + 2)
    if prev in _YOU_KNOW_CONTENT_BEFORE and not ctx.comma_before(i):
        return False
    if ctx.comma_after(i + 1) or s.sentence_end(i + 1) or i + 2 >= len(s.toks):
        return True
    if after in _YOU_KNOW_CONTENT_AFTER:
        return False
    if after in {"that", "the", "it"} and not (s.initial(i) or ctx.comma_before(i) or s.hes(i - 1)):
        return False  # "...that you know the answer"
    return True


def _i_mean_is_filler(s: _Scan, i: int, prev: str) -> bool:
    # "I mean, ..." restarts; "what I mean", "I mean to", "I mean it." are content
    ctx = s.ctx
    after = ctx.tok(i + 2)
    if prev in _I_MEAN_CONTENT_BEFORE and not ctx.comma_before(i) and not s.hes(i - 1):
        return False
    if after in {"to", "that"} and not ctx.comma_after(i + 1):
        return False
    return not (after == "it" and s.sentence_end(i + 2))


def _kind_of_is_filler(s: _Scan, i: int, prev: str) -> bool:
    # hedge: "it's kind of hard", "I sort of woke up"; content: "what kind of patients",
    # "a similar sort of thing", "that kind of work"
    after = s.ctx.tok(i + 2)
    if prev in _KIND_CONTENT_BEFORE or after in _KIND_CONTENT_AFTER:
        return False
    # "the hospital's kind of care"
    return not (prev.endswith("'s") and prev not in {"it's", "that's", "he's", "she's", "there's", "what's"})


_SO_CONTENT_AFTER = {"that", "much", "many", "far", "long", "being", "done", "as", "do", "did",
                     "does", "is", "was", "am", "are", "will", "would", "can", "could", "should",
                     "have", "has", "too", "soon", "bad", "good", "sorry", "glad", "happy",
                     "tired", "thank", "thanks"}
_WELL_CONTENT_AFTER = {"being", "done", "known", "enough", "aware", "trained", "organised", "organized",
                       "managed", "prepared", "controlled", "established", "paid", "off"}


def _one_word_is_filler(s: _Scan, i: int, tok: str, prev: str, nxt: str) -> bool | None:
    """The rule for a one-word discourse filler at ``i`` (None: no rule for this word here)."""
    if tok in {"kinda", "sorta"}:
        return prev not in _KIND_CONTENT_BEFORE
    if tok == "like":
        return _like_is_filler(s.ctx, i, s.initial(i), s.hes)
    if tok == "basically":
        return True
    if tok == "literally":
        # content when it qualifies a translation/reading: "take it literally", "translated literally"
        return not (prev in {"it", "that", "this", "them", "translated", "translate", "means", "meant"}
                    and s.sentence_end(i))
    if tok == "actually":
        # filler at a clause start or end, set off by commas, or after "no"/"yeah"/"um";
        # content inside a clause ("it actually worked", "I was actually in the ER")
        return bool(s.ctx.clause_start(i) or s.ctx.comma_after(i) or s.sentence_end(i) or s.initial(i)
                    or prev in {"no", "yeah", "yes", "oh", "and", "but"} or s.hes(i - 1))
    return None


def _discourse_length(s: _Scan, i: int, tok: str) -> int:
    """How many words from ``i`` form a discourse filler (0: none, content or no rule)."""
    nxt, prev = s.ctx.tok(i + 1), s.ctx.tok(i - 1)
    if tok == "you" and nxt == "know":
        return 2 if _you_know_is_filler(s, i, prev) else 0
    if tok == "i" and nxt == "mean":
        return 2 if _i_mean_is_filler(s, i, prev) else 0
    if tok in {"sort", "kind"} and nxt == "of":
        return 2 if _kind_of_is_filler(s, i, prev) else 0
    one = _one_word_is_filler(s, i, tok, prev, nxt)
    if one is not None:
        return 1 if one else 0
    if tok == "okay" and nxt == "so" and s.initial(i):
        return 2
    if tok == "so" and s.initial(i):
        # "So, ..." opening a sentence; "so that", "so much", "so far", "or so" are content
        return 1 if nxt not in _SO_CONTENT_AFTER else 0
    if tok == "well" and s.initial(i) and not s.sentence_end(i):
        # "Well, ..." / "Um, well I..."; "well-being", "well done", "well known" are content
        return 1 if nxt not in _WELL_CONTENT_AFTER else 0
    return 0


def lexical_fillers(words: list[Word]) -> tuple[list[Filler], set[int]]:
    """Find fillers in a transcript.

    Returns the fillers (``source="transcript"``) and the indices of every word that is part of
    one, so that metrics can count lexical words without them.

    Discourse words count as fillers only in filler positions (see the rule for each word above);
    where a rule cannot tell, the word is left as content: a missed "like" costs less than telling
    someone that "I like surgery" was a filler.
    """
    scan = _Scan(words)
    toks = scan.toks
    found: list[Filler] = []
    used: set[int] = set()

    def add(i: int, n: int, kind: FillerKind) -> None:
        idx = range(i, i + n)
        if any(j in used for j in idx):
            return
        used.update(idx)
        text = " ".join(toks[j] for j in idx)
        found.append(Filler(text, words[i].start, words[i + n - 1].end, kind))

    for i, tok in enumerate(toks):
        if not tok or i in used:
            continue
        if is_hesitation(words[i].text):
            add(i, 1, "hesitation")
            continue
        n = _discourse_length(scan, i, tok)
        if n:
            add(i, n, "discourse")
    found.sort(key=lambda f: f.start)
    return found, used


def _like_is_filler(ctx: _Ctx, i: int, at_start: bool, hes: Callable[[int], bool]) -> bool:
    """Whether "like" at word ``i`` is a filler.

    Content: a verb after a subject or auxiliary ("I really like surgery", "we would like to"),
    a comparison after a verb of perception or a general noun ("feels like a cramp", "something
    like that", "been like this"). Filler: set off by commas, opening a sentence, after a
    hesitation, or hedging a number, degree or phrase ("like seventeen", "like really busy",
    "like a little bit", "especially like in my arms").
    """
    prev, nxt, after = ctx.tok(i - 1), ctx.tok(i + 1), ctx.tok(i + 2)
    set_off = ctx.comma_after(i) or ctx.comma_before(i)
    if prev in _LIKE_SUBJECT and not ctx.comma_before(i) and not ctx.comma_after(i):
        return False  # "I like", "people like" (the noun reading is rare enough)
    if prev in _LIKE_VERB_BEFORE and not set_off:
        return False
    if prev in _LIKE_ADVERB and not set_off and ctx.tok(i - 2) in _LIKE_SUBJECT | _LIKE_VERB_BEFORE:
        return False
    if prev in _LIKE_COMPARE_BEFORE and not ctx.comma_after(i):
        return False
    if nxt in _LIKE_COMPARE_AFTER and not ctx.comma_after(i) and (
        ctx.tok(i + 2) in {"", "one", "before"} or ctx.words[i + 1].text.rstrip().endswith((".", ",", "?", "!"))
    ):
        return False  # "... been like this.", "a case like that,"
    if set_off or at_start or hes(i - 1) or hes(i + 1):
        return True
    if nxt and (_NUMBER.match(nxt) or nxt in _LIKE_FILLER_AFTER):
        return True
    if nxt in {"a", "an"} and after in _QUANTITY_AFTER_A:
        return True  # "like a little bit", "like a week ago"
    if prev in _LIKE_FILLER_BEFORE and nxt not in _LIKE_COMPARE_AFTER and nxt not in {"a", "an"}:
        return True  # "it was like the worst", "and like my sleep"
    return False


def _inside(t0: float, t1: float, f: Filler) -> bool:
    mid = 0.5 * (t0 + t1)
    return f.start <= mid <= f.end


def stacked_hesitations(words: Sequence[Word]) -> set[int]:
    """Indices of hesitation words written on the instant of the hesitation before them.

    One sound is one filler. When Whisper's decoder recites its prompt's fillers it piles them on
    one time ("er, hmm, er" all at 10.03 s, or a second "uh" starting inside the first); every
    copy after the first is the same sound written again. So is a copy without duration that
    touches the one before it ("um" 30.79-31.23 s, then "um" at 31.29 s with no length: Whisper
    found no time of its own for it). A run of real "uh"s has a time each.
    """
    out: set[int] = set()
    prev: Word | None = None
    for i, w in enumerate(words):
        if not is_hesitation(w.text):
            continue
        if prev is not None and (w.start < prev.end - 0.01 or w.start <= prev.start + 0.01
                                 or (w.end - w.start < 0.02 and w.start - prev.end < 0.1)):
            out.add(i)
            continue
        prev = w
    return out


def audio_fillers_to_show(words: Sequence[ReportWord], fillers: list[Filler]) -> list[Filler]:
    """The audio fillers a transcript view inserts as "(uh)"/"(um)": all but those already shown
    by a word marked as a filler lying inside them. mockmic no longer finds fillers in the audio
    alone (issue 11), but attempts saved by earlier versions hold such fillers and are shown as
    they were analyzed."""
    marked = [w for w in words if w.filler]  # few; the transcript views call this on every redraw
    return [
        f for f in fillers
        if f.source == "audio" and not any(_inside(w.start, w.end, f) for w in marked)
    ]
