"""Small text pieces more than one screen shows."""

from __future__ import annotations

from rich.text import Text

from mockmic.practice.session import Run
from mockmic.questions import Question


def question_header(run: Run | None, question: Question) -> Text:
    """``Mock interview · question 2 of 5 · Core · target 45–60 s``"""
    out = Text()
    if run is not None and run.mock:
        out.append(f"Mock interview · {run.position}", style="bold")
        out.append(" · ")
    out.append(question.category_label)
    out.append(f" · target {question.target_label()}")
    return out

