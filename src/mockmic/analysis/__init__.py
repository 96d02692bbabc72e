"""Pure delivery analysis: arrays and dataclasses in, dataclasses out.

Nothing in this package may import Textual, sounddevice or faster-whisper, or touch files.
"""
