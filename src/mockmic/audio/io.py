"""Reading audio files into 16 kHz mono float32, with one clear line for every way it can fail.

This is the only module that decodes audio files. Decoding goes through PyAV (the same library
faster-whisper uses), so wav, flac, ogg, mp3, m4a and anything else FFmpeg reads all work, at any
sample rate and channel count.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mockmic.core import SAMPLE_RATE

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".m4a", ".aac", ".mp4",
     ".webm", ".wma", ".aif", ".aiff", ".caf", ".mka"}
)
MIN_DURATION_S = 0.5
"""Shorter recordings hold no answer worth analyzing."""


class AudioError(Exception):
    """A file that cannot be analyzed. ``str()`` is one line naming the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass
class DecodedAudio:
    samples: np.ndarray
    """16 kHz mono float32 in [-1, 1]."""
    source_rate: int
    source_channels: int
    warnings: list[str] = field(default_factory=list)

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def _check_path(path: Path) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise AudioError(path, "file not found") from None
    except OSError as exc:
        raise AudioError(path, stat_problem(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise AudioError(path, "is a directory, not an audio file (use `mockmic batch` for folders)")
    if not stat.S_ISREG(st.st_mode):
        # reading a FIFO would wait forever for a writer; a device never ends
        raise AudioError(path, f"not a regular file ({special_kind(st.st_mode)}); give an audio file")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else meanwhile
                raise AudioError(path, "not a regular file; give an audio file")
            size = os.fstat(fd).st_size
            head = os.read(fd, 64)
        finally:
            os.close(fd)
    except OSError as exc:
        raise AudioError(path, stat_problem(exc)) from None
    if size == 0:
        raise AudioError(path, "empty file (0 bytes)")
    if head[:4] == b"RIFF" and len(head) < 44:
        raise AudioError(path, f"truncated WAV: only {size} bytes, not even a complete header")


def stat_problem(exc: OSError) -> str:
    """A short reason for a file that cannot be opened (``permission denied``, ``symlink loop``)."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop (the link leads back to itself)"
    if exc.errno == errno.ENOENT:
        return "file not found"
    return f"cannot be read ({(exc.strerror or str(exc)).lower()})"


def special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _wav_truncation(path: Path, decoded_s: float) -> str | None:
    """For a RIFF/WAVE file, compare the data size in its header with what was decoded."""
    try:
        with path.open("rb") as fh:
            data = fh.read(1 << 16)
        if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
            return None
        pos, byte_rate, declared = 12, None, None
        while pos + 8 <= len(data):
            cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
            if cid == b"fmt ":
                byte_rate = struct.unpack("<I", data[pos + 16:pos + 20])[0]
            elif cid == b"data":
                declared = size
                break
            pos += 8 + size + (size & 1)
        if not byte_rate or declared is None or declared in (0, 0xFFFFFFFF):
            return None
        declared_s = declared / byte_rate
        if declared_s - decoded_s > 0.05:
            return (f"truncated WAV: header promises {declared_s:.1f} s but the file holds "
                    f"{decoded_s:.1f} s; analyzing what is there")
    except (OSError, struct.error):
        return None
    return None


def decode_file(path: str | Path, *, min_duration_s: float = MIN_DURATION_S) -> DecodedAudio:
    """Decode any audio file to 16 kHz mono float32.

    Channels are averaged, except when one channel holds the speech and the others are silent
    or only a steady tone or noise (a dead or miswired second microphone): then the speech
    channel alone is used, with a warning.

    Raises:
        AudioError: with a one-line message for a missing path, a directory, an empty, truncated
            or non-audio file, a file with no audio stream, NaN/Inf samples, or audio too short.
    """
    path = Path(path)
    _check_path(path)
    warnings: list[str] = []
    stats = _ChannelStats()
    samples, src_rate, src_channels, damaged = _decode(path, None, stats)
    pick = stats.speech_channel() if src_channels > 1 else None
    if pick is not None:
        channel, reason = pick
        samples, _rate, _channels, damaged = _decode(path, channel, None)
        warnings.append(reason)
    decoded = DecodedAudio(samples, src_rate, src_channels, warnings)
    if decoded.duration_s < min_duration_s:
        if decoded.duration_s == 0:
            raise AudioError(path, "contains no audio samples")
        raise AudioError(
            path, f"too short to analyze: {decoded.duration_s:.2f} s (need at least {min_duration_s:g} s)"
        )
    warning = _wav_truncation(path, decoded.duration_s) or _flac_truncation(path, decoded.duration_s)
    if warning is None and damaged:
        warning = (f"the file is damaged after {decoded.duration_s:.1f} s ({damaged}); "
                   f"analyzing what is there")
    if warning:
        decoded.warnings.append(warning)
    return decoded


def _decode(path: Path, channel: int | None,
            stats: _ChannelStats | None) -> tuple[np.ndarray, int, int, str | None]:
    """(16 kHz samples, source rate, source channels, why decoding stopped early or None).

    ``channel`` None averages the channels; otherwise only that channel is kept. ``stats``
    sees every channel's samples."""
    import av  # PyAV ships with faster-whisper; imported here to keep `import mockmic` light

    chunks: list[np.ndarray] = []
    damaged: str | None = None
    try:
        container = av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.FFmpegError as exc:
        raise AudioError(path, f"not a readable audio file ({_ffmpeg_reason(exc)})") from None
    except UnicodeDecodeError:
        raise AudioError(path, "not a readable audio file") from None
    try:
        if not container.streams.audio:
            raise AudioError(path, "contains no audio stream")
        stream = container.streams.audio[0]
        src_rate = int(stream.codec_context.sample_rate or 0)
        src_channels = int(stream.codec_context.channels or 0)
        # Resample with the source channels kept, then average them here: FFmpeg's own
        # downmix adds the channels at -3 dB each, which clips a loud stereo recording whose
        # channels are the same (0.8 peak -> 1.13).
        layout = getattr(stream.layout, "name", None) or "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)

        def take(planar: np.ndarray) -> bool:
            planar = np.asarray(planar, dtype=np.float32)
            if planar.ndim == 1:
                planar = planar[None, :]
            if stats is not None:
                stats.feed(planar)
            arr = planar[min(channel, len(planar) - 1)] if channel is not None else _to_mono(planar)
            if not np.isfinite(arr).all():
                return False
            chunks.append(arr.astype(np.float32, copy=True))
            return True

        bad = False
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    if not take(out.to_ndarray()):
                        bad = True
                        break
                if bad:
                    break
            if not bad:
                for out in resampler.resample(None):
                    take(out.to_ndarray())
        except av.error.FFmpegError as exc:
            if not chunks:
                raise AudioError(path, f"not a readable audio file ({_ffmpeg_reason(exc)})") from None
            damaged = _ffmpeg_reason(exc)  # keep what decoded before the damage; a warning says so
        if bad or _has_nonfinite_source(path):
            raise AudioError(path, "contains NaN or infinite samples (corrupt float audio)")
    finally:
        container.close()
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
    np.clip(samples, -1.0, 1.0, out=samples)
    return samples, src_rate, src_channels, damaged


class _ChannelStats:
    """Per-channel loudness of 20 ms frames, to tell a speech channel from a dead or steady one.

    Speech rises and falls with every syllable and pause: its frame levels spread over 20 dB or
    more. A channel that is silent, or carries only a hum, a tone or hiss, hardly varies.
    """

    FRAME = SAMPLE_RATE // 50
    DEAD_DB = -60.0
    """A channel quieter than this overall (dBFS) is dead."""
    STEADY_SPREAD_DB = 6.0
    """A channel whose frame levels (10th to 90th percentile) spread less than this is steady."""
    SPEECH_SPREAD_DB = 15.0
    """A channel whose frame levels spread more than this may hold speech."""

    def __init__(self) -> None:
        self._rest: np.ndarray | None = None
        self._levels: list[np.ndarray] = []

    def feed(self, planar: np.ndarray) -> None:
        if self._rest is not None and len(self._rest) == len(planar):
            planar = np.concatenate([self._rest, planar], axis=1)
        whole = planar.shape[1] // self.FRAME * self.FRAME
        self._rest = planar[:, whole:]
        if whole:
            frames = planar[:, :whole].reshape(len(planar), -1, self.FRAME).astype(np.float64)
            self._levels.append(np.mean(frames * frames, axis=2))

    def speech_channel(self) -> tuple[int, str] | None:
        """(channel index, warning) when one channel alone holds the speech, else None."""
        if not self._levels:
            return None
        power = np.concatenate(self._levels, axis=1)  # (channels, frames)
        n_channels, n_frames = power.shape
        if n_channels < 2 or n_frames < 25:
            return None
        db = 10 * np.log10(power + 1e-12)
        overall = 10 * np.log10(power.mean(axis=1) + 1e-12)
        p10, p90 = np.percentile(db, [10, 90], axis=1)
        spread = p90 - p10
        dead = overall < self.DEAD_DB
        steady = ~dead & (spread < self.STEADY_SPREAD_DB)
        speechy = ~dead & (spread > self.SPEECH_SPREAD_DB)
        if speechy.sum() != 1 or not np.all(speechy | dead | steady):
            return None
        keep = int(np.argmax(speechy))
        others = []
        for i in range(n_channels):
            if i != keep:
                what = "silent" if dead[i] else "only a steady tone or noise"
                others.append(f"channel {i + 1} is {what}")
        return keep, (f"{'; '.join(others)} (of {n_channels}); analyzing channel {keep + 1}, "
                      f"the one with speech, alone")


def _flac_truncation(path: Path, decoded_s: float) -> str | None:
    """For a FLAC file, compare the length in its STREAMINFO block with what was decoded."""
    try:
        with path.open("rb") as fh:
            head = fh.read(42)
        # "fLaC", a 4-byte block header, then STREAMINFO: 10 bytes of block/frame sizes, then
        # 20 bits sample rate, 3 bits channels, 5 bits bits-per-sample, 36 bits total samples
        if len(head) < 42 or head[:4] != b"fLaC" or head[4] & 0x7F != 0:
            return None
        bits = int.from_bytes(head[18:26], "big")
        rate = bits >> 44
        total = bits & ((1 << 36) - 1)
        if not rate or not total:
            return None
        declared_s = total / rate
    except OSError:
        return None
    if declared_s - decoded_s > 0.05:
        return (f"truncated FLAC: header promises {declared_s:.1f} s but the file holds "
                f"{decoded_s:.1f} s; analyzing what is there")
    return None


def _to_mono(planar: np.ndarray) -> np.ndarray:
    """(channels, samples) planar float -> mono by averaging the channels."""
    planar = np.asarray(planar, dtype=np.float32)
    if planar.ndim == 1:
        return planar
    mono: np.ndarray = planar[0] if planar.shape[0] == 1 else planar.mean(axis=0, dtype=np.float32)
    return mono


def _has_nonfinite_source(path: Path) -> bool:
    """FFmpeg's float->float resampling can turn NaN into 0; check float WAV/FLAC data directly."""
    try:
        import soundfile as sf

        info = sf.info(str(path))
        if info.subtype not in ("FLOAT", "DOUBLE"):
            return False
        for block in sf.blocks(str(path), blocksize=1 << 16, dtype="float32"):
            if not np.isfinite(block).all():
                return True
    except Exception:  # noqa: BLE001 - soundfile cannot read it; PyAV already did
        return False
    return False


def _ffmpeg_reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[0].strip().rstrip(".").lower() or "decoder error"
