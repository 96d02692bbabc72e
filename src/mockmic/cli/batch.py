"""``mockmic batch``: analyze many recordings into a table and a report file.

Progress goes to stderr (a rich progress bar on a terminal, one plain line per file otherwise),
the summary table to stdout. ``--out`` is written one file at a time and flushed, so Ctrl-C keeps
everything already analyzed.
"""

from __future__ import annotations

import csv
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click

from mockmic.pipeline.batch import BatchSummary, FileResult, analyze_paths, collect_paths, default_jobs, probe_duration
from mockmic.cli.common import ExitCode, _err, analysis_options, build_settings, resolve_target
from mockmic.config import Settings, Thresholds
from mockmic.core import fixed
from mockmic.reporting.fmt import at_time, clock, secs
from mockmic.practice.importer import HistoryImporter

OUT_FORMATS = (".csv", ".jsonl", ".md")
CSV_FIELDS = (
    "file", "status", "error", "duration_s", "latency_s", "speaking_time_s", "word_count", "wpm",
    "articulation_wpm", "fillers", "fillers_per_min", "filler_percent", "pauses",
    "longest_pause_s", "flags",
)


def result_row(res: FileResult) -> dict[str, Any]:
    """One flat row per file, shared by the csv and markdown outputs and the summary table."""
    r = res.report
    if r is None:
        return {"file": str(res.path), "status": "failed", "error": res.error or ""}
    return {
        "file": str(res.path),
        "status": "no_speech" if r.no_speech else "ok",
        "error": "",
        "duration_s": round(r.duration_s, 1),
        "latency_s": "" if r.latency_s is None else round(r.latency_s, 2),
        "speaking_time_s": round(r.speaking_time_s, 1),
        "word_count": r.word_count,
        "wpm": round(r.wpm),
        "articulation_wpm": round(r.articulation_wpm),
        "fillers": r.fillers.count,
        "fillers_per_min": round(r.fillers.per_minute, 1),
        "filler_percent": round(r.fillers.percent_of_words, 1),
        "pauses": len(r.pauses),
        "longest_pause_s": round(r.longest_pause_s, 2),
        "flags": ";".join(f.code for f in r.flags),
    }


def markdown_section(res: FileResult, thresholds: Thresholds | None = None) -> str:
    """One file of ``batch --out x.md``: a heading, a narrow two-column table, then the flags
    with their plain titles (readable at any width, unlike one wide row per file)."""
    from mockmic.reporting.assess import assess
    from mockmic.reporting.markdown import md_escape

    out = [f"\n## {md_escape(res.path.name)}\n", f"`{md_escape(str(res.path))}`\n"]
    r = res.report
    if r is None:
        return "".join(out) + f"\n**Not analyzed:** {md_escape(res.error or 'unknown error')}\n"
    a = assess(r, thresholds or Thresholds())
    rows = [("Length", f"{a.length.text} (target {a.length.target}, {a.length.word})")]
    if a.speech is None:
        rows.append(("Speech", "none found"))
    else:
        s = a.speech
        rows += [("First word after", s.latency.text if s.latency else "–"),
                 ("Speaking rate", s.rate.text + (f", {s.rate.word}" if s.rate.word else "")),
                 ("Words", str(s.words)),
                 ("Fillers", f"{s.fillers.count} ({s.fillers.per_minute}, {s.fillers.percent} of words)"),
                 (s.pauses.label, s.pauses.text),
                 ("Longest pause", s.longest_pause.text)]
    out.append("\n| | |\n|---|---|\n")
    out += [f"| {name} | {md_escape(value)} |\n" for name, value in rows]
    if r.flags:
        out.append("\n")
        for fl in r.flags:
            at = f" {at_time(fl.at_s)}" if fl.at_s is not None else ""
            out.append(f"- **{md_escape(fl.title)}**{at}: {md_escape(fl.message)}\n")
    return "".join(out)


class ReportWriter:
    """Writes results to ``--out`` as they arrive and flushes after each one."""

    def __init__(self, path: Path, thresholds: Thresholds | None = None) -> None:
        self.path = path
        self.thresholds = thresholds
        self.kind = path.suffix.lower()
        # transcripts of someone's answers: readable by its owner only
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.fh: IO[str] = open(fd, "w", encoding="utf-8", newline="")
        self._csv: csv.DictWriter[str] | None = None
        if self.kind == ".csv":
            self._csv = csv.DictWriter(self.fh, fieldnames=CSV_FIELDS, extrasaction="ignore")
            self._csv.writeheader()
        elif self.kind == ".md":
            self.fh.write("# mockmic batch report\n\nOne section per file, in the order they finished.\n")
        self.fh.flush()

    def write(self, res: FileResult) -> None:
        if self.kind == ".jsonl":
            self.fh.write(json.dumps(res.to_json(), ensure_ascii=False) + "\n")
        elif self._csv is not None:
            self._csv.writerow(result_row(res))
        else:
            self.fh.write(markdown_section(res, self.thresholds))
        self.fh.flush()

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()


