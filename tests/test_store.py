"""The output folder as a store, without a model: batches, reruns, changed stories, kills."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

import eventcode.store
from eventcode.dataset import read_events_table as read_events
from eventcode.errors import StateError
from eventcode.ledger import LEDGER_NAME, Ledger
from eventcode.model import CodedStory, Reject, Story
from eventcode.store import EVENTS, EVENTS_BY_DAY, MANIFEST, REJECTS, RUN_LOG, Store

from .test_write import _event

Item = CodedStory | Reject
CODES = ("0211", "190", "042")


def _coded(story_id: str, version: int = 1, *, day: str | None = "2023-05-24", events: int = 2) -> CodedStory:
    date = dt.date.fromisoformat(day) if day else None
    story = Story(story_id, f"{story_id} text, version {version}", date, publisher=f"P{len(story_id) % 2}")
    found = tuple(
        _event(
            CODES[n],
            story_id=story_id,
            event_id=f"{story_id}-v{version}-{n}",
            event_date=date,
            sentence_index=n,
            publisher=story.publisher,
        )
        for n in range(events)
    )
    return CodedStory(story, found, sentences=max(1, events), discarded=False)


def _first_input() -> list[Item]:
    return [
        _coded("s0"),
        _coded("s1", events=0),
        Reject("in.jsonl:3", "not valid JSON (Expecting value at column 1)", '{"id": '),
        _coded("s2", day="2023-05-25", events=3),
        _coded("s3"),
        _coded("s4", day=None),
        _coded("s0"),  # the same story twice in one input
        _coded("s5", events=1),
        _coded("s3", version=2, events=1),  # changed later in the same input: the later one wins
        _coded("s6"),
        _coded("s7", day="2023-05-25"),
        Reject("in.jsonl:12", "story s8: the text is missing or empty", '{"id": "s8"}', "s8"),
        _coded("s9", events=3),
    ]


def _second_input() -> list[Item]:
    changed = {"s5": _coded("s5", version=2, events=3), "s7": _coded("s7", version=2, day="2023-05-26")}
    kept = [changed.get(i.story.story_id, i) if isinstance(i, CodedStory) else i for i in _first_input()]
    return [*kept, _coded("s10"), _coded("s11", day="2023-05-26", events=0)]


def _drive(
    folder: Path, items: Iterable[Item], *, commit_every: int = 3, dedup: str = "story"
) -> dict[str, Any]:
    """Feed a store as the pipeline does: rejects, then skip what is current, then add."""
    store = Store(folder, {"model": "test"}, {"inputs": ["in.jsonl"]}, dedup=dedup, commit_every=commit_every)  # type: ignore[arg-type]
    try:
        for item in items:
            if isinstance(item, Reject):
                store.reject(item)
            elif store.is_known(item.story):
                store.skip()
            else:
                store.add(item)
        store.finish()
        return store.record_run("ok", {})
    finally:
        store.close()


def _read(folder: Path) -> list[dict[str, Any]]:
    return read_events(folder).to_pylist() if folder.is_dir() else []


def _state(folder: Path) -> dict[str, Any]:
    """Everything a reader sees, less what differs by run number alone (file names, run ids)."""
    rows = sorted(_read(folder / EVENTS), key=lambda r: r["event_id"])
    daily = sorted(_read(folder / EVENTS_BY_DAY), key=lambda r: r["event_id"])
    db = sqlite3.connect(folder / LEDGER_NAME)
    stories = db.execute("SELECT story_id, digest, outcome, events FROM stories ORDER BY story_id").fetchall()
    db.close()
    rejects = [
        {k: v for k, v in json.loads(line).items() if k != "run"}
        for line in (folder / REJECTS).read_text().splitlines()
    ]
    return {"events": rows, "daily": daily, "stories": stories, "rejects": rejects}


def _temp_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.tmp"))


def _check_accounting(manifest: dict[str, Any]) -> None:
    outcomes = ("stories_coded", "stories_no_event", "stories_rejected", "stories_skipped")
    assert manifest["stories_read"] == sum(manifest[k] for k in outcomes)


def test_store_first_run_commits_every_story_once(tmp_path: Path) -> None:
    manifest = _drive(tmp_path, _first_input())
    _check_accounting(manifest)
    assert manifest["stories_read"] == 13
    assert (manifest["stories_coded"], manifest["stories_no_event"]) == (9, 1)  # s3 twice: two versions
    assert (manifest["stories_rejected"], manifest["stories_skipped"]) == (2, 1)
    assert manifest["stories_replaced"] == 1 and manifest["events_removed"] == 2
    state = _state(tmp_path)
    by_story: dict[str, list[str]] = {}
    for row in state["events"]:
        by_story.setdefault(row["story_id"], []).append(row["event_id"])
    assert by_story["s3"] == ["s3-v2-0"]  # the first version's events are gone
    assert len(by_story["s0"]) == 2  # not doubled by the repeat
    assert manifest["events_written"] - manifest["events_removed"] == len(state["events"]) == 16
    assert [r["reason"][:11] for r in state["rejects"]] == ["not valid J", "story s8: t"]
    assert _temp_files(tmp_path) == []
    days = sorted(p.name for p in (tmp_path / EVENTS).iterdir())
    assert days == ["event_date=2023-05-24", "event_date=2023-05-25", "event_date=__HIVE_DEFAULT_PARTITION__"]


def test_store_rerun_adds_nothing_and_changes_nothing(tmp_path: Path) -> None:
    _drive(tmp_path, _first_input())
    files = {p: p.read_bytes() for p in sorted((tmp_path / EVENTS).rglob("*")) if p.is_file()}
    rejects = (tmp_path / REJECTS).read_bytes()
    manifest = _drive(tmp_path, _first_input())
    _check_accounting(manifest)
    assert manifest["stories_skipped"] == 11 and manifest["stories_rejected"] == 2  # s3's v1 too
    assert manifest["stories_coded"] == manifest["stories_no_event"] == manifest["events_written"] == 0
    assert {p: p.read_bytes() for p in sorted((tmp_path / EVENTS).rglob("*")) if p.is_file()} == files
    assert (tmp_path / REJECTS).read_bytes() == rejects
    assert [r["run"] for r in map(json.loads, (tmp_path / RUN_LOG).read_text().splitlines())] == [1, 2]


def test_store_incremental_run_codes_only_new_and_changed_stories(tmp_path: Path) -> None:
    _drive(tmp_path, _first_input())
    manifest = _drive(tmp_path, _second_input())
    _check_accounting(manifest)
    assert (manifest["stories_coded"], manifest["stories_no_event"]) == (3, 1)  # s5, s7, s10; s11
    assert manifest["stories_replaced"] == 2
    fresh = tmp_path / "fresh"
    _drive(
        fresh, [i for i in _second_input() if not (isinstance(i, CodedStory) and i.story.story_id == "s3")]
    )
    _drive(fresh, [_coded("s3", version=2, events=1)])
    assert _state(tmp_path) == _state(fresh)  # as if the second input had been coded from scratch
    s7 = [r for r in _state(tmp_path)["events"] if r["story_id"] == "s7"]
    assert {r["event_date"] for r in s7} == {dt.date(2023, 5, 26)}  # moved to its new day


def test_store_changed_story_that_was_alone_in_its_file_deletes_the_file(tmp_path: Path) -> None:
    _drive(tmp_path, [_coded("a", day="2020-01-01")])
    [old] = (tmp_path / EVENTS).rglob("*.parquet")
    _drive(tmp_path, [_coded("a", version=2, day="2020-01-02")])
    assert not old.exists()
    assert [r["event_id"] for r in _state(tmp_path)["events"]] == ["a-v2-0", "a-v2-1"]


def test_store_dedup_day_merges_across_stories_and_follows_changes(tmp_path: Path) -> None:
    _drive(tmp_path, _first_input(), dedup="day")
    daily = _state(tmp_path)["daily"]
    day = [r for r in daily if r["event_date"] == dt.date(2023, 5, 24) and r["event_code"] == "0211"]
    [merged] = day  # s0, s3, s5, s6, s9 all report 0211 by the same dyad that day
    assert (merged["num_articles"], merged["num_mentions"], merged["num_sources"]) == (5, 5, 1)
    _drive(tmp_path, _second_input(), dedup="day")
    daily = _state(tmp_path)["daily"]
    assert {r["event_date"] for r in daily} == {dt.date(2023, 5, d) for d in (24, 25, 26)} | {None}
    fresh = tmp_path / "fresh"
    _drive(fresh, _second_input(), dedup="day")
    assert _state(fresh)["daily"] == daily


def test_store_events_without_a_ledger_are_not_mixed_with(tmp_path: Path) -> None:
    (tmp_path / EVENTS).mkdir()
    (tmp_path / EVENTS / "part-00000.parquet").write_bytes(b"from an older eventcode")
    with pytest.raises(StateError, match="no ledger accounts for"):
        _drive(tmp_path, [_coded("a")])


def test_store_dedup_day_once_given_stays_on(tmp_path: Path) -> None:
    _drive(tmp_path, [_coded("a")], dedup="day")
    with pytest.raises(StateError, match="--dedup day"):
        _drive(tmp_path, [_coded("b")])


# Kill points: the k-th temporary file written (before the ledger commit), the k-th ledger commit
# returned (before any rename), and the k-th rename of the run (between renames, after the last
# batch, while writing rejects, run log and manifest).
# a run of `_second_input` over `_first_input`'s folder writes 7 files, commits 5 times and renames 9
KILL_POINTS = (
    [("write", k) for k in range(1, 8)]
    + [("commit", k) for k in range(1, 6)]
    + [("replace", k) for k in range(1, 10)]
)


def _kill_at(point: str, k: int) -> None:
    calls = {"n": 0}

    def wrap(function: Callable[..., Any], before: bool) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if before and calls["n"] == k:
                os.kill(os.getpid(), signal.SIGKILL)
            result = function(*args, **kwargs)
            if not before and calls["n"] == k:
                os.kill(os.getpid(), signal.SIGKILL)
            return result

        return wrapped

    if point == "write":
        eventcode.store.write_events_file = wrap(eventcode.store.write_events_file, before=False)  # type: ignore[assignment]
        eventcode.store.write_table_file = wrap(eventcode.store.write_table_file, before=False)  # type: ignore[assignment]
    elif point == "commit":
        Ledger.commit = wrap(Ledger.commit, before=False)  # type: ignore[method-assign]
    else:
        os.replace = wrap(os.replace, before=True)  # type: ignore[assignment]


def _killed_run(folder: Path, items: list[Item], point: str, k: int, dedup: str) -> None:
    _kill_at(point, k)
    _drive(folder, items, dedup=dedup)
    os._exit(0)  # the kill point was past the end of the run: the test fails


@pytest.mark.parametrize(("point", "k"), KILL_POINTS, ids=[f"{p}-{k}" for p, k in KILL_POINTS])
def test_store_killed_at_any_step_next_run_finishes_with_nothing_lost_or_doubled(
    tmp_path: Path, point: str, k: int
) -> None:
    expected = tmp_path / "uninterrupted"
    _drive(expected, _second_input(), dedup="day")
    folder = tmp_path / "killed"
    _drive(folder, _first_input(), dedup="day")  # a first night, complete
    child = multiprocessing.get_context("fork").Process(
        target=_killed_run, args=(folder, _second_input(), point, k, "day")
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    manifest = _drive(folder, _second_input(), dedup="day")
    _check_accounting(manifest)
    assert manifest["stories_read"] == len(_second_input())
    assert _state(folder) == _state(expected)  # row by row
    assert _temp_files(folder) == []
    runs = [json.loads(line) for line in (folder / RUN_LOG).read_text().splitlines()]
    assert [r["run"] for r in runs] == [1, 2, 3]
    if runs[1]["status"] == "interrupted":  # else the kill came after run 2 was recorded as done
        assert json.loads((folder / MANIFEST).read_text())["recovered"]["interrupted_runs"] == [2]
    for run in runs:
        assert run["stories_read"] == sum(
            run[k] for k in ("stories_coded", "stories_no_event", "stories_rejected", "stories_skipped")
        )


def test_store_events_and_ledger_agree_after_every_batch(tmp_path: Path) -> None:
    items = _second_input()
    _drive(tmp_path, items[:5], commit_every=1)
    db = sqlite3.connect(tmp_path / LEDGER_NAME)
    ledger_files = {f for (files,) in db.execute("SELECT files FROM stories") for f in json.loads(files)}
    on_disk = {p.relative_to(tmp_path).as_posix() for p in (tmp_path / EVENTS).rglob("*.parquet")}
    assert ledger_files == on_disk
    (events,) = db.execute("SELECT SUM(events) FROM stories").fetchone()
    assert events == read_events(tmp_path / EVENTS).num_rows


def test_store_replaced_row_ids_are_unique(tmp_path: Path) -> None:
    _drive(tmp_path, _first_input())
    _drive(tmp_path, _second_input())
    ids = [r["event_id"] for r in _state(tmp_path)["events"]]
    assert len(ids) == len(set(ids))


def test_store_coded_story_dataclass_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _coded("a").sentences = 3  # type: ignore[misc]
