import datetime as dt
import json
from pathlib import Path

import pytest

from eventcode.errors import InputError
from eventcode.ingest import read_stories
from eventcode.model import Reject, Story


def _jsonl(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ingest_reads_jsonl_with_fields(tmp_path: Path) -> None:
    record = {
        "id": "a1",
        "text": "Arnor met Gondor.",
        "date": "2023-05-24",
        "url": "http://x",
        "publisher": "P",
    }
    [story] = read_stories([_jsonl(tmp_path, [json.dumps(record)])])
    assert story == Story("a1", "Arnor met Gondor.", dt.date(2023, 5, 24), "http://x", "P")


def test_ingest_reads_txt_folder_with_date_prefix(tmp_path: Path) -> None:
    (tmp_path / "s1.txt").write_text(" date 2023-05-24 Arnor met Gondor.\n\nThen left.", encoding="utf-8")
    (tmp_path / "s2.txt").write_text("date 2020-01-02\nNo date prefix here.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    stories = list(read_stories([tmp_path]))
    assert [(s.story_id, s.date) for s in stories] == [
        ("s1", dt.date(2023, 5, 24)),
        ("s2", dt.date(2020, 1, 2)),
    ]
    assert isinstance(stories[0], Story) and stories[0].text.startswith("Arnor met Gondor.")


def test_ingest_story_without_date_has_none(tmp_path: Path) -> None:
    [story] = read_stories([_jsonl(tmp_path, [json.dumps({"id": "a", "text": "Arnor met Gondor."})])])
    assert isinstance(story, Story) and story.date is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "a", "text": ', "not valid JSON"),
        ('["a list"]', "must be a JSON object"),
        ('{"text": "no id"}', "no id"),
        ('{"id": "b", "text": "   "}', "story b: the text is missing or empty"),
        ('{"id": "c", "text": "x", "date": "24/05/2023"}', "story c: date '24/05/2023' is not YYYY-MM-DD"),
        ('{"id": "d", "text": "x", "date": "2023-02-30"}', "not a real day"),
    ],
)
def test_ingest_rejects_bad_records_and_keeps_good_ones(tmp_path: Path, line: str, reason: str) -> None:
    good = json.dumps({"id": "ok", "text": "Arnor met Gondor."})
    path = _jsonl(tmp_path, [good, line, good.replace('"ok"', '"ok2"')])
    records = list(read_stories([path]))
    assert [r.story_id for r in records if isinstance(r, Story)] == ["ok", "ok2"]
    [reject] = [r for r in records if isinstance(r, Reject)]
    assert reason in reject.reason
    assert reject.source == f"{path}:2"


def test_ingest_rejects_undecodable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "\xff\xfe"}\n{"id": "b", "text": "fine"}\n')
    records = list(read_stories([path]))
    assert isinstance(records[0], Reject) and "not UTF-8" in records[0].reason
    assert isinstance(records[1], Story)


def test_ingest_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        list(read_stories([tmp_path / "missing.jsonl"]))
