"""Help: every key of the practice room, and what the report's numbers mean."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
# mockmic · all keys

| where | key | does |
|---|---|---|
| everywhere | `?` / `F1` | this help |
| everywhere | `Ctrl+Q` | quit (while an answer is recorded: asks first, and the answer is kept) |
| everywhere | `Ctrl+P` | command palette (practise any question by name, rescan microphones) |
| questions | `Enter` | practise the highlighted question |
| questions | `r` | a random question |
| questions | `m` | mock interview: N questions in a row, then a summary |
| questions | `/` | filter the questions (`Esc` clears) |
| questions | `a` | past attempts of the highlighted question (`Enter` opens one) |
| questions | `h` | history: attempts by question and date, trends, compare, replay |
| questions | `q` | quit |
| asking | `Space` | start answering now |
| asking | `h` | hear the question again |
| asking | `Esc` | back to the questions |
| recording | `Space` | stop: the report follows |
| recording | `Esc` | discard this answer (asks first) |
| recording | `q` | quit (asks first; the answer so far is analyzed at the next start) |
| report | `p` | replay the answer (again: pause / resume) |
| report | `r` | retry the same question |
| report | `n` | next question (in a mock interview: the next one, then the summary) |
| report | `Tab` | move to the self-review: `1`–`5` or `←`/`→` rate a lens |
| report | `Esc` | back to the questions |

## While you answer

The timer turns green inside the question's target window, yellow near its end and red past
it. The level meter shows that the microphone hears you; a warning appears when it hears
nothing for 3 seconds. Nothing else: live dashboards distract.

## The report

Length against the window; first word after the recording starts; speaking rate (words per
minute, fillers not counted); fillers per minute and share of words; pauses measured from the
audio, mid-sentence pauses in red. Flags say which threshold fired and what to try instead.
Whisper tends to drop "um" and "uh", so mockmic also listens for them in the audio; still,
read the filler count as a lower bound.
"""


def keys_table(keys: list[tuple[str, str]]) -> str:
    """The keys of the screen ``?`` was pressed on, as a Markdown table (the footer shows only
    those that fit the width; every one of them is here)."""
    if not keys:
        return ""
    rows = "\n".join(f"| `{key.replace('|', '/')}` | {does} |" for key, does in keys)
    return f"# Keys on this screen\n\n| key | does |\n|---|---|\n{rows}\n\n"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, keys: list[tuple[str, str]] | None = None) -> None:
        super().__init__()
        self.keys = keys or []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(keys_table(self.keys) + HELP)

    def action_close(self) -> None:
        self.dismiss(None)
