"""The attempt store and the CLI under abuse: nothing lost, nothing exposed, nothing hangs.

No Whisper here: reports are built by hand and analyses are faked.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import mockmic.store.files as storage
from mockmic.analysis.delivery import build_report
from mockmic.config import Settings, Thresholds
from mockmic.core import Interval, Report, Target, Word
from mockmic.store.db import Store
from mockmic.store.files import new_audio_path


def make_report(n_words: int = 12, file: str = "x.wav") -> Report:
    words = [Word("word", 0.5 + 0.4 * i, 0.8 + 0.4 * i) for i in range(n_words)]
    end = words[-1].end
    return build_report(
        file=file, model="test-model", duration_s=end + 0.5, words=words,
        speech=[Interval(0.5, end)], fillers=[], filler_word_indices=set(),
        target=Target(45, 60), thresholds=Thresholds(),
    )


SR = 16_000


def tone(seconds: float, freq: float = 220.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


class _FrozenClock(datetime):
    """Every call to now() is the same second: the case where two attempts collide."""

    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206
        return datetime(2026, 3, 4, 10, 11, 12, tzinfo=tz)


# --- 1. audio names are claimed atomically; a delete only removes an unshared file --------------

def test_two_claims_in_the_same_second_get_two_files(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(storage, "datetime", _FrozenClock)
    first = new_audio_path(tmp_path, "q1", ".flac")
    second = new_audio_path(tmp_path, "q1", ".flac")  # the first one is not written yet
    assert first != second
    assert first.exists() and second.exists()  # claimed at once, not when written


def _claim_many(root: str, n: int, out: "mp.Queue[list[str]]") -> None:
    out.put([str(new_audio_path(Path(root), "imported", ".flac")) for _ in range(n)])


def test_processes_claiming_at_once_never_share_a_name(tmp_path: Path) -> None:
    ctx = mp.get_context("fork")
    out: mp.Queue[list[str]] = ctx.Queue()
    procs = [ctx.Process(target=_claim_many, args=(str(tmp_path), 200, out)) for _ in range(3)]
    for p in procs:
        p.start()
    names = [name for _ in procs for name in out.get(timeout=120)]
    for p in procs:
        p.join(timeout=120)
    assert len(names) == 600 and len(set(names)) == 600


def test_deleting_one_of_two_attempts_on_one_file_keeps_the_file(tmp_path: Path) -> None:
    store = Store(tmp_path / "mockmic.sqlite3")
    audio = store.new_audio_path("q")
    audio.parent.mkdir(parents=True, exist_ok=True)
    audio.write_bytes(b"RIFF....")
    # an older mockmic could give two attempts one file: the file must outlive the first delete
    a = store.add_imported(make_report(), audio, question_id="q")
    b = store.add_imported(make_report(), str(audio.absolute()), question_id="q")
    assert store.delete_attempt(a) is True
    assert audio.exists() and store.get(b).audio_path.exists()
    assert store.delete_attempt(b) is True
    assert not audio.exists()


# --- 2. export never overwrites without --force, and never the store's own files ---------------

def run_cli(*args: str, home: Path, cwd: Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NO_COLOR="1", COLUMNS="160", MOCKMIC_HOME=str(home))
    env.pop("MOCKMIC_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "mockmic", *args], capture_output=True, text=True,
                          cwd=cwd or home, env=env, timeout=timeout)


@pytest.fixture
def home_with_attempt(tmp_path: Path) -> tuple[Path, int, Path]:
    home = tmp_path / "home"
    store = Store(home / "recordings" / "mockmic.sqlite3")
    audio = home / "recordings" / "audio" / "2026-01" / "20260101-101010-q.flac"
    audio.parent.mkdir(parents=True)
    audio.write_bytes(b"fLaC-not-really")
    aid = store.add_imported(make_report(), audio, question_id="q", question_text="Q?")
    store.close()
    return home, aid, audio


def test_export_refuses_to_overwrite_the_database_even_with_force(home_with_attempt) -> None:  # noqa: ANN001
    home, aid, _audio = home_with_attempt
    db = home / "recordings" / "mockmic.sqlite3"
    for extra in ((), ("--force",)):
        proc = run_cli("export", str(aid), "-o", str(db), *extra, home=home)
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"mockmic: {db}: that is the attempt database; choose another file for the report"]
    # also through another spelling of the same file
    proc = run_cli("export", str(aid), "-o", "recordings/../recordings/mockmic.sqlite3-wal", "--force",
                   home=home)
    assert proc.returncode == 2 and "attempt database" in proc.stderr
    proc = run_cli("history", home=home)
    assert proc.returncode == 0, proc.stderr
    assert "not a usable" not in proc.stderr


def test_export_refuses_to_overwrite_a_recording_even_with_force(home_with_attempt, tmp_path: Path) -> None:  # noqa: ANN001
    home, aid, audio = home_with_attempt
    link = tmp_path / "elsewhere.md"
    os.link(audio, link)  # the same recording under another name, outside the folder
    for target in (audio, link):
        proc = run_cli("export", str(aid), "-o", str(target), "--force", home=home)
        assert proc.returncode == 2, proc.stderr
        assert "recording" in proc.stderr and "Traceback" not in proc.stderr
    assert audio.read_bytes() == b"fLaC-not-really"


def test_export_over_an_existing_file_needs_force(home_with_attempt, tmp_path: Path) -> None:  # noqa: ANN001
    home, aid, _audio = home_with_attempt
    out = tmp_path / "notes.md"
    out.write_text("my own notes\n", encoding="utf-8")
    proc = run_cli("export", str(aid), "-o", str(out), home=home)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"mockmic: {out}: already exists; pass --force to overwrite it"
    assert out.read_text(encoding="utf-8") == "my own notes\n"
    proc = run_cli("export", str(aid), "-o", str(out), "--force", home=home)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("#")
    fresh = tmp_path / "new" / "report.html"
    proc = run_cli("export", str(aid), "-o", str(fresh), home=home)
    assert proc.returncode == 0, proc.stderr
    assert "<html" in fresh.read_text(encoding="utf-8").lower()


# --- 3. private data: the folder 0700, its files 0600; a loose folder is tightened once ----------

def mode(p: Path) -> int:
    return p.stat().st_mode & 0o777


@pytest.fixture
def usual_umask():  # noqa: ANN201
    old = os.umask(0o022)  # what most systems use: new files 644 unless made private
    yield
    os.umask(old)


def test_a_new_store_its_audio_and_exports_are_private(tmp_path: Path, usual_umask) -> None:  # noqa: ANN001
    from mockmic.pipeline.batch import FileResult
    from mockmic.cli.batch import ReportWriter
    from mockmic.practice.importer import HistoryImporter

    home = tmp_path / "home"
    store = Store.for_settings(Settings(home=home))
    rec = home / "recordings"
    assert mode(rec) == 0o700 and store.notice is None
    claimed = store.new_audio_path("q")
    assert mode(claimed) == 0o600 and mode(claimed.parent) == 0o700
    assert mode(claimed.parent.parent) == 0o700
    src = tmp_path / "answer.wav"
    sf.write(src, tone(1.0), SR, subtype="PCM_16")
    importer = HistoryImporter(store, "q", "Q?")
    assert importer.add(FileResult(src, report=make_report(file=str(src)))) is None
    (attempt,) = store.list_attempts(statuses=("imported",))
    assert mode(attempt.audio_path) == 0o600
    for name in ("mockmic.sqlite3", "mockmic.sqlite3-wal", "mockmic.sqlite3-shm"):
        assert mode(rec / name) == 0o600, name
    writer = ReportWriter(tmp_path / "report.jsonl")
    writer.close()
    assert mode(tmp_path / "report.jsonl") == 0o600
    store.close()
    out = tmp_path / "report.md"
    proc = run_cli("export", str(attempt.id), "-o", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    assert mode(out) == 0o600


def test_tui_export_is_private(tmp_path: Path, usual_umask) -> None:  # noqa: ANN001
    from mockmic.practice.exports import export_to_folder

    settings = Settings(home=tmp_path / "home")
    store = Store.for_settings(settings)
    aid = store.add_imported(make_report(), None, question_id="q")
    path = export_to_folder(store, settings.recordings, "md", attempt_ids=(aid,))
    assert mode(path) == 0o600 and mode(path.parent) == 0o700


def test_a_loose_recordings_folder_is_tightened_once_with_a_notice(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rec = home / "recordings"
    (rec / "audio" / "2025-01").mkdir(parents=True)
    for p in (home, rec, rec / "audio", rec / "audio" / "2025-01"):
        p.chmod(0o755)
    old = rec / "audio" / "2025-01" / "old.wav"
    old.write_bytes(b"RIFF")
    old.chmod(0o644)
    Store(rec / "mockmic.sqlite3").close()  # made by an older mockmic: world-readable
    (rec / "mockmic.sqlite3").chmod(0o644)
    proc = run_cli("history", home=home)
    assert proc.returncode == 0, proc.stderr
    notice = [line for line in proc.stderr.splitlines() if "readable by other users" in line]
    assert notice == [f"mockmic: {rec}: your recordings were readable by other users (mode 755); "
                      f"made the folder private (700)"]
    assert mode(rec) == 0o700 and mode(rec / "mockmic.sqlite3") == 0o600
    assert mode(old) == 0o600 and mode(rec / "audio") == 0o700
    assert mode(home) == 0o755  # only the recordings folder is ours to change
    again = run_cli("history", home=home)
    assert again.returncode == 0 and "readable by other users" not in again.stderr


# --- 4. re-running an import skips what is already in; --again imports anyway ------------------

FAKE_WHISPER_CLI = textwrap.dedent(
    """
    import sys
    import mockmic.pipeline.batch as batch
    from mockmic.core import Transcript, Word

    class Fake:  # stands in for Whisper: two words over the audio, instantly
        name = "fake"

        def transcribe(self, audio, *, offset=0.0, prompt=None, use_filler_prompt=True):
            n = len(audio) / 16000
            return Transcript([Word("patients", offset + 0.1, offset + n / 2),
                               Word("first.", offset + n / 2, offset + n - 0.1)])

    batch.whisper_factory = lambda settings, jobs, strategy="shared": (lambda i, n: Fake())
    from mockmic.cli import main
    sys.argv = ["mockmic", *sys.argv[1:]]
    main()
    """
)


def run_fake_cli(*args: str, home: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    """``mockmic ARGS`` with Whisper replaced by a canned transcriber (the VAD is real)."""
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200", MOCKMIC_HOME=str(home))
    env.pop("MOCKMIC_CONFIG", None)
    return subprocess.run([sys.executable, "-c", FAKE_WHISPER_CLI, *args], capture_output=True,
                          text=True, cwd=home, env=env, timeout=timeout)


def answers(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n):
        p = folder / f"answer{i}.wav"
        sf.write(p, tone(1.0, 200.0 + 20 * i), SR, subtype="PCM_16")  # distinct bytes
        out.append(p)
    return out


def imported(home: Path) -> list:  # noqa: ANN201
    with Store(home / "recordings" / "mockmic.sqlite3") as store:
        return store.list_attempts(statuses=("imported",))


def test_rerunning_an_interrupted_import_skips_the_files_already_in(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    files = answers(tmp_path / "phone", 6)
    # the first run was killed after 3 files: those 3 are in the history
    first = run_fake_cli("batch", *map(str, files[:3]), "--save", home=home)
    assert first.returncode == 0, first.stderr
    assert len(imported(home)) == 3
    rerun = run_fake_cli("batch", str(tmp_path / "phone"), "--save", home=home)
    assert rerun.returncode == 0, rerun.stderr
    assert "Traceback" not in rerun.stderr
    assert ("mockmic: skipped 3 file(s) already in the history (the same file was imported before);"
            " --again imports them anyway") in rerun.stderr
    assert "saved 3 attempt(s)" in rerun.stderr
    assert len(imported(home)) == 6
    nothing = run_fake_cli("batch", str(tmp_path / "phone"), "--save", home=home)
    assert nothing.returncode == 0, nothing.stderr
    assert "all 6 file(s) are already in the history" in nothing.stderr
    assert len(imported(home)) == 6
    again = run_fake_cli("batch", *map(str, files[:2]), "--save", "--again", home=home)
    assert again.returncode == 0, again.stderr
    assert "saved 2 attempt(s)" in again.stderr and "skipped" not in again.stderr
    rows = imported(home)
    assert len(rows) == 8 and len({a.audio_path for a in rows}) == 8


def test_a_copy_of_an_imported_file_is_recognised_by_its_content(tmp_path: Path) -> None:
    from mockmic.pipeline.batch import FileResult
    from mockmic.practice.importer import HistoryImporter

    (src,) = answers(tmp_path / "phone", 1)
    copy = tmp_path / "elsewhere" / "renamed.wav"
    copy.parent.mkdir()
    copy.write_bytes(src.read_bytes())
    store = Store(tmp_path / "rec" / "mockmic.sqlite3")
    importer = HistoryImporter(store, None, "")
    assert importer.add(FileResult(src, report=make_report())) is None
    assert importer.leave_out_known([copy]) == ([], 1)
    assert importer.add(FileResult(copy, report=make_report())) is None  # checked again on write
    assert (importer.saved, importer.duplicates) == (1, 1)
    assert len(store.list_attempts()) == 1
    assert len(list((tmp_path / "rec" / "audio").rglob("*.flac"))) == 1  # no stray copy


# --- 5. one transaction per import ------------------------------------------------------------

class _DiesOnSecondWrite:
    """The store's connection, killed (KeyboardInterrupt) on its second INSERT/UPDATE."""

    def __init__(self, conn) -> None:  # noqa: ANN001
        self._conn = conn
        self.writes = 0

    def execute(self, sql: str, *args):  # noqa: ANN002, ANN201
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE")):
            self.writes += 1
            if self.writes == 2:
                raise KeyboardInterrupt("killed between the import's writes")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._conn, name)


