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
| report | `?` | what each line of the report means |
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


REPORT_HELP = """\
# The report, line by line

| line | what it means |
|---|---|
| **Length** | How long the recording is, from when it started to when you stopped it, as minutes:seconds. The target is the time window for this question. |
| **First word** | Seconds from the start of the recording to your first word. A short wait is fine; a long one sounds unsure. |
| **Rate** | Speaking rate: words per minute while you speak, from your first word to your last. Fillers (um, uh, like) are not counted as words. "too fast" or "too slow" means it is outside the target. |
| **Articulation rate** | (in exports and the terminal report) words per minute with the silent pauses taken out: how fast you speak when you do speak. |
| **Fillers** | Number of fillers · fillers per minute · share of all words. Whisper often leaves out "um" and "uh", so take this number as the smallest possible count. |
| **Longest pause** | The longest silence inside the answer. |
| **Pauses** (each ≥ 0.25 s) | Every silence of at least that length inside the answer (a setting), and how many came in the middle of a sentence. The transcript marks only the longer ones (0.5 s or more) as [1.2s]; mid-sentence ones in red. |
| **Words** | Words counted for the rate (fillers not counted). |
| **Vocal variety** | How much your voice goes up and down, in semitones (st). A "flat" stretch is 10 s or more where it hardly moves: it can sound bored or read aloud. |
| **Loudness** | How loud your speech reaches the microphone (dBFS: 0 is the loudest possible). "ends fade" counts sentences that get much quieter at the end. |
| **Speech-to-text model** | The Whisper model that wrote the transcript (for example "base"). A bigger model makes fewer mistakes but is slower. Change it in the settings (`s` on the question list). |
| **Flags** | Something to look at, with the time in the recording ("at 0:44") and a tip. |
| **Pace over time** | Words per minute in a sliding window (15 s wide): the first window's rate → the last window's. The "Speeding up" flag compares the first third of the answer with the last third, so its numbers can differ. |
| **Self-review: do I sound…** | Your own score from 1 to 5 on four questions: Safe (would a program trust me with patients?), Honest (did I say what really happened?), Reflective (did I say what I learned?), Adaptable (did I show I can adjust to a new system?). Press `Tab`, then `1`–`5`. |

"""
"""What each line of the report means, shown first when ``?`` is pressed on the report."""

TOPICS = {"report": REPORT_HELP}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, keys: list[tuple[str, str]] | None = None, topic: str | None = None) -> None:
        super().__init__()
        self.keys = keys or []
        self.topic = topic
        self.text = TOPICS.get(topic or "", "") + keys_table(self.keys) + HELP
        """The topic first (the report: what each line means), then the screen's keys, then all."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Markdown(self.text)

    def action_close(self) -> None:
        self.dismiss(None)
