"""The practice service: everything a practice room does, with no user interface.

Session runs (:mod:`.session`), the attempt lifecycle (:mod:`.lifecycle`), the speech model and
the answer analysis (:mod:`.analysis`), crash recovery (:mod:`.recovery`), review queries
(:mod:`.review`), export to a file (:mod:`.exports`), history import (:mod:`.importer`) and
playing a sound to its end (:mod:`.playback`). The TUI and the CLI call these; the seams they
need from the outside world are the small protocols in :mod:`.ports`.

Nothing here imports Textual or click, and every function may be called from a worker thread.
"""
