"""The crash-safe WAV file a recording is appended to, and the repair of an interrupted one.

Samples are appended with raw ``os.write`` calls; the header is rewritten with the current length
whenever the writer syncs, so after a crash the file is a valid WAV up to the last sync, and
:func:`repair_wav` makes the header cover everything that reached the disk.
"""

from __future__ import annotations

import errno
import os
import struct
from pathlib import Path

from mockmic.core import SAMPLE_RATE

_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")
HEADER_BYTES = _HEADER.size  # 44
BYTES_PER_SAMPLE = 2


def _wav_header(data_bytes: int, rate: int = SAMPLE_RATE) -> bytes:
    return _HEADER.pack(
        b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, 1, rate, rate * BYTES_PER_SAMPLE,
        BYTES_PER_SAMPLE, 16, b"data", data_bytes,
    )


class _WavAppender:
    """16-bit mono PCM WAV appended with unbuffered writes; the header is patched in place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.data_bytes = 0
        try:
            self._write_all(_wav_header(0))
        except OSError:
            os.close(self.fd)
            raise
        self.data_bytes = 0

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            if n <= 0:  # pragma: no cover - os.write raises instead on Linux
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.data_bytes += n
            view = view[n:]

    def append(self, pcm: bytes) -> None:
        self._write_all(pcm)

    def sync(self) -> None:
        """Make the header cover the whole samples written so far, then fsync."""
        whole = self.data_bytes - self.data_bytes % BYTES_PER_SAMPLE
        os.pwrite(self.fd, _wav_header(whole), 0)
        os.fsync(self.fd)

    def close(self) -> None:
        """Final header; a half sample left by a short write is cut off. Never raises."""
        try:
            if self.data_bytes % BYTES_PER_SAMPLE:
                self.data_bytes -= self.data_bytes % BYTES_PER_SAMPLE
                os.ftruncate(self.fd, HEADER_BYTES + self.data_bytes)
            self.sync()
        except OSError:
            pass
        finally:
            os.close(self.fd)

    @property
    def samples(self) -> int:
        return self.data_bytes // BYTES_PER_SAMPLE


def repair_wav(path: str | Path) -> float:
    """Make an interrupted recording a valid WAV covering every whole sample on disk.

    Works on files written by this module (and any plain PCM WAV whose ``data`` chunk is last).
    Returns the duration in seconds.

    Raises:
        OSError: the file cannot be read or written.
        ValueError: the file is not a RIFF/WAVE file with a PCM ``data`` chunk.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("r+b") as fh:
        head = fh.read(4096)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            if size == 0:
                # killed before even the header was written: an empty, valid recording
                fh.write(_wav_header(0))
                fh.flush()
                os.fsync(fh.fileno())
                return 0.0
            raise ValueError(f"{path}: not a WAV file")
        pos, block_align, rate = 12, 0, 0
        while pos + 8 <= len(head):
            cid = head[pos:pos + 4]
            (csize,) = struct.unpack("<I", head[pos + 4:pos + 8])
            if cid == b"fmt ":
                _fmt, _ch, rate, _br, block_align = struct.unpack("<HHIIH", head[pos + 8:pos + 22])
            elif cid == b"data":
                data_at = pos + 8
                available = size - data_at
                if block_align <= 0 or rate <= 0:
                    raise ValueError(f"{path}: WAV without a usable fmt chunk")
                whole = available - available % block_align
                if whole != available:
                    fh.truncate(data_at + whole)
                fh.seek(pos + 4)
                fh.write(struct.pack("<I", whole))
                fh.seek(4)
                fh.write(struct.pack("<I", data_at - 8 + whole))
                fh.flush()
                os.fsync(fh.fileno())
                return whole / block_align / rate
            pos += 8 + csize + (csize & 1)
    raise ValueError(f"{path}: WAV without a data chunk")


def _write_failure(exc: OSError, path: Path, seconds: float) -> str:
    kept = f"the {seconds:.1f} s recorded so far are kept in {path}"
    if exc.errno == errno.ENOSPC:
        return f"disk full: recording stopped; {kept}"
    if exc.errno == errno.EDQUOT:
        return f"disk quota exceeded: recording stopped; {kept}"
    if exc.errno == errno.EFBIG:
        return f"file size limit reached: recording stopped; {kept}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write to {path.parent} ({exc.strerror}): recording stopped; {kept}"
    return f"cannot write {path} ({exc.strerror or exc}): recording stopped; {kept}"


def _open_failure(exc: OSError, path: Path) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot record into {path.parent}: {exc.strerror.lower() if exc.strerror else exc}"
    if exc.errno == errno.ENOSPC:
        return f"cannot record into {path.parent}: disk full"
    if exc.errno == errno.ENOENT:
        return f"cannot record into {path.parent}: folder does not exist"
    return f"cannot create {path}: {exc.strerror or exc}"
