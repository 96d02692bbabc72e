"""Fillers in the transcript: hesitation sounds and discourse fillers used as fillers.

Hesitation fillers (um, uh, er, ah, hmm, mm and their spellings) are always fillers. Discourse
fillers (like, you know, I mean, basically, actually, literally, sort of, kind of, sentence-
initial so / well / okay so) are fillers only where they carry no content: "I like surgery" and
"what kind of patients" are content, "it was, like, really busy" is a filler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockmic.analysis.text import ends_clause, ends_sentence, norm_token
from mockmic.core import Filler, Word

_HESITATION = re.compile(
    r"^(u+h+m*|u+m+|e+r+m*|e+h+|a+h+|a+h*m+|h+m+|m+h*m+|u+h+u+h+|h+u+h+|e+m+|mm+-?hmm+)$"
)


def is_hesitation(token: str) -> bool:
    """Whether a word is a hesitation sound (``"Umm,"``, ``"uh"``, ``"hmm"``, ``"erm"``...)."""
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


# Words after which "like" is a verb or a preposition of comparison, i.e. content.
_LIKE_CONTENT_BEFORE = {
    "i", "you", "we", "they", "would", "i'd", "we'd", "you'd", "they'd", "he", "she", "to",
    "really", "also", "don't", "didn't", "do", "did", "does", "doesn't", "not", "just", "look",
    "looks", "looked", "looking", "feel", "feels", "felt", "sound", "sounds", "sounded",
    "seem", "seems", "seemed", "something", "anything", "nothing", "things", "people",
    "much", "more", "most", "is", "was", "were", "are", "be", "been", "being", "it's", "that's",
    "what's", "thing", "stuff", "exactly", "much", "dislike", "likes", "liked", "would've",
    "might", "may", "will", "could", "should", "i'll", "we'll", "they", "patients", "doctors",
}
_LIKE_CONTENT_AFTER = {"this", "that", "these", "those", "me", "him", "her", "them", "us", "it"}
_CONTENT_VERB_BEFORE_ACTUALLY = {"was", "is", "did", "were", "are"}


def lexical_fillers(words: list[Word]) -> tuple[list[Filler], set[int]]:
    """Find fillers in a transcript.

    Returns the fillers (``source="transcript"``) and the indices of every word that is part of
    one, so that metrics can count lexical words without them.
    """
    toks = [norm_token(w.text) for w in words]
    ctx = _Ctx(words, toks)
    found: list[Filler] = []
    used: set[int] = set()

    def add(i: int, n: int, kind: str) -> None:
        idx = range(i, i + n)
        if any(j in used for j in idx):
            return
        used.update(idx)
        text = " ".join(toks[j] for j in idx)
        found.append(Filler(text, words[i].start, words[i + n - 1].end, kind))  # type: ignore[arg-type]

    for i, tok in enumerate(toks):
        if not tok:
            continue
        if is_hesitation(words[i].text):
            add(i, 1, "hesitation")
            continue
        nxt, prev = ctx.tok(i + 1), ctx.tok(i - 1)
        if tok == "you" and nxt == "know":
            # "you know what I mean" / "as you know," -- a filler when set off or not followed by
            # an object clause: "you know, the..." or sentence-final "..., you know."
            after = ctx.tok(i + 2)
            if ctx.comma_after(i + 1) or after in {"", "i", "we", "the", "it", "like", "um", "uh"} \
                    or ctx.comma_before(i) or i + 2 >= len(toks):
                if prev not in {"do", "did", "don't", "didn't", "if", "as", "what"}:
                    add(i, 2, "discourse")
            continue
        if tok == "i" and nxt == "mean":
            after = ctx.tok(i + 2)
            if ctx.comma_after(i + 1) or ctx.clause_start(i) and after not in {"it", "that", "to"}:
                add(i, 2, "discourse")
            continue
        if tok in {"sort", "kind"} and nxt == "of":
            # content: "what kind of", "a kind of", "the sort of", "this kind of", "all sorts of"
            if prev not in {"a", "the", "what", "this", "that", "which", "any", "some", "every",
                            "one", "same", "different", "right", "wrong", "each", "no", "these",
                            "those", "that's", "it's", "my", "our", "your", "their", "his", "her"}:
                add(i, 2, "discourse")
            continue
        if tok == "like":
            if ctx.comma_after(i) or ctx.comma_before(i):
                add(i, 1, "discourse")
            elif prev in _LIKE_CONTENT_BEFORE or nxt in _LIKE_CONTENT_AFTER:
                continue
            elif prev and (is_hesitation(words[i - 1].text) or prev == "just" or prev in {"and", "but", "was", "it's"}):
                add(i, 1, "discourse")
            continue
        if tok in {"basically", "literally"}:
            add(i, 1, "discourse")
            continue
        if tok == "actually":
            if ctx.clause_start(i) or ctx.comma_after(i):
                add(i, 1, "discourse")
            continue
        if tok in {"so", "well"} and ctx.sentence_start(i):
            # "So, ..." / "Well, ..." opening a sentence; "so that", "well-being" are content
            if nxt not in {"that", "much", "many", "far", "long", "being", "done", "as"}:
                add(i, 1, "discourse")
            continue
        if tok == "okay" and nxt == "so" and ctx.sentence_start(i):
            add(i, 2, "discourse")
            continue
    found.sort(key=lambda f: f.start)
    return found, used