class Progress:
    """A rich progress bar on a terminal; plain lines on stderr otherwise."""

    def __init__(self, paths: list[Path], *, fancy: bool) -> None:
        self.t0 = time.monotonic()
        self.total_files = len(paths)
        self.files_done = 0
        self.audio_done = 0.0
        self.fancy = fancy
        self._bar: Any = None
        # time left is estimated on audio seconds, which is what the work scales with
        est = [probe_duration(p) for p in paths]
        known = [e for e in est if e]
        mean = sum(known) / len(known) if known else 60.0
        self._estimate = {p: e or mean for p, e in zip(paths, est)}
        self.total_audio = sum(self._estimate.values())
        self._progress_s = 0.0
        self._inflight: dict[Path, float] = {}
        """Seconds transcribed so far of each file being analyzed (told by the workers)."""
        self._lock = threading.Lock()
        if not fancy:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress as RichProgress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        self._bar = RichProgress(
            TextColumn("[bold]analyzing"),
            BarColumn(),
            TextColumn("{task.fields[files]}"),
            TextColumn("{task.fields[minutes]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task = self._bar.add_task("batch", total=self.total_audio, files=self._files(),
                                        minutes=self._minutes())
        self._bar.start()

    def _files(self) -> str:
        return f"{self.files_done}/{self.total_files} files"

    def _minutes(self) -> str:
        return f"{(self.audio_done + sum(self._inflight.values())) / 60:.1f} audio min"

    def partial(self, path: Path, done_s: float, total_s: float) -> None:
        """A worker's news about the file it is transcribing: the bar moves from the first
        file's first chunk, not only when a whole file is done. Called from worker threads."""
        with self._lock:
            self._inflight[path] = min(done_s, total_s)
            completed = min(self.total_audio, self._progress_s + sum(self._inflight.values()))
            if self._bar is not None:
                self._bar.update(self._task, completed=completed, minutes=self._minutes())

    def update(self, res: FileResult) -> None:
        with self._lock:
            self._inflight.pop(res.path, None)
        self.files_done += 1
        self.audio_done += res.audio_s
        done = min(self.total_audio, self._completed(res))
        if self._bar is not None:
            if res.error:
                self._bar.console.print(f"[red]failed[/red] {res.path}: {res.error}")
            self._bar.update(self._task, completed=done, files=self._files(), minutes=self._minutes())
        else:
            elapsed = time.monotonic() - self.t0
            left = elapsed / done * (self.total_audio - done) if done > 0 else 0.0
            if res.report is not None:
                r = res.report
                what = ("no speech found" if r.no_speech
                        else f"{r.duration_s:.1f} s, {r.wpm:.0f} wpm, {len(r.flags)} flags")
            else:
                what = f"failed: {res.error}"
            click.echo(f"[{self.files_done}/{self.total_files}] {res.path}: {what} "
                       f"({self.audio_done / 60:.1f} audio min done, about {left:.0f} s left)", err=True)

    def _completed(self, res: FileResult) -> float:
        # a file that failed to decode still counts as done: advance by its estimate
        self._progress_s += res.audio_s or self._estimate.get(res.path, 0.0)
        if self.files_done == self.total_files:
            return self.total_audio
        return self._progress_s

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def short_names(paths: list[Path]) -> tuple[str, dict[Path, str]]:
    """The folder all ``paths`` are in, and each path's name below it (the table's file column).

    A long folder repeated on every row took most of the table's width and wrapped every name;
    with one folder left out the names fit. With no folder in common the paths stay as given."""
    if not paths:
        return "", {}
    folders = [str(p.parent) for p in paths]
    try:
        common = os.path.commonpath(folders)
    except ValueError:  # absolute and relative paths mixed, or different drives
        common = ""
    if not common or common == ".":
        return "", {p: str(p) for p in paths}
    return common, {p: os.path.relpath(p, common) for p in paths}


def summary_table(summary: BatchSummary) -> Any:
    from rich.table import Table

    folder, names = short_names([res.path for res in summary.analyzed])
    table = Table(title=f"mockmic batch: {folder}" if folder else "mockmic batch", show_lines=False)
    for col, justify in (("file", "left"), ("length", "right"), ("wpm", "right"),
                         ("fillers/min", "right"), ("longest pause", "right"), ("flags", "left")):
        table.add_column(col, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for res in sorted(summary.analyzed, key=lambda r: str(r.path)):
        r = res.report
        assert r is not None
        if r.no_speech:
            table.add_row(names[res.path], clock(r.duration_s), "-", "-", "-", "no speech found")
            continue
        table.add_row(names[res.path], clock(r.duration_s), fixed(r.wpm, 0), fixed(r.fillers.per_minute, 1),
                      secs(r.longest_pause_s), ", ".join(dict.fromkeys(f.title for f in r.flags)) or "-")
    return table


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Files analyzed at once [default: 2 on a machine with 2 or more cores, else 1] "
                   "(one model shared by the jobs, one Whisper thread each).")
@click.option("--out", "-o", "out", type=click.Path(path_type=Path, dir_okay=False),
              help="Write results to report.csv, report.jsonl or report.md (as they finish).")
@click.option("--save", is_flag=True,
              help="Import each analyzed file into the practice history (audio copied into recordings/).")
@click.option("--again", is_flag=True,
              help="With --save: import files even when the same file is already in the history.")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run on a Dask cluster: tcp://HOST:8786, or local:N for N worker processes here "
                   "(the cluster's workers replace --jobs).")
