"""The output folder as a store that is incremental, resumable and never loses a story.

Layout of `DIR/`:
- `events/event_date=YYYY-MM-DD/part-<run>-<seq>.parquet`: story-level events, one file per
  committed batch and day;
- `events_by_day/event_date=YYYY-MM-DD/events.parquet`: with `--dedup day`, the day's events
  merged across stories;
- `ledger.sqlite`: the state (see `ledger`); `rejects.jsonl`, `manifest.json`, `runs.jsonl`;
  `.lock` (see `lock`).

Stories are committed in batches. A batch writes its files under temporary names (flushed to
disk), then commits one ledger transaction that lists the renames still to do, then renames.
A kill before the commit leaves only temporary files: the next run deletes them, and the batch's
stories, unknown to the ledger, are coded again. A kill after it leaves renames to do: the next
run does them first. Either way no event exists without its ledger line or the reverse, and a
file is only ever seen under its final name complete. A story that comes back changed (same id,
new content digest) has its old events removed from their files in the batch that adds the new;
the old version is remembered as superseded, so meeting it again (a rerun of an input that holds
both versions) changes nothing. A story that goes back to an earlier version's exact content is
therefore skipped: give the revision a new id or content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Dedup
from .errors import StateError
from .ledger import LEDGER_NAME, BatchRecord, Ledger, StoryEntry
from .model import CodedStory, Event, Reject, Story
from .write import (
    NULL_PARTITION,
    fsync_folder,
    merge_day,
    partition_name,
    read_partition,
    temp_path,
    without_stories,
    write_events_file,
    write_json,
    write_json_lines,
    write_table_file,
)

logger = logging.getLogger(__name__)
EVENTS = "events"
EVENTS_BY_DAY = "events_by_day"
REJECTS = "rejects.jsonl"
MANIFEST = "manifest.json"
RUN_LOG = "runs.jsonl"
OUTCOMES = ("stories_coded", "stories_no_event", "stories_rejected", "stories_skipped")
COUNTS = ("stories_read", *OUTCOMES, "stories_replaced", "sentences", "events_written", "events_removed")


def story_digest(story: Story) -> str:
    """The content digest of a story: a change to any field makes it a changed story."""
    date = story.date.isoformat() if story.date else None
    fields = [story.story_id, story.text, date, story.url, story.publisher]
    return hashlib.blake2b(json.dumps(fields).encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Recovery:
    """What opening the folder repaired after a killed run."""

    batches_completed: int = 0
    temp_files_removed: int = 0
    interrupted_runs: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """As JSON-ready values, for the manifest."""
        return {
            "batches_completed": self.batches_completed,
            "temp_files_removed": self.temp_files_removed,
            "interrupted_runs": list(self.interrupted_runs),
        }


@dataclass(slots=True)
class _Pending:
    """The batch being assembled: nothing of it is in the ledger yet."""

    stories: dict[str, StoryEntry] = field(default_factory=dict)
    superseded: list[tuple[str, str]] = field(default_factory=list)
    events: dict[str, list[Event]] = field(default_factory=lambda: defaultdict(list))
    removals: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    rejects: list[tuple[str, str, str | None, str, str]] = field(default_factory=list)
    days: set[str] = field(default_factory=set)
    counts: Counter[str] = field(default_factory=Counter)
    records: int = 0


class Store:
    """One run's view of the output folder. Open it only while holding the folder's lock.

    Args:
        folder: The output folder.
        metadata: Versions and codebook hash, for the Parquet files and the manifest.
        details: What the run log records of the run (inputs, settings).
        dedup: `story` or `day` (see `Config.dedup`).
        commit_every: Records per committed batch.

    Raises:
        StateError: The ledger is of another format; the folder holds events but no ledger; or
            it keeps day merges and this run would not (`--dedup day` stays on once given).
    """

    def __init__(
        self,
        folder: Path,
        metadata: dict[str, str],
        details: dict[str, Any],
        *,
        dedup: Dedup,
        commit_every: int,
    ) -> None:
        self.folder = folder
        self.metadata = metadata
        self.dedup = dedup
        self._every = max(1, commit_every)
        if not (folder / LEDGER_NAME).exists() and any((folder / EVENTS).rglob("*.parquet")):
            raise StateError(
                f"{folder / EVENTS} holds events that no ledger accounts for (an output of an older "
                "eventcode, or files put there by hand); write to a new --out"
            )
        (folder / EVENTS).mkdir(parents=True, exist_ok=True)
        self._ledger = Ledger(folder)
        try:
            self._check_settings()
            self.recovery = self._recover()
            self.started = _now()
            self.run = self._ledger.begin_run(self.started, details)
        except BaseException:
            self._ledger.close()
            raise
        self.counts: Counter[str] = Counter(dict.fromkeys(COUNTS, 0))
        self.events_by_root: Counter[str] = Counter()
        self.first_reject: str | None = None
        self._pending = _Pending()
        self._seq = 0
        self._unapplied: str | None = None
        self._new_rejects = 0

    def _check_settings(self) -> None:
        kept = self._ledger.meta("dedup")
        if kept == "day" and self.dedup == "story":
            raise StateError(
                f"{self.folder} keeps events merged by day (--dedup day); run with --dedup day, "
                "or write to another --out"
            )
        if kept != self.dedup:
            self._ledger.set_meta("dedup", self.dedup)
        digest = self.metadata.get("codebooks_sha256", "")
        before = self._ledger.meta("codebooks_sha256")
        if before is not None and before != digest:
            logger.warning(
                "the codebooks changed since the last run into %s: stories coded before keep their "
                "events; code into a new folder to recode them all",
                self.folder,
            )
        self._ledger.set_meta("codebooks_sha256", digest)

    def _recover(self) -> Recovery:
        """Finish the file operations of committed batches, then delete every uncommitted file."""
        pending = self._ledger.pending_batches()
        for batch, ops in pending:
            self._apply(ops)
            self._ledger.mark_applied(batch)
        removed = 0
        for temp in sorted(self.folder.rglob(".*.tmp")):
            temp.unlink()
            removed += 1
        interrupted = tuple(self._ledger.mark_interrupted())
        recovery = Recovery(len(pending), removed, interrupted)
        if pending or removed or interrupted:
            logger.warning(
                "recovered %s after an interrupted run: %d committed batch(es) completed, "
                "%d uncommitted file(s) removed; their stories are coded again",
                self.folder,
                len(pending),
                removed,
                extra={"recovery": recovery.as_dict()},
            )
        return recovery

    def is_known(self, story: Story) -> bool:
        """Whether this version of the story is committed, or was replaced by a later one: either
        way it needs no coding (a rerun over an input with two versions of a story changes nothing).
        """
        return self._known(story.story_id, story_digest(story), self._ledger.lookup(story.story_id))

    def _known(self, story_id: str, digest: str, entry: StoryEntry | None) -> bool:
        return entry is not None and (entry.digest == digest or self._ledger.is_superseded(story_id, digest))

    def skip(self) -> None:
        """Account for a story skipped as already coded."""
        self._account("stories_skipped")

    def reject(self, reject: Reject) -> None:
        """Account for a rejected record; it reaches `rejects.jsonl` once, however often it is read."""
        key = hashlib.blake2b(
            "\x1f".join([reject.source, reject.reason, reject.record]).encode(), digest_size=16
        ).hexdigest()
        self._pending.rejects.append((key, reject.source, reject.story_id, reject.reason, reject.record))
        if self.first_reject is None:
            self.first_reject = f"{reject.source}: {reject.reason}"
        self._account("stories_rejected")

    def add(self, coded: CodedStory) -> None:
        """Add a coded story to the batch: new, changed (its old events go), or a duplicate (skipped)."""
        story = coded.story
        if coded.error is not None:
            reason = f"story {story.story_id}: coding failed ({coded.error}); a bug to report"
            self.reject(Reject(f"story {story.story_id}", reason, story.text[:2000], story.story_id))
            return
        digest = story_digest(story)
        waiting = self._pending.stories.get(story.story_id)
        if waiting is not None:
            if waiting.digest == digest:
                self._account("stories_skipped")
                return
            self.flush()  # the earlier version must be committed before it can be replaced
        entry = self._ledger.lookup(story.story_id)
        if self._known(story.story_id, digest, entry):
            self._account("stories_skipped")
            return
        pending = self._pending
        if entry is not None:
            pending.superseded.append((entry.story_id, entry.digest))
            for file in entry.files:
                pending.removals[file].add(story.story_id)
                pending.days.add(Path(file).parent.name)
            pending.counts["stories_replaced"] += 1
            pending.counts["events_removed"] += entry.events
        files = []
        for event in coded.events:
            pending.events[partition_name(event.event_date)].append(event)
        for partition in sorted({partition_name(e.event_date) for e in coded.events}):
            files.append(f"{EVENTS}/{partition}/{self._part_name()}")
            pending.days.add(partition)
        outcome = "coded" if coded.events else "no_event"
        pending.stories[story.story_id] = StoryEntry(
            story.story_id, digest, outcome, len(coded.events), tuple(files)
        )
        pending.counts["sentences"] += coded.sentences
        pending.counts["events_written"] += len(coded.events)
        self.events_by_root.update(e.root_code for e in coded.events)
        self._account(f"stories_{outcome}")

    def _account(self, outcome: str) -> None:
        self._pending.counts["stories_read"] += 1
        self._pending.counts[outcome] += 1
        self._pending.records += 1
        if self._pending.records >= self._every:
            self.flush()

    def _part_name(self) -> str:
        return f"part-{self._batch_id()}.parquet"

    def _batch_id(self) -> str:
        return f"{self.run:05d}-{self._seq:06d}"

    def flush(self) -> None:
        """Commit the batch: write its files, commit the ledger, rename the files into place."""
        pending = self._pending
        if not pending.records:
            return
        batch = self._batch_id()
        ops = self._write_removals(pending.removals, batch) + self._write_events(pending.events)
        counts = self.counts + pending.counts
        record = BatchRecord(
            batch=batch,
            run=self.run,
            ops=ops,
            stories=list(pending.stories.values()),
            superseded=pending.superseded,
            rejects=pending.rejects,
            days=sorted(pending.days),
            counts={k: counts[k] for k in COUNTS},
            applied=self._unapplied,
        )
        self._new_rejects += self._ledger.commit(record)
        self._apply(ops)
        self.counts = Counter({k: counts[k] for k in COUNTS})
        self._unapplied = batch
        self._pending = _Pending()
        self._seq += 1
        logger.info(
            "committed batch %s: %d stories, %d events",
            batch,
            len(record.stories),
            pending.counts["events_written"],
            extra={"batch": batch, "records": pending.records},
        )

    def _write_removals(self, removals: dict[str, set[str]], batch: str) -> list[list[str]]:
        ops: list[list[str]] = []
        for file, story_ids in sorted(removals.items()):
            final = self.folder / file
            if not final.exists():
                continue
            table = without_stories(final, story_ids)
            if table.num_rows:
                temp = temp_path(final, batch)
                write_table_file(temp, table)
                ops.append(["replace", self._relative(temp), file])
            else:
                ops.append(["delete", file])
        return ops

    def _write_events(self, events: dict[str, list[Event]]) -> list[list[str]]:
        ops: list[list[str]] = []
        for partition, rows in sorted(events.items()):
            final = self.folder / EVENTS / partition / self._part_name()
            temp = temp_path(final)
            write_events_file(temp, rows, self.metadata)
            ops.append(["replace", self._relative(temp), self._relative(final)])
        return ops

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def _apply(self, ops: list[list[str]]) -> None:
        """Do a committed batch's file operations; each is harmless to repeat."""
        folders = set()
        for op in ops:
            final = self.folder / op[-1]
            if op[0] == "replace":
                temp = self.folder / op[1]
                if temp.exists():
                    os.replace(temp, final)
            else:
                final.unlink(missing_ok=True)
            folders.add(final.parent)
        for folder in sorted(folders):
            fsync_folder(folder)

    def finish(self) -> dict[str, int]:
        """Commit what is left, rebuild stale day merges and write `rejects.jsonl`.

        Returns:
            The run's counts.
        """
        self.flush()
        if self._unapplied is not None:
            self._ledger.mark_applied(self._unapplied)
            self._unapplied = None
        if self.dedup == "day":
            self._merge_days()
        if self._new_rejects or not (self.folder / REJECTS).exists():
            write_json_lines(self.folder / REJECTS, self._ledger.rejects())
        return {k: self.counts[k] for k in COUNTS}

    def record_run(self, status: str, extra: dict[str, Any]) -> dict[str, Any]:
        """Record the run's end in the ledger and the run log, and write `manifest.json`.

        Args:
            status: How the run ended (`ok`, `rejects_exceeded`).
            extra: More for the manifest (inputs, settings).

        Returns:
            The manifest.
        """
        finished = _now()
        counts = {k: self.counts[k] for k in COUNTS}
        self._ledger.finish_run(self.run, finished, status, counts)
        write_json_lines(self.folder / RUN_LOG, self._ledger.runs())
        manifest = {
            "run": self.run,
            "status": status,
            **counts,
            **extra,
            "totals": self._ledger.totals(),
            "versions": self.metadata,
            "started": self.started,
            "finished": finished,
            "recovered": self.recovery.as_dict(),
        }
        write_json(self.folder / MANIFEST, manifest)
        return manifest

    def _merge_days(self) -> None:
        for partition in self._ledger.dirty_days():
            source = self.folder / EVENTS / partition
            final = self.folder / EVENTS_BY_DAY / partition / "events.parquet"
            table = read_partition(source)
            if table.num_rows:
                value = partition.split("=", 1)[1]
                day = None if value == NULL_PARTITION else dt.date.fromisoformat(value)
                temp = temp_path(final)
                write_table_file(temp, merge_day(table, day).replace_schema_metadata(self.metadata))
                os.replace(temp, final)
            else:
                final.unlink(missing_ok=True)
            if final.parent.exists():
                fsync_folder(final.parent)
            self._ledger.clean_day(partition)

    def close(self) -> None:
        """Close the ledger (a run that ends early leaves its batch uncommitted, as a kill would)."""
        self._ledger.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