def test_an_import_killed_midway_leaves_nothing_half_written(tmp_path: Path) -> None:
    db = tmp_path / "mockmic.sqlite3"
    store = Store(db)
    real = store._conn
    store._conn = _DiesOnSecondWrite(real)
    try:
        store.add_imported(make_report(), tmp_path / "a.flac", question_id="q")
    except KeyboardInterrupt:
        pass
    store._conn = real
    store.close()
    with Store(db) as fresh:
        for a in fresh.list_attempts():
            assert a.report is not None and a.word_count, f"attempt {a.id} has no analysis"


# --- 6. special files are refused at once; globs and walks never loop through links -------------

FAKE_WHISPER_CLI = FAKE_WHISPER_CLI.replace(
    "from mockmic.cli import main",
    "import mockmic.pipeline.transcription as transcription\n"
    "transcription.make_transcriber = lambda settings: Fake()\n"
    "from mockmic.cli import main")


def test_a_fifo_named_like_audio_is_one_line_and_the_batch_goes_on(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    folder = tmp_path / "answers"
    (good,) = answers(folder, 1)
    os.mkfifo(folder / "x.wav")  # nobody ever writes into it: reading would wait forever
    proc = run_fake_cli("batch", str(folder), home=home, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"mockmic: {folder / 'x.wav'}: not a regular file (a FIFO); skipped" in proc.stderr
    assert "1 of 1 files analyzed" in proc.stdout and good.name in proc.stdout
    alone = run_fake_cli("analyze", str(folder / "x.wav"), str(good), home=home, timeout=120)
    assert alone.returncode == 1, alone.stderr
    assert alone.stderr.strip().splitlines() == [
        f"mockmic: {folder / 'x.wav'}: not a regular file (a FIFO); give an audio file"]
    assert "Traceback" not in alone.stderr


LOOPING_GLOB = textwrap.dedent(
    """
    import sys
    from mockmic.pipeline.batch import collect_paths
    files, skipped, errors = collect_paths([sys.argv[1]])
    print(len(files), skipped, len(errors))
    """
)


def test_a_recursive_glob_does_not_follow_links_back_up(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    answers(folder / "sub", 2)
    (folder / "self").symlink_to(".")        # two ways back up: followed blindly, the
    (folder / "sub" / "up").symlink_to("..")  # number of paths doubles at every level
    proc = subprocess.run([sys.executable, "-c", LOOPING_GLOB, str(folder / "**" / "*.wav")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["2", "0", "0"]


def test_link_loops_and_broken_links_in_a_batch_folder_are_one_line_each(tmp_path: Path) -> None:
    from mockmic.pipeline.batch import collect_paths

    folder = tmp_path / "answers"
    (good,) = answers(folder, 1)
    (folder / "a.wav").symlink_to("b.wav")
    (folder / "b.wav").symlink_to("a.wav")
    (folder / "gone.flac").symlink_to("nowhere.flac")
    (folder / "loop").symlink_to("loop")  # not named like audio: not ours to report
    files, skipped, errors = collect_paths([str(folder), str(folder / "a.wav")])
    assert files == [good]
    assert errors == [
        f"{folder / 'a.wav'}: symlink loop (the link leads back to itself)",
        f"{folder / 'b.wav'}: symlink loop (the link leads back to itself)",
        f"{folder / 'gone.flac'}: broken link (what it points to is gone)",
    ]
    assert skipped == 1
    with pytest.raises(Exception) as info:
        from mockmic.audio.io import decode_file

        decode_file(folder / "a.wav")
    assert str(info.value) == f"{folder / 'a.wav'}: symlink loop (the link leads back to itself)"


# --- 7. I/O errors while importing are one line, and leave no empty or half file ---------------

def shared_base() -> Path:
    """A folder the unprivileged child can use (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="mockmic-abuse-"))
    base.chmod(0o755)
    return base


def give_to_nobody(base: Path) -> None:
    if os.geteuid() == 0:
        for root, dirs, files in os.walk(base):
            for name in (root, *(os.path.join(root, n) for n in dirs + files)):
                os.lchown(name, 65534, 65534)


AS_NOBODY = textwrap.dedent(
    """
    import os, sys
    import numpy as np
    import soundfile, av, sqlite3, hashlib, json, io  # everything needed, before giving up root
    import mockmic.pipeline.batch, mockmic.cli.batch, mockmic.store.db, mockmic.audio.io, mockmic.cli
    from mockmic.pipeline.batch import FileResult, collect_paths
    from mockmic.practice.importer import HistoryImporter
    from mockmic.store.db import Store
    from mockmic.audio.io import decode_file
    decode_file({probe!r})  # loads the decoders
    {before}
    if os.geteuid() == 0:  # root ignores permissions: run the rest as nobody
        os.setgroups([])
        os.setgid(65534)
        os.setuid(65534)
    """
)


def run_as_nobody(body: str, probe: Path, *args: str, before: str = "") -> subprocess.CompletedProcess[str]:
    script = AS_NOBODY.format(probe=str(probe), before=before) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          timeout=120)


IMPORT_INTO_READ_ONLY = """
    from tests_report import report
    rec, src = sys.argv[1], sys.argv[2]
    store = Store(os.path.join(rec, "mockmic.sqlite3"))
    os.chmod(rec, 0o755)
    from datetime import datetime
    audio = os.path.join(rec, "audio")
    month = os.path.join(audio, datetime.now().strftime("%Y-%m"))
    os.makedirs(month, exist_ok=True)
    for folder in (month, audio):
        os.chmod(folder, 0o500)  # the recordings' audio folders are read-only
    problem = HistoryImporter(store, "q", "Q?").add(FileResult(__import__("pathlib").Path(src), report=report()))
    print(problem)
    print(len(store.list_attempts()))
"""


def test_saving_into_a_read_only_recordings_folder_is_one_line(tmp_path: Path) -> None:
    base = shared_base()
    try:
        (src,) = answers(base / "phone", 1)
        (base / "rec").mkdir()
        (base / "tests_report.py").write_text(REPORT_MODULE, encoding="utf-8")
        give_to_nobody(base)
        body = "sys.path.insert(0, %r)\n" % str(base) + textwrap.dedent(IMPORT_INTO_READ_ONLY)
        proc = run_as_nobody(body, src, str(base / "rec"), str(src))
        leftovers = [p for p in (base / "rec" / "audio").rglob("*") if p.is_file()]
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)], check=False)
        shutil.rmtree(base, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr
    problem, count = proc.stdout.strip().splitlines()
    assert problem.startswith(f"{src}: not saved to the history (") and "permission denied" in problem
    assert count == "0" and leftovers == []


REPORT_MODULE = textwrap.dedent(
    """
    from mockmic.analysis.delivery import build_report
    from mockmic.config import Thresholds
    from mockmic.core import Interval, Target, Word


    def report():
        words = [Word("word", 0.5 + 0.4 * i, 0.8 + 0.4 * i) for i in range(12)]
        return build_report(file="x.wav", model="test-model", duration_s=words[-1].end + 0.5,
                            words=words, speech=[Interval(0.5, words[-1].end)], fillers=[],
                            filler_word_indices=set(), target=Target(45, 60),
                            thresholds=Thresholds())
    """
)

FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from tests_report import report
    from mockmic.pipeline.batch import FileResult
    from mockmic.practice.importer import HistoryImporter
    from mockmic.store.db import Store
    store = Store(Path(sys.argv[1]) / "mockmic.sqlite3")
    importer = HistoryImporter(store, "q", "Q?")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, resource.RLIM_INFINITY))
    print(importer.add(FileResult(Path(sys.argv[2]), report=report())))
    print(len(store.list_attempts()))
    """
)


def test_a_full_disk_while_importing_is_one_line_and_leaves_no_file(tmp_path: Path) -> None:
    (src,) = answers(tmp_path / "phone", 1)
    (tmp_path / "tests_report.py").write_text(REPORT_MODULE, encoding="utf-8")
    rec = tmp_path / "rec"
    proc = subprocess.run([sys.executable, "-c", FULL_DISK, str(rec), str(src), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    problem, count = proc.stdout.strip().splitlines()
    assert problem.startswith(f"{src}: not saved to the history (") and "file too large" in problem
    assert count == "0"
    assert [p for p in (rec / "audio").rglob("*") if p.is_file()] == []  # no 0-byte or half FLAC


# --- 8. unreadable input is reported, never skipped in silence or taken for a usage error --------

UNREADABLE = """
    import json
    folder = sys.argv[1]
    files, skipped, errors = collect_paths([folder])
    alone = collect_paths([os.path.join(folder, "locked")])
    print(json.dumps([[f.name for f in files], errors, alone[2]]))
"""


def test_unreadable_folders_are_reported(tmp_path: Path) -> None:
    import json

    base = shared_base()
    try:
        (good,) = answers(base / "answers", 1)
        answers(base / "answers" / "locked", 1, start=5)
        give_to_nobody(base)
        (base / "answers" / "locked").chmod(0o000)
        proc = run_as_nobody(UNREADABLE, good, str(base / "answers"))
    finally:
        (base / "answers" / "locked").chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
    assert proc.returncode == 0, proc.stderr
    names, errors, alone = json.loads(proc.stdout)
    locked = base / "answers" / "locked"
    line = f"{locked}: cannot read this folder (permission denied); its files were not analyzed"
    assert names == [good.name] and errors == [line]
    assert alone == [line]


CLI_IMPORTS = ("import colorsys, mockmic.pipeline.transcription, mockmic.pipeline.engine, mockmic.reporting.terminal, "
               "mockmic.pipeline.models, rich.console, rich.table, rich.progress")
ANALYZE_UNREADABLE = """
    from mockmic.core import Transcript
    class Fake:
        name = "fake"
        def transcribe(self, audio, **kw):
            return Transcript([])
    mockmic.pipeline.transcription.make_transcriber = lambda settings: Fake()
    from mockmic.cli import cli
    cli.main(args=sys.argv[1:], prog_name="mockmic")
"""


def test_an_unreadable_argument_fails_alone_with_exit_1(tmp_path: Path) -> None:
    base = shared_base()
    try:
        (good, secret) = answers(base / "answers", 2)
        locked = base / "answers" / "locked"
        answers(locked, 1, start=7)
        give_to_nobody(base)
        secret.chmod(0o000)
        locked.chmod(0o000)
        folder = run_as_nobody(ANALYZE_UNREADABLE, good, "batch", str(locked), before=CLI_IMPORTS)
        proc = run_as_nobody(ANALYZE_UNREADABLE, good, "batch", str(base / "answers" / "nothing"),
                             str(secret), before=CLI_IMPORTS)
        analyze = run_as_nobody(ANALYZE_UNREADABLE, good, "analyze", str(secret), before=CLI_IMPORTS)
    finally:
        locked.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)
    assert analyze.returncode == 1, analyze.stderr
    assert analyze.stderr.strip().splitlines() == [f"mockmic: {secret}: permission denied"]
    assert proc.returncode == 1, proc.stderr
    assert f"{secret}: permission denied" in proc.stdout and "Traceback" not in proc.stderr
    assert folder.returncode == 1, folder.stderr
    assert folder.stderr.strip().splitlines() == [
        f"mockmic: {locked}: cannot read this folder (permission denied); its files were not analyzed",
        "mockmic: nothing analyzed: 1 path(s) could not be read"]


# --- 9. question files: linear, size-limited; targets finite; manifest paths stay inside -------

def question_file(path: Path, n: int) -> Path:
    path.write_text("".join(
        f'[[question]]\nid = "q-{i}"\ncategory = "core"\ntext = "Question number {i}?"\n'
        f"target = [30, 60]\n\n" for i in range(n)), encoding="utf-8")
    return path


class _CountingRegex:
    """Counts how many lines the header pattern is tried on (work, not time)."""

    def __init__(self, pattern) -> None:  # noqa: ANN001
        self.pattern = pattern
        self.calls = 0

    def match(self, text: str):  # noqa: ANN201
        self.calls += 1
        return self.pattern.match(text)


def test_question_loading_work_grows_linearly(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import mockmic.questions as questions

    work = {}
    for n in (200, 800):
        folder = tmp_path / f"bank{n}"
        folder.mkdir()
        question_file(folder / "bank.toml", n)
        counter = _CountingRegex(questions._HEADER_RE)
        monkeypatch.setattr(questions, "_HEADER_RE", counter)
        bank = questions.load_bank(folder)
        assert len(bank) == n and bank.errors == []
        work[n] = counter.calls
    assert work[800] <= 4 * work[200] * 1.1, work  # four times the file: about four times the work


def test_an_oversized_question_file_is_refused_in_one_line(tmp_path: Path) -> None:
    from mockmic.questions import MAX_FILE_BYTES, load_bank

    big = tmp_path / "big.toml"
    question_file(big, 10)
    with big.open("a", encoding="utf-8") as fh:
        fh.write("# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    question_file(tmp_path / "small.toml", 3)
    bank = load_bank(tmp_path)
    assert len(bank) == 3
    (line,) = bank.errors
    assert line.startswith(f"{big}: too large for a question file (") and line.endswith("; skipped")


@pytest.mark.parametrize("target", ["[nan, 60]", "[30, inf]", '"30-inf"', "[-inf, 60]"])
def test_non_finite_question_targets_are_refused(tmp_path: Path, target: str) -> None:
    from mockmic.questions import load_bank

    (tmp_path / "bank.toml").write_text(
        f'[[question]]\nid = "odd"\ncategory = "core"\ntext = "Why?"\ntarget = {target}\n',
        encoding="utf-8")
    bank = load_bank(tmp_path)
    assert len(bank) == 0
    (line,) = bank.errors
    assert "bad target" in line and "skipped" in line


@pytest.mark.parametrize("text", ["nan-60", "30-inf", "inf-inf"])
def test_non_finite_targets_on_the_command_line_and_in_settings_are_refused(tmp_path: Path, text: str) -> None:
    from mockmic.config import ConfigError, load_settings, parse_target

    with pytest.raises(ConfigError, match="finite"):
        parse_target(text)
    toml = tmp_path / "mockmic.toml"
    toml.write_text("default_target = [nan, 60]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="finite"):
        load_settings(toml)


def test_manifest_entries_cannot_point_outside_the_prompts_audio_folder(tmp_path: Path) -> None:
    import json

    from mockmic.audio import voice
    from mockmic.questions import Question

    prompts = tmp_path / "prompts"
    audio = prompts / "audio"
    audio.mkdir(parents=True)
    secret = tmp_path / "secret.flac"
    secret.write_bytes(b"private")
    (audio / "inside.flac").write_bytes(b"fLaC")
    (audio / "link.flac").symlink_to(secret)
    q = Question(id="q", text="Why?", category="core", target_min_s=30, target_max_s=60)
    sha = voice.text_hash(q.text)

    def shipped(file: str) -> Path | None:
        (audio / "manifest.json").write_text(json.dumps(
            {"questions": {"q": {"file": file, "text_sha256": sha}}}), encoding="utf-8")
        return voice.shipped_audio(q, prompts)

    assert shipped("inside.flac") == audio / "inside.flac"
    assert shipped("../../secret.flac") is None
    assert shipped(str(secret)) is None
    assert shipped("link.flac") is None


# --- 10. one dead or noise-only channel; a truncated FLAC -------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data"


def speech_clip(seconds: float = 6.0) -> np.ndarray:
    """Real speech (the project's own test answer), 16 kHz mono."""
    audio, rate = sf.read(DATA / "answer_short.flac", dtype="float32", always_2d=True)
    assert rate == SR
    return audio[: int(seconds * SR), 0]


def square_wave(n: int, freq: float = 150.0, amp: float = 0.8) -> np.ndarray:
    t = np.arange(n) / SR
    return (amp * np.sign(np.sin(2 * np.pi * freq * t))).astype(np.float32)


@pytest.mark.parametrize("other,word", [("square", "only a steady tone or noise"), ("silent", "silent"),
                                        ("hiss", "only a steady tone or noise")])
def test_the_speech_channel_is_used_when_the_other_is_dead_or_noise(tmp_path: Path, other: str,
                                                                    word: str) -> None:
    from mockmic.audio.io import decode_file

    speech = speech_clip()
    noise = {"square": square_wave(len(speech)), "silent": np.zeros(len(speech), np.float32),
             "hiss": np.random.default_rng(3).normal(0, 0.3, len(speech)).astype(np.float32)}[other]
    p = tmp_path / "two_mics.wav"
    sf.write(p, np.stack([noise, speech], axis=1), SR, subtype="PCM_16")  # speech on channel 2
    decoded = decode_file(p)
    assert decoded.source_channels == 2
    assert np.corrcoef(decoded.samples, speech)[0, 1] > 0.99
    assert decoded.warnings == [
        f"channel 1 is {word} (of 2); analyzing channel 2, the one with speech, alone"]


def test_a_square_wave_channel_no_longer_hides_the_speech(tmp_path: Path) -> None:
    from mockmic.pipeline.engine import Analyzer

    class Words:
        name = "fake"

        def transcribe(self, audio, *, offset=0.0, prompt=None, use_filler_prompt=True):  # noqa: ANN001, ANN201
            from mockmic.core import Transcript, Word

            n = len(audio) / SR
            return Transcript([Word("patients", offset + 0.2, offset + n / 2),
                               Word("first.", offset + n / 2, offset + n - 0.2)])

    speech = speech_clip()
    p = tmp_path / "square.wav"
    sf.write(p, np.stack([speech, square_wave(len(speech))], axis=1), SR, subtype="PCM_16")
    result = Analyzer(Settings(), Words()).analyze_file(p)
    assert result.report.no_speech is False and result.report.word_count > 0
    assert any("channel 2 is only a steady tone or noise" in w for w in result.warnings)


def test_ordinary_stereo_is_still_averaged_without_a_warning(tmp_path: Path) -> None:
    from mockmic.audio.io import decode_file

    speech = speech_clip()
    p = tmp_path / "stereo.wav"
    sf.write(p, np.stack([speech, 0.5 * speech], axis=1), SR, subtype="PCM_16")
    decoded = decode_file(p)
    assert decoded.warnings == []
    assert np.allclose(decoded.samples, 0.75 * speech, atol=2e-4)


def test_a_truncated_flac_is_analyzed_with_a_warning(tmp_path: Path) -> None:
    from mockmic.audio.io import decode_file

    full = tmp_path / "full.flac"
    sf.write(full, speech_clip(4.0), SR, format="FLAC", subtype="PCM_16")
    cut = tmp_path / "cut.flac"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    decoded = decode_file(cut)
    assert 1.0 < decoded.duration_s < 3.5
    (warning,) = decoded.warnings
    assert warning.startswith("truncated FLAC: header promises 4.0 s but the file holds ")
    assert decode_file(full).warnings == []
