#!/usr/bin/env python3
"""Render the bundled questions to speech: prompts/audio/<id>.flac + prompts/audio/manifest.json.

Only questions whose text changed since the last render (or that have no file) are synthesized;
``--force`` renders everything again. Files of questions no longer in the bank are removed.
The user's my_questions.toml is not rendered here (those are synthesized on first use).

    .venv/bin/python scripts/render_prompts.py [--prompts DIR] [--force]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from mockmic.questions import load_bank  # noqa: E402
from mockmic.audio.voice import (  # noqa: E402
    MANIFEST_NAME,
    SAMPLE_RATE,
    VOICE_NAME,
    VoiceUnavailable,
    audio_dir,
    read_manifest,
    synthesize,
    text_hash,
    write_flac,
)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=Path, default=ROOT / "prompts")
    parser.add_argument("--force", action="store_true", help="re-render every question")
    args = parser.parse_args(argv)

    bank = load_bank(args.prompts, include_user=False)
    for err in bank.errors:
        print(f"render_prompts: {err}", file=sys.stderr)
    if not len(bank):
        print(f"render_prompts: no questions in {args.prompts}", file=sys.stderr)
        return 1
    out_dir = audio_dir(args.prompts)
    out_dir.mkdir(parents=True, exist_ok=True)
    old = read_manifest(args.prompts)["questions"]
    entries: dict[str, dict[str, object]] = {}
    rendered = 0
    t0 = time.perf_counter()
    for q in bank:
        name = f"{q.id}.flac"
        path = out_dir / name
        h = text_hash(q.text)
        prev = old.get(q.id)
        if (not args.force and isinstance(prev, dict) and prev.get("text_sha256") == h
                and path.is_file() and prev.get("audio_sha256") == file_sha256(path)):
            entries[q.id] = prev
            continue
        try:
            audio = synthesize(q.text)
        except VoiceUnavailable as exc:
            print(f"render_prompts: {exc}", file=sys.stderr)
            return 1
        write_flac(path, audio)
        rendered += 1
        entries[q.id] = {
            "file": name,
            "text": q.text,
            "text_sha256": h,
            "audio_sha256": file_sha256(path),
            "duration_s": round(len(audio) / SAMPLE_RATE, 3),
        }
        print(f"{q.id:45s} {len(audio) / SAMPLE_RATE:5.1f} s  {path.stat().st_size / 1024:6.1f} KiB")

    keep = {e["file"] for e in entries.values()} | {MANIFEST_NAME}
    for stale in out_dir.glob("*.flac"):
        if stale.name not in keep:
            stale.unlink()
            print(f"removed {stale.name} (no longer in the bank)")
    manifest = {
        "voice": VOICE_NAME,
        "sample_rate": SAMPLE_RATE,
        "format": "FLAC PCM_16 mono",
        "generator": "scripts/render_prompts.py",
        "questions": entries,
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    total = sum(p.stat().st_size for p in out_dir.glob("*.flac"))
    print(f"{rendered} rendered, {len(entries) - rendered} unchanged, {len(entries)} files, "
          f"{total / 1e6:.2f} MB total, {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
