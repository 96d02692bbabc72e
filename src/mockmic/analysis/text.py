"""Small text helpers shared by the analysis modules."""

from __future__ import annotations

import re

_STRIP = re.compile(r"[^\w'\s-]+", re.UNICODE)


def norm_token(text: str) -> str:
    """Lower-case a word and drop punctuation around it: ``"Um,"`` -> ``"um"``."""
    return _STRIP.sub("", text.lower()).strip(" -'")


def ends_sentence(text: str) -> bool:
    """Whether a transcribed word closes a sentence (Whisper punctuates its output)."""
    t = text.rstrip("\"')]} ")
    return t.endswith((".", "?", "!", "…"))


def ends_clause(text: str) -> bool:
    t = text.rstrip("\"')]} ")
    return ends_sentence(t) or t.endswith((",", ";", ":", "—", "-"))


def normalise_text(text: str) -> str:
    """Lower-case, punctuation to spaces, single spaces: for case/punctuation-free matching."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w'\s]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()
