"""mockmic: a local-first practice room for spoken interview answers.

Importing the package is cheap: Whisper, Textual and sounddevice load only where used.
"""

__version__ = "0.1.0"
