"""The output folder's ledger: what every story became, which batches are committed, each run.

An SQLite file (`DIR/ledger.sqlite`): a file in the output folder, not a server, with atomic
and durable transactions, indexed look-ups that keep memory flat however many stories it
knows, and a format any SQL tool reads. A batch is committed by one transaction; until then
nothing of it counts (see `store` for how files follow the ledger).

Tables: `stories` (story id -> content digest, outcome, event count, events files), `superseded`
(earlier versions of stories, replaced by a later one), `batches`
(committed batches and the file operations not yet applied), `rejects` (every rejected record,
once), `runs` (each run: times, status, counts), `days` (days whose merged events are stale),
`meta` (format version, settings).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import StateError

LEDGER_NAME = "ledger.sqlite"
FORMAT = "1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, status TEXT NOT NULL,
    counts TEXT NOT NULL, details TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (batch TEXT PRIMARY KEY, run INTEGER NOT NULL, ops TEXT);
CREATE TABLE IF NOT EXISTS stories (
    story_id TEXT PRIMARY KEY, digest TEXT NOT NULL, outcome TEXT NOT NULL, events INTEGER NOT NULL,
    files TEXT NOT NULL, run INTEGER NOT NULL, batch TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rejects (
    key TEXT NOT NULL UNIQUE, run INTEGER NOT NULL, source TEXT NOT NULL, story_id TEXT,
    reason TEXT NOT NULL, record TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS superseded (
    story_id TEXT NOT NULL, digest TEXT NOT NULL, PRIMARY KEY (story_id, digest)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS days (day TEXT PRIMARY KEY, dirty INTEGER NOT NULL) WITHOUT ROWID;
"""


@dataclass(frozen=True, slots=True)
class StoryEntry:
    """What the ledger knows of one story: its digest, outcome and the files with its events."""

    story_id: str
    digest: str
    outcome: str
    events: int
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BatchRecord:
    """Everything one batch commits, in one transaction.

    Attributes:
        batch: The batch id (`00003-000012`: run, then sequence).
        run: The run it belongs to.
        ops: File operations to apply once committed: `["replace", temp, final]` or
            `["delete", final]`, paths relative to the output folder.
        stories: The stories it coded, as ledger entries.
        superseded: (story id, digest) of the versions its stories replaced.
        rejects: Rejected records: (key, source, story id, reason, record).
        days: Partition folders whose events changed.
        counts: The run's counts so far, this batch included.
        applied: An earlier batch whose file operations are now done.
    """

    batch: str
    run: int
    ops: Sequence[Sequence[str]]
    stories: Sequence[StoryEntry]
    superseded: Sequence[tuple[str, str]]
    rejects: Sequence[tuple[str, str, str | None, str, str]]
    days: Iterable[str]
    counts: Mapping[str, int]
    applied: str | None = None


