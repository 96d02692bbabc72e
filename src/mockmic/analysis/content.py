"""Phrasings interviewers read as defensive or unsafe, with the reframe the guides suggest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockmic.analysis.text import normalise_text
from mockmic.core import Flag, Word


@dataclass(frozen=True)
class ContentRule:
    code: str
    patterns: tuple[str, ...]
    message: str
    tip: str


RULES: tuple[ContentRule, ...] = (
    ContentRule(
        "defensive_comparison",
        (
            r"\b(?:but |because )?(?:in|at) (?:my|our) (?:home )?(?:country|hospital back home|system back home)\b(?: we| they| you)?",
            r"\bback (?:home|in my country)\b(?: we| they)?",
            r"\bwhere i come from we\b",
        ),
        "Comparing with home ('in my country we...') can sound defensive.",
        "Reframe as learning: \"That experience taught me...\"",
    ),
    ContentRule(
        "arguing_equivalence",
        (
            r"\bactually,? we (?:also|too)\b",
            r"\bwe (?:also|too) (?:did|do|had|have|used|use) (?:that|this|the same|it)\b",
            r"\bwe did that too\b",
            r"\bwe (?:also )?had the same\b",
        ),
        "Arguing that you did the same thing can sound like you are not open to the difference.",
        "Name the difference instead: \"The main limitation of that system was...\"",
    ),
    ContentRule(
        "blame_shifting",
        (
            r"\b(?:it|that) (?:was|wasn't|was not|is not|isn't) (?:not )?(?:really )?(?:our|my|his|her|their) fault\b",
            r"\bnot (?:our|my) fault\b",
            r"\b(?:the system|they|the hospital|the nurses?|the attending) (?:was|were) to blame\b",
            r"\bi was(?:n't| not) (?:the one )?(?:responsible|to blame)\b",
        ),
        "Saying it was not your fault reads as blame-shifting.",
        "Own the adjustment: \"Here is how I would adjust in the US context...\"",
    ),
    ContentRule(
        "equivalence_claim",
        (
            r"\b(?:my|our) (?:training|internship|residency|experience) (?:was|is) (?:basically |actually |really |pretty much |almost )?(?:equivalent|equal|the same|identical|similar) (?:to|as) (?:a |an )?(?:us|american|u s)\b",
            r"\b(?:equivalent|equal|the same|identical) (?:to|as) (?:a |an )?(?:us|american|u s) (?:residency|resident|intern|internship|training|pgy ?\w*)\b",
            r"\bsame as (?:a |an )?(?:us|american|u s) (?:intern|resident|residency|doctor)\b",
            r"\b(?:equivalent|equal|the same|identical) (?:to|as) (?:a |an |the )?(?:residency|resident|intern|internship|training)(?: \w+){0,2} (?:in|at) (?:the )?(?:us|u s|states|united states|america)\b",
        ),
        "Claiming your training equals US residency invites a stress test of the differences.",
        "\"There is overlap in clinical exposure, but the systems are different...\"",
    ),
    ContentRule(
        "unsafe_independence",
        (
            r"\bi (?:managed|handled|did|ran|ran the \w+|covered|ran everything) (?:everything|it all|the whole \w+|all of it|the ward|the unit|the department)?\s?(?:alone|by myself|on my own)\b",
            r"\b(?:i|we) (?:had to |have to |used to |would )?(?:manage|handle|run|cover|do) (?:everything|it all|the whole \w+|all of it|the ward|the unit)? ?(?:alone|by myself|by ourselves|on my own|on our own)\b",
            r"\bwithout (?:any )?(?:supervision|supervisor|senior|backup|oversight|help from (?:a )?senior)\b",
            r"\bran (?:the|a) (?:ward|unit|department|clinic|icu|er|emergency) (?:by myself|alone|on my own)\b",
            r"\bno (?:one|body) (?:to )?(?:supervise|supervised|supervising|check(?:ed)?) (?:me|my)\b",
            r"\bi was (?:completely |totally |fully )?(?:alone|independent) (?:in|on|for|with)\b",
        ),
        "Stressing that you worked alone can sound unsafe to a US program.",
        "Pair independence with supervision and escalation: who you called, and when.",
    ),
)

ESCALATION = re.compile(
    r"\b(?:escalat\w*|call(?:ed)? (?:my|the|a) (?:senior|attending|consultant|supervisor)|"
    r"consult(?:ed)?|attending|consultant|registrar|supervisor|senior resident|my senior|"
    r"reported to|checked with|discussed with|asked for help|sought help|backup)\b"
)
_ESCALATION_WINDOW = 25  # words either side


def content_flags(words: list[Word]) -> list[Flag]:
    """Flag defensive or unsafe phrasings (case- and punctuation-insensitive).

    Each rule fires at most once per sentence-sized stretch; ``at_s`` is the time of the first
    word of the match. ``unsafe_independence`` is dropped when escalation words are nearby.
    """
    if not words:
        return []
    toks: list[str] = []
    owner: list[int] = []  # character offset -> word index
    for i, w in enumerate(words):
        t = normalise_text(w.text)
        if not t:
            continue
        if toks:
            owner.append(i)  # the joining space belongs to the next word
        toks.append(t)
        owner.extend([i] * len(t))
    text = " ".join(toks)
    flags: list[Flag] = []
    for rule in RULES:
        last_end = -1
        matches = sorted(
            (m for p in rule.patterns for m in re.finditer(p, text)), key=lambda m: m.start()
        )
        for m in matches:
            if m.start() < last_end:
                continue
            first = owner[min(m.start(), len(owner) - 1)]
            if rule.code == "unsafe_independence":
                lo = max(0, first - _ESCALATION_WINDOW)
                near = normalise_text(" ".join(w.text for w in words[lo:first + _ESCALATION_WINDOW]))
                if ESCALATION.search(near):
                    continue
            last_end = m.end() + 60  # don't flag the same phrasing twice in one breath
            quote = text[m.start():m.end()].strip()
            flags.append(Flag(rule.code, "warning", f"\"{quote}\": {rule.message}",
                              round(words[first].start, 2), rule.tip))
    flags.sort(key=lambda f: f.at_s or 0.0)
    return flags