@click.option("--send", type=click.Choice(["auto", "paths", "bytes"]), default="auto", show_default=True,
              help="With --scheduler: how files reach the workers (auto: paths for local:N, else bytes).")
@click.option("--parallel", "parallel", type=click.Choice(["shared", "models"]), default="shared",
              hidden=True, help="How --jobs workers get a model (see mockmic.pipeline.batch).")
@analysis_options
@click.pass_context
def batch(ctx: click.Context, paths: tuple[str, ...], jobs: int | None, out: Path | None, save: bool,
          again: bool, scheduler: str | None, send: str, parallel: str, model: str | None,
          target: str | None, question: str | None, set_: tuple[str, ...], no_filler_prompt: bool) -> None:
    """Analyze audio files, folders (searched recursively) and globs into one table.

    Exit status: 0 all analyzed, 1 some failed, 2 usage error, 130 interrupted.
    """
    if out is not None and out.suffix.lower() not in OUT_FORMATS:
        raise click.BadParameter(f"{out}: use a .csv, .jsonl or .md file", param_hint="--out")
    settings = build_settings(ctx, model, set_, no_filler_prompt)
    window = resolve_target(settings, target, question)
    files, skipped, errors = _inputs(paths)
    from mockmic.pipeline.models import ModelError

    writer = _open_writer(out, errors, settings.thresholds) if out is not None else None
    importer = _open_importer(settings, question, again) if save else None
    if importer is not None:
        files = _leave_out_known(importer, files, errors)
    progress = Progress(files, fancy=sys.stderr.isatty())
    cancel = threading.Event()
    got: list[FileResult] = []
    on_result = _result_handler(got, writer, importer, progress)

    interrupted = False
    summary: BatchSummary | None = None
    try:
        summary = _run(files, settings, scheduler, send, jobs=jobs or default_jobs(), target=window,
                       on_result=on_result, on_progress=progress.partial, cancel=cancel,
                       strategy=parallel)
    except ModelError as exc:
        progress.stop()
        if writer is not None:
            writer.close()
        _err(str(exc))
        sys.exit(ExitCode.USAGE)
    except KeyboardInterrupt:
        cancel.set()
        interrupted = True
    finally:
        progress.stop()
        if writer is not None:
            writer.close()
    if summary is None:
        summary = BatchSummary(results=got, total_files=len(files), cancelled=True,
                               elapsed_s=time.monotonic() - progress.t0)
    summary.skipped_non_audio = skipped

    _print_summary(summary, errors, out if writer is not None else None, interrupted)
    if importer is not None:
        _print_saved(importer)
    if interrupted:
        _exit_interrupted()
    if summary.error:
        _err(f"batch stopped: {summary.error}")
    failed = len(summary.failed) + len(errors)
    sys.exit(ExitCode.SOME_FAILED if failed or summary.cancelled else ExitCode.OK)


def _result_handler(got: list[FileResult], writer: ReportWriter | None,
                    importer: HistoryImporter | None, progress: Progress) -> Callable[[FileResult], None]:
    """What happens to each result as it arrives (in the calling thread): the report file, the
    history, the progress bar."""

    def on_result(res: FileResult) -> None:
        got.append(res)
        if writer is not None:
            writer.write(res)
        for w in res.warnings:
            _err(f"{res.path}: {w}")
        if importer is not None and res.report is not None:
            problem = importer.add(res)
            if problem:
                _err(problem)
        progress.update(res)

    return on_result


