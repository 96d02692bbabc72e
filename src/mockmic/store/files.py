"""The recordings folder on disk: private folders and files, claimed audio file names.

Everything under the recordings folder is the user's voice: folders are created 0700 and files
0600, and an audio file's name is claimed atomically so no two writers ever share one.
"""

from __future__ import annotations

import os
import re
import stat
from datetime import datetime
from pathlib import Path

DB_NAME = "mockmic.sqlite3"
"""The attempt database's file name inside the recordings folder."""


def new_audio_path(recordings: Path, question_id: str | None = None, suffix: str = ".wav") -> Path:
    """A fresh file for an attempt's audio: ``recordings/audio/YYYY-MM/<time>-<id>.wav``.

    The name is claimed atomically: the file is created here, empty and private (0600), with
    ``O_EXCL``, so two processes asking at the same moment (the app and a ``batch --save`` run,
    or two batch runs) never get the same file. A number is added when the name is taken.
    The caller writes into the returned file (and removes it if it ends up unused).

    Raises:
        OSError: the folder cannot be created or written.
    """
    now = datetime.now()
    folder = Path(recordings) / "audio" / now.strftime("%Y-%m")
    make_private_dirs(folder)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", question_id or "free").strip("-.")[:60] or "free"
    stem = f"{now.strftime('%Y%m%d-%H%M%S')}-{slug}"
    n = 1
    while True:
        candidate = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        if _create_private(candidate):
            return candidate
        n += 1


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents readable by the owner only (0700)."""
    folder = Path(folder)
    if folder.is_dir():
        return
    missing = []
    p = folder
    while not p.exists() and p != p.parent:
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            pass
        else:
            os.chmod(d, 0o700)  # mkdir's mode is masked by the umask; make it exact


def _create_private(path: Path) -> bool:
    """Create ``path`` as an empty file, 0600, unless something of that name exists (a link
    included: ``O_EXCL`` never follows one). True when this call created it. (An empty file is
    an empty SQLite database.)"""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def tighten_folder(folder: Path) -> str | None:
    """Make a recordings folder that other users can read private; a one-line notice, or None.

    The folder becomes 0700; the database files and everything under ``audio/`` and ``exports/``
    lose their group and other permissions. A folder already private is left alone (so the
    notice is given once). Never applied to the home folder or ``/``.
    """
    folder = Path(folder)
    try:
        st = folder.stat()
    except OSError:
        return None
    if not st.st_mode & 0o077:
        return None
    resolved = folder.resolve()
    if resolved in (Path("/"), Path.home().resolve()):
        return (f"{folder}: your recordings are readable by other users (mode "
                f"{st.st_mode & 0o777:o}); keep them in a folder of their own")
    try:
        os.chmod(folder, 0o700)
    except OSError as exc:
        return (f"{folder}: your recordings are readable by other users (mode "
                f"{st.st_mode & 0o777:o}) and could not be made private "
                f"({(exc.strerror or str(exc)).lower()})")
    private: list[Path] = [p for p in folder.glob(f"{DB_NAME}*")]
    for sub in ("audio", "exports"):
        top = folder / sub
        if top.is_dir() and not top.is_symlink():
            private.append(top)
            for root, dirs, files in os.walk(top):
                private.extend(Path(root) / name for name in (*dirs, *files))
    for p in private:
        try:
            mode = p.lstat().st_mode
            if mode & 0o077 and not stat.S_ISLNK(mode):
                os.chmod(p, stat.S_IMODE(mode) & ~0o077)
        except OSError:
            pass
    return (f"{folder}: your recordings were readable by other users (mode "
            f"{st.st_mode & 0o777:o}); made the folder private (700)")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (read in blocks)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` into ``path`` (created 0600 if missing), checking every write and syncing.

    Raises ``OSError`` (e.g. ENOSPC); the caller decides whether to remove the file.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    finally:
        os.close(fd)