class Ledger:
    """The ledger of one output folder. Open it only while holding the folder's lock."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_NAME
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a commit is on disk before the files it names are renamed into place
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        found = self.meta("format")
        if found is None:
            self.set_meta("format", FORMAT)
        elif found != FORMAT:
            self._db.close()
            raise StateError(f"{self.path}: ledger format {found}, but this eventcode reads format {FORMAT}")

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    def meta(self, key: str) -> str | None:
        """A setting of the folder, or None."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Record a setting of the folder."""
        with self._transaction():
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def begin_run(self, started: str, details: Mapping[str, Any]) -> int:
        """Record a new run as running; return its number."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (started, status, counts, details) VALUES (?, 'running', '{}', ?)",
                (started, json.dumps(details, default=str)),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def mark_interrupted(self) -> list[int]:
        """Mark runs still recorded as running (killed ones) as interrupted; return their numbers."""
        with self._transaction():
            runs = [r for (r,) in self._db.execute("SELECT run FROM runs WHERE status = 'running'")]
            self._db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        return runs

    def finish_run(self, run: int, finished: str, status: str, counts: Mapping[str, Any]) -> None:
        """Record a run's end, its status and its final counts."""
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET finished = ?, status = ?, counts = ? WHERE run = ?",
                (finished, status, json.dumps(counts), run),
            )

    def runs(self) -> Iterator[dict[str, Any]]:
        """Every run, oldest first, as the run log shows it."""
        query = "SELECT run, started, finished, status, counts, details FROM runs ORDER BY run"
        for run, started, finished, status, counts, details in self._db.execute(query).fetchall():
            yield {
                "run": run,
                "started": started,
                "finished": finished,
                "status": status,
                **json.loads(counts),
                **json.loads(details),
            }

    def lookup(self, story_id: str) -> StoryEntry | None:
        """What the ledger knows of a story, or None if it was never committed."""
        row = self._db.execute(
            "SELECT digest, outcome, events, files FROM stories WHERE story_id = ?", (story_id,)
        ).fetchone()
        if row is None:
            return None
        digest, outcome, events, files = row
        return StoryEntry(story_id, digest, outcome, events, tuple(json.loads(files)))

    def is_superseded(self, story_id: str, digest: str) -> bool:
        """Whether this version of a story was replaced by a later one."""
        query = "SELECT 1 FROM superseded WHERE story_id = ? AND digest = ?"
        return self._db.execute(query, (story_id, digest)).fetchone() is not None

    def commit(self, record: BatchRecord) -> int:
        """Commit one batch in one transaction; return how many of its rejects were new."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO batches VALUES (?, ?, ?)", (record.batch, record.run, json.dumps(record.ops))
            )
            if record.applied is not None:
                self._db.execute("UPDATE batches SET ops = NULL WHERE batch = ?", (record.applied,))
            self._db.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (s.story_id, s.digest, s.outcome, s.events, json.dumps(s.files), record.run, record.batch)
                    for s in record.stories
                ],
            )
            self._db.executemany("INSERT OR IGNORE INTO superseded VALUES (?, ?)", record.superseded)
            before = self._db.total_changes
            self._db.executemany(
                "INSERT OR IGNORE INTO rejects (key, run, source, story_id, reason, record) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(key, record.run, *rest) for key, *rest in record.rejects],
            )
            new_rejects = self._db.total_changes - before
            self._db.executemany("INSERT OR REPLACE INTO days VALUES (?, 1)", [(d,) for d in record.days])
            self._db.execute(
                "UPDATE runs SET counts = ? WHERE run = ?", (json.dumps(record.counts), record.run)
            )
        return new_rejects

    def pending_batches(self) -> list[tuple[str, list[list[str]]]]:
        """Committed batches whose file operations may not all be applied yet, oldest first."""
        rows = self._db.execute("SELECT batch, ops FROM batches WHERE ops IS NOT NULL ORDER BY batch")
        return [(batch, json.loads(ops)) for batch, ops in rows.fetchall()]

    def mark_applied(self, batch: str) -> None:
        """Record that a batch's file operations are all done."""
        with self._transaction():
            self._db.execute("UPDATE batches SET ops = NULL WHERE batch = ?", (batch,))

    def batches(self) -> set[str]:
        """The ids of every committed batch."""
        return {b for (b,) in self._db.execute("SELECT batch FROM batches")}

    def dirty_days(self) -> list[str]:
        """Partition folders whose merged events are stale."""
        return [d for (d,) in self._db.execute("SELECT day FROM days WHERE dirty = 1 ORDER BY day")]

    def clean_day(self, day: str) -> None:
        """Record that a day's merged events are rebuilt."""
        with self._transaction():
            self._db.execute("UPDATE days SET dirty = 0 WHERE day = ?", (day,))

    def rejects(self) -> Iterator[dict[str, Any]]:
        """Every rejected record, in the order first seen."""
        query = "SELECT run, source, story_id, reason, record FROM rejects ORDER BY rowid"
        for run, source, story_id, reason, record in self._db.execute(query):
            yield {"run": run, "source": source, "story_id": story_id, "reason": reason, "record": record}

    def totals(self) -> dict[str, int]:
        """What the folder holds: stories by outcome, events, rejected records."""
        totals = {"stories_coded": 0, "stories_no_event": 0}
        query = "SELECT outcome, COUNT(*), SUM(events) FROM stories GROUP BY outcome"
        events = 0
        for outcome, count, total in self._db.execute(query):
            totals[f"stories_{outcome}"] = count
            events += total or 0
        (rejects,) = self._db.execute("SELECT COUNT(*) FROM rejects").fetchone()
        return {**totals, "events": events, "rejects": rejects}


class _Transaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` on an error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self._db.execute("COMMIT" if kind is None else "ROLLBACK")
