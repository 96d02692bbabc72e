"""The attempt database's schema: one migration per version (``PRAGMA user_version``)."""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # v1: attempts only
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        question_id TEXT,
        question_text TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL,
        ended_at TEXT,
        audio_path TEXT,
        duration_s REAL,
        model TEXT,
        status TEXT NOT NULL CHECK (status IN
            ('recording', 'analyzing', 'done', 'recovered', 'failed', 'imported')),
        transcript TEXT,
        words_json TEXT,
        report_json TEXT,
        flags TEXT,
        word_count INTEGER,
        wpm REAL,
        fillers_per_min REAL,
        longest_pause_s REAL,
        overflows INTEGER NOT NULL DEFAULT 0,
        error TEXT
    );
    CREATE INDEX attempts_by_question ON attempts (question_id, started_at);
    CREATE INDEX attempts_by_status ON attempts (status);
    """,
    # v2: mock-interview sessions, self-review on the four lenses, a note, the recording process
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT 'mock',
        title TEXT,
        planned INTEGER,
        started_at TEXT NOT NULL,
        ended_at TEXT
    );
    ALTER TABLE attempts ADD COLUMN session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL;
    ALTER TABLE attempts ADD COLUMN review_safe INTEGER CHECK (review_safe BETWEEN 1 AND 5);
    ALTER TABLE attempts ADD COLUMN review_honest INTEGER CHECK (review_honest BETWEEN 1 AND 5);
    ALTER TABLE attempts ADD COLUMN review_reflective INTEGER
        CHECK (review_reflective BETWEEN 1 AND 5);
    ALTER TABLE attempts ADD COLUMN review_adaptable INTEGER
        CHECK (review_adaptable BETWEEN 1 AND 5);
    ALTER TABLE attempts ADD COLUMN note TEXT;
    ALTER TABLE attempts ADD COLUMN pid INTEGER;
    ALTER TABLE attempts ADD COLUMN pid_start TEXT;
    CREATE INDEX attempts_by_session ON attempts (session_id);
    """,
    # v3: the SHA-256 of an imported file's bytes, so re-running an import skips what is in
    """
    ALTER TABLE attempts ADD COLUMN source_sha256 TEXT;
    CREATE INDEX attempts_by_source ON attempts (source_sha256);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
