"""The sample story end to end, with the trained model and the shipped codebooks."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from eventcode import Config, run
from eventcode.dataset import read_events_table as read_events

from .conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "seed.jsonl"
pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("seed") / "out"
    run([REPO / "seeds"], out, Config())
    return out, read_events(out / "events").to_pylist()


def test_seed_chiefs_of_staff_meet(seed_run: tuple[Path, list[dict]]) -> None:
    _, events = seed_run
    meetings = {(e["source_actor"], e["target_actor"]) for e in events if e["root_code"] == "04"}
    assert meetings & {("AZEMIL", "PAKMIL"), ("PAKMIL", "AZEMIL")}


def test_seed_azerbaijan_disapproves_of_armenia(seed_run: tuple[Path, list[dict]]) -> None:
    _, events = seed_run
    assert any(
        e["root_code"] == "11" and e["source_actor"].startswith("AZE") and e["target_actor"].startswith("ARM")
        for e in events
    )


def test_seed_only_countries_of_the_story(seed_run: tuple[Path, list[dict]]) -> None:
    _, events = seed_run
    countries = {a[:3] for e in events for a in (e["source_actor"], e["target_actor"]) if a}
    assert countries <= {"AZE", "PAK", "ARM", "TUR"}


def test_seed_evidence_points_into_the_sentence(seed_run: tuple[Path, list[dict]]) -> None:
    _, events = seed_run
    for e in events:
        text = e["sentence_text"]
        assert 0 <= e["verb_start"] < e["verb_end"] <= len(text)
        assert 0 <= e["source_start"] < e["source_end"] <= len(text)
        assert e["pattern_id"] and e["source_evidence"] and e["target_evidence"]
        assert e["event_date"].isoformat() == "2023-05-24"


def test_seed_manifest_and_metadata(seed_run: tuple[Path, list[dict]]) -> None:
    out, events = seed_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stories_read"] == 1 and manifest["stories_coded"] == 1
    assert manifest["events_written"] == len(events)
    metadata = pq.read_schema(next((out / "events").rglob("*.parquet"))).metadata
    assert metadata[b"model"].decode().endswith("3.8.0")
    assert len(metadata[b"codebooks_sha256"]) == 64


def test_seed_matches_golden(seed_run: tuple[Path, list[dict]], update_golden: bool) -> None:
    """The seed's events, reviewed: regenerate with `pytest --update-golden` and read the diff."""
    _, events = seed_run
    keys = ("sentence_index", "source_actor", "target_actor", "event_code", "pattern_id")
    lines = sorted(json.dumps({k: e[k] for k in keys}) for e in events)
    if update_golden:
        GOLDEN.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()