def _run(files: list[Path], settings: Settings, scheduler: str | None, send: str,
         **kw: Any) -> BatchSummary:
    """Local worker threads, or the Dask cluster at ``scheduler`` (same results, same callback)."""
    if scheduler is None:
        return analyze_paths(files, settings, **kw)
    try:
        from mockmic.pipeline.cluster import ClusterError, analyze_on_cluster
    except ImportError:
        _err("--scheduler needs the 'distributed' package: pip install 'mockmic[cluster]'")
        sys.exit(ExitCode.USAGE)
    kw.pop("jobs", None)
    kw.pop("strategy", None)
    kw.pop("on_progress", None)  # a cluster reports whole files only
    try:
        return analyze_on_cluster(files, settings, address=scheduler, send=send, **kw)
    except ClusterError as exc:
        _err(str(exc))
        sys.exit(ExitCode.USAGE)


def _inputs(paths: tuple[str, ...]) -> tuple[list[Path], int, list[str]]:
    """The audio files the arguments name (exits when there are none), with what was skipped."""
    files, skipped, errors = collect_paths(paths)
    for line in errors:
        _err(line)
    if not files:
        if any(not getattr(e, "usage", True) for e in errors):
            # paths that exist but cannot be read: a failure of the input, not of the command
            _err(f"nothing analyzed: {len(errors)} path(s) could not be read")
            sys.exit(ExitCode.SOME_FAILED)
        _err("no audio files found in " + " ".join(paths)
             + (f" ({skipped} non-audio files skipped)" if skipped else ""))
        sys.exit(ExitCode.USAGE)
    return files, skipped, errors


def _exit_interrupted() -> None:
    busy = [t for t in threading.enumerate() if t.name.startswith("mockmic-batch-") and t.is_alive()]
    if busy:
        # a worker is still inside CTranslate2; letting the interpreter finalise around it
        # aborts the process ("terminate called..."). Everything is written and flushed.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)
    sys.exit(130)


def _open_writer(out: Path, errors: list[str], thresholds: Thresholds | None = None) -> ReportWriter:
    """``--out``: the report file, with the paths that could not be read already in it."""
    try:
        writer = ReportWriter(out, thresholds)
    except OSError as exc:
        _err(f"{out}: cannot write ({exc.strerror or exc})")
        sys.exit(ExitCode.USAGE)
    for line in errors:  # a missing or unreadable path is a failed entry in the report too
        where, problem = (getattr(line, "path", ""), getattr(line, "problem", ""))
        if not where:
            where, _, problem = line.partition(": ")
        writer.write(FileResult(Path(where), error=problem.strip()))
    return writer


def _leave_out_known(importer: HistoryImporter, files: list[Path], errors: list[str]) -> list[Path]:
    """``--save``: the files not yet in the history (exits when there is nothing new)."""
    files, known = importer.leave_out_known(files)
    if known:
        _err(f"skipped {known} file(s) already in the history (the same file was imported "
             f"before); --again imports them anyway")
    if not files:
        click.echo(f"nothing new to import: all {known} file(s) are already in the history",
                   err=True)
        sys.exit(ExitCode.SOME_FAILED if errors else ExitCode.OK)
    return files


def _print_saved(importer: HistoryImporter) -> None:
    also = (f"; {importer.duplicates} not added again (the same file is already in the history)"
            if importer.duplicates else "")
    click.echo(f"saved {importer.saved} attempt(s) to the history in {importer.store.root}{also}",
               err=True)


def _open_importer(settings: Settings, question: str | None, again: bool) -> HistoryImporter:
    """``--save``: the importer into the practice history, or a one-line error and exit 2."""
    from mockmic.store.db import StoreError

    try:
        importer = HistoryImporter.open(settings, question, again=again)
    except StoreError as exc:
        _err(f"--save: {exc}")
        sys.exit(ExitCode.USAGE)
    if importer.store.notice:
        _err(importer.store.notice)
    return importer


def _print_summary(summary: BatchSummary, errors: list[str], out: Path | None, interrupted: bool) -> None:
    from rich.console import Console

    console = Console(file=sys.stdout, soft_wrap=False, width=None if sys.stdout.isatty() else 120)
    if summary.analyzed:
        console.print(summary_table(summary))
    failures = [f"{r.path}: {r.error}" for r in summary.failed] + errors
    if failures:
        console.print(f"[bold red]{len(failures)} failed:[/bold red]")
        for line in failures:
            console.print(f"  {line}", markup=False, highlight=False)
    notes = [f"{len(summary.analyzed)} of {summary.total_files} files analyzed "
             f"({summary.audio_s / 60:.1f} audio min in {summary.elapsed_s:.0f} s)"]
    if summary.skipped_non_audio:
        notes.append(f"{summary.skipped_non_audio} non-audio files skipped")
    if interrupted:
        notes.append("interrupted: stopped early")
    if out is not None:
        notes.append(f"results written to {out}")
    console.print("; ".join(notes), markup=False, highlight=False)

