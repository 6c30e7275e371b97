"""Whole runs with the trained model: reruns, changes, bad input, formats, workers, kill -9."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventcode import Config, run
from eventcode.dataset import read_events_table as read_events
from eventcode.ledger import LEDGER_NAME
from eventcode.pipeline import Resources, load_resources

from .conftest import FIXTURES, REPO

pytestmark = pytest.mark.model
BOOKS = FIXTURES / "codebooks"
ACTORS = ["Arnor", "Gondor", "Rohan", "The White Council", "The Gondorian army", "Lord Faramir"]
VERBS = [
    "attacked {}",
    "met with {} on Monday",
    "visited {}",
    "accused {} of cheating",
    "agreed to meet with {}",
]
FILLER = ["The weather was fine.", "Markets were calm on the day.", "Nothing else was reported."]


def make_stories(
    count: int, *, seed: int = 5, first_day: dt.date = dt.date(2023, 5, 1)
) -> list[dict[str, Any]]:
    """Fictional stories that the test codebooks code: a few event sentences and some filler."""
    rng = random.Random(seed)
    stories = []
    for n in range(count):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            source, target = rng.sample(ACTORS, 2)
            sentences.append(f"{source} {rng.choice(VERBS).format(target.replace('The ', 'the '))}.")
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(FILLER))
        day = first_day + dt.timedelta(days=n % 4)
        stories.append(
            {"id": f"s{n:04d}", "text": " ".join(sentences), "date": day.isoformat(), "publisher": "P"}
        )
    return stories


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def resources() -> Resources:
    return load_resources(Config(codebooks=BOOKS))


def _rows(out: Path) -> list[dict[str, Any]]:
    return sorted(read_events(out / "events").to_pylist(), key=lambda r: r["event_id"])


def _ledger(out: Path) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(out / LEDGER_NAME)
    rows = db.execute("SELECT story_id, digest, outcome, events FROM stories ORDER BY story_id").fetchall()
    db.close()
    return rows


def _files(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and (p.suffix == ".parquet" or p.name == "rejects.jsonl")
    }


def _balanced(counts: dict[str, Any]) -> bool:
    outcomes = ("stories_coded", "stories_no_event", "stories_rejected", "stories_skipped")
    return bool(counts["stories_read"] == sum(counts[k] for k in outcomes))


def test_pipeline_run_twice_changes_nothing(tmp_path: Path, resources: Resources) -> None:
    stories = write_jsonl(tmp_path / "in.jsonl", [*make_stories(30), '{"id": "bad"'])
    config = Config(codebooks=BOOKS, commit_every=7, max_reject_rate=0.5)
    first = run([stories], tmp_path / "out", config, resources=resources)
    assert first.counts["stories_coded"] > 20 and first.counts["events_written"] > 30
    files, ledger = _files(tmp_path / "out"), _ledger(tmp_path / "out")
    second = run([stories], tmp_path / "out", config, resources=resources)
    assert second.counts["stories_skipped"] == 30 and second.counts["stories_rejected"] == 1
    assert second.counts["events_written"] == second.counts["sentences"] == 0
    assert _files(tmp_path / "out") == files and _ledger(tmp_path / "out") == ledger
    assert _balanced(first.manifest) and _balanced(second.manifest)


def test_pipeline_incremental_run_codes_new_and_changed_stories_only(
    tmp_path: Path, resources: Resources
) -> None:
    config = Config(codebooks=BOOKS, commit_every=5)
    night1 = make_stories(20)
    run([write_jsonl(tmp_path / "n1.jsonl", night1)], tmp_path / "out", config, resources=resources)
    night2 = [dict(s) for s in night1[10:]] + make_stories(25)[20:]
    night2[0]["text"] = "Rohan attacked Gondor. " + night2[0]["text"]  # s0010 changed
    summary = run([write_jsonl(tmp_path / "n2.jsonl", night2)], tmp_path / "out", config, resources=resources)
    assert summary.counts["stories_skipped"] == 9
    assert summary.counts["stories_coded"] + summary.counts["stories_no_event"] == 6
    assert summary.counts["stories_replaced"] == 1
    fresh = tmp_path / "fresh"
    run([write_jsonl(tmp_path / "all.jsonl", night1[:10] + night2)], fresh, config, resources=resources)
    assert _rows(tmp_path / "out") == _rows(fresh)
    changed = [r for r in _rows(tmp_path / "out") if r["story_id"] == "s0010"]
    assert ("ROH", "GON", "18") in {(r["source_actor"], r["target_actor"], r["root_code"]) for r in changed}


def test_pipeline_every_kind_of_bad_input_is_accounted_for(tmp_path: Path, resources: Resources) -> None:
    good = make_stories(6)
    html = {
        "id": "html",
        "text": "<html><body><p>Arnor&nbsp;attacked Gondor.</p><script>x()</script></body></html>",
    }
    lines = [
        json.dumps(good[0]),
        '{"id": "broken", "text": ',
        json.dumps({"id": "notext"}),
        json.dumps({"id": "empty", "text": "  \n "}),
        json.dumps({"id": "big", "text": "Arnor attacked Gondor. " * 250_000}),
        json.dumps(html),
        json.dumps({"id": "baddate", "text": "Arnor attacked Gondor.", "date": "2023-13-45"}),
        json.dumps({"id": "words", "text": "Arnor attacked Gondor.", "date": "yesterday"}),
        json.dumps(good[1]),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        "\n".join(lines).encode()
        + b'\n{"id": "bytes", "text": "caf\xe9"}\n'
        + json.dumps(good[2]).encode()
        + b"\n"
    )
    summary = run([path], tmp_path / "out", Config(codebooks=BOOKS), resources=resources)
    counts = summary.counts
    assert counts["stories_read"] == 11 and _balanced(counts)
    assert counts["stories_rejected"] == 7 and summary.rejects_exceeded
    rejects = [json.loads(line) for line in (tmp_path / "out/rejects.jsonl").open()]
    reasons = {r["source"].rsplit(":", 1)[1]: (r["story_id"], r["reason"]) for r in rejects}
    assert sorted(reasons, key=int) == ["2", "3", "4", "5", "7", "8", "10"]  # line 6 is the HTML one
    assert "not valid JSON" in reasons["2"][1]
    assert reasons["3"] == ("notext", "story notext: the text is missing or empty")
    assert reasons["4"] == ("empty", "story empty: the text is missing or empty")
    assert reasons["5"][0] == "big" and "over the limit of 1,000,000" in reasons["5"][1]
    assert reasons["7"] == ("baddate", "story baddate: date '2023-13-45' is not a real day")
    assert reasons["8"] == ("words", "story words: date 'yesterday' is not YYYY-MM-DD")
    assert "not UTF-8 text" in reasons["10"][1]
    assert all(r["record"] for r in rejects)  # each with its record, for a person to look at
    coded = {r["story_id"] for r in _rows(tmp_path / "out")}
    assert "html" in coded and {"s0000", "s0001", "s0002"} & coded
    assert json.loads((tmp_path / "out/manifest.json").read_text())["status"] == "rejects_exceeded"


def test_pipeline_csv_parquet_and_gzip_inputs_code_like_jsonl(tmp_path: Path, resources: Resources) -> None:
    stories = make_stories(12)
    config = Config(codebooks=BOOKS)
    run([write_jsonl(tmp_path / "in.jsonl", stories)], tmp_path / "jsonl", config, resources=resources)
    expected = _rows(tmp_path / "jsonl")
    with gzip.open(tmp_path / "in.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(s) + "\n" for s in stories)
    pq.write_table(pa.Table.from_pylist(stories), tmp_path / "in.parquet")
    with (tmp_path / "in.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(stories[0]))
        writer.writeheader()
        writer.writerows(stories)
    for name in ("in.jsonl.gz", "in.parquet", "in.csv"):
        run([tmp_path / name], tmp_path / name.replace(".", "_"), config, resources=resources)
        assert _rows(tmp_path / name.replace(".", "_")) == expected, name


def test_pipeline_workers_give_the_same_events(tmp_path: Path, resources: Resources) -> None:
    stories = write_jsonl(tmp_path / "in.jsonl", make_stories(40))
    one = run([stories], tmp_path / "one", Config(codebooks=BOOKS), resources=resources)
    two = run(
        [stories], tmp_path / "two", Config(codebooks=BOOKS, workers=2, commit_every=9), resources=resources
    )
    assert _rows(tmp_path / "one") == _rows(tmp_path / "two")
    assert {k: v for k, v in one.counts.items()} == {k: v for k, v in two.counts.items()}


def test_pipeline_dedup_day_merges_the_same_event_across_stories(
    tmp_path: Path, resources: Resources
) -> None:
    same = [
        {"id": f"d{n}", "text": "Arnor attacked Gondor.", "date": "2023-05-01", "publisher": p}
        for n, p in enumerate(["A", "A", "B"])
    ]
    run(
        [write_jsonl(tmp_path / "in.jsonl", same)],
        tmp_path / "out",
        Config(codebooks=BOOKS, dedup="day"),
        resources=resources,
    )
    assert len(_rows(tmp_path / "out")) == 3
    [merged] = read_events(tmp_path / "out" / "events_by_day").to_pylist()
    assert (merged["num_mentions"], merged["num_articles"], merged["num_sources"]) == (3, 3, 2)
    assert merged["event_date"] == dt.date(2023, 5, 1) and merged["story_id"] == "d0"


def _cli(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "eventcode", "run", *args, "--codebooks", str(BOOKS)]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _committed(out: Path) -> int:
    if not (out / LEDGER_NAME).exists():
        return 0
    db = sqlite3.connect(out / LEDGER_NAME, timeout=5)
    try:
        (count,) = db.execute("SELECT COUNT(*) FROM batches").fetchone()
    except sqlite3.OperationalError:  # the tables are not made yet
        count = 0
    db.close()
    return int(count)


def _kill_after(process: subprocess.Popen[str], out: Path, batches: int) -> list[int]:
    """Kill -9 the run once it has committed `batches`; return the pids of its children then."""
    deadline = time.monotonic() + 60
    while _committed(out) < batches:
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return [int(c) for c in children]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_pipeline_kill_9_mid_run_then_the_next_run_matches_an_uninterrupted_one(
    tmp_path: Path, resources: Resources, workers: str
) -> None:
    stories = write_jsonl(tmp_path / "in.jsonl", [*make_stories(150), '{"id": "broken"'])
    config = Config(codebooks=BOOKS, commit_every=5, max_reject_rate=0.5)
    run([stories], tmp_path / "expected", config, resources=resources)
    out = tmp_path / "out"
    process = _cli(str(stories), "--out", str(out), "--commit-every", "5", "--workers", workers)
    children = _kill_after(process, out, batches=4)
    assert process.returncode == -signal.SIGKILL
    killed_batches = _committed(out)
    assert 4 <= killed_batches < 30
    summary = run([stories], out, config, resources=resources)
    assert summary.manifest["recovered"]["interrupted_runs"] == [1]
    assert summary.counts["stories_skipped"] >= (killed_batches - 1) * 5 - 1
    assert summary.counts["stories_read"] == 151 and _balanced(summary.counts)
    assert _rows(out) == _rows(tmp_path / "expected")  # row by row
    assert _ledger(out) == _ledger(tmp_path / "expected")
    assert [p for p in out.rglob("*.tmp")] == []
    runs = [json.loads(line) for line in (out / "runs.jsonl").open()]
    assert [r["status"] for r in runs] == ["interrupted", "ok"] and all(_balanced(r) for r in runs)
    # --workers 2: two coding processes; --workers 1: the process that parses beside the coder
    assert len(children) >= (2 if workers == "2" else 1 if (os.cpu_count() or 1) > 1 else 0)
    _wait_for(lambda: not any(_alive(c) for c in children), timeout=5)  # no orphan keeps working


def _wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_pipeline_a_story_the_coder_fails_on_is_rejected_and_the_run_goes_on(
    tmp_path: Path, resources: Resources, monkeypatch: pytest.MonkeyPatch
) -> None:
    import eventcode.pipeline

    real = eventcode.pipeline.find_events

    def failing(doc: Any, index: Any) -> Any:
        if "Rohan" in doc.text:
            raise ValueError("a coder bug")
        return real(doc, index)

    monkeypatch.setattr(eventcode.pipeline, "find_events", failing)
    stories = [
        {"id": "ok1", "text": "Arnor attacked Gondor."},
        {"id": "bug", "text": "Rohan attacked Gondor."},
        {"id": "ok2", "text": "Gondor met with Arnor on Monday."},
    ]
    summary = run(
        [write_jsonl(tmp_path / "in.jsonl", stories)],
        tmp_path / "out",
        Config(codebooks=BOOKS),
        resources=resources,
    )
    assert (summary.counts["stories_coded"], summary.counts["stories_rejected"]) == (2, 1)
    [reject] = [json.loads(line) for line in (tmp_path / "out/rejects.jsonl").open()]
    assert reject["story_id"] == "bug" and "coding failed (ValueError: a coder bug)" in reject["reason"]
    assert reject["record"] == "Rohan attacked Gondor."
