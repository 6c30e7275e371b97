import csv
import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
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


ROWS = [
    {"id": "a", "text": "Arnor met Gondor.", "date": "2023-05-24", "url": "http://x/a", "publisher": "P"},
    {"id": "b", "text": "Gondor thanked Arnor.", "date": "", "url": "", "publisher": ""},
]
EXPECTED = [
    Story("a", "Arnor met Gondor.", dt.date(2023, 5, 24), "http://x/a", "P"),
    Story("b", "Gondor thanked Arnor."),
]


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8", newline="") as out:  # type: ignore[operator]
        writer = csv.DictWriter(out, fieldnames=["id", "text", "date", "url", "publisher", "extra"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("name", ["in.csv", "in.csv.gz"])
def test_ingest_reads_csv_with_the_same_fields(tmp_path: Path, name: str) -> None:
    assert list(read_stories([_csv(tmp_path / name, ROWS)])) == EXPECTED


def test_ingest_reads_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in ROWS)
    assert list(read_stories([path])) == EXPECTED


def test_ingest_reads_parquet_with_typed_and_text_dates(tmp_path: Path) -> None:
    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "text.parquet")
    typed = [{**r, "id": n, "date": dt.date(2023, 5, 24) if r["date"] else None} for n, r in enumerate(ROWS)]
    pq.write_table(pa.Table.from_pylist(typed), tmp_path / "typed.parquet")
    assert list(read_stories([tmp_path / "text.parquet"])) == EXPECTED
    stories = list(read_stories([tmp_path / "typed.parquet"]))
    assert [(s.story_id, s.date) for s in stories] == [("0", dt.date(2023, 5, 24)), ("1", None)]


def test_ingest_parquet_bytes_that_are_not_utf8_are_one_reject(tmp_path: Path) -> None:
    table = pa.table(
        {"id": ["a", "b"], "text": pa.array([b"\xff\xfe bad", b"Arnor met Gondor."], pa.binary())}
    )
    pq.write_table(
        table.cast(pa.schema([("id", pa.string()), ("text", pa.binary())])), tmp_path / "in.parquet"
    )
    bad, good = read_stories([tmp_path / "in.parquet"])
    assert isinstance(bad, Reject) and bad.source.endswith("in.parquet:row 1")
    assert "the text is not UTF-8 text" in bad.reason and bad.story_id == "a"
    assert good == Story("b", "Arnor met Gondor.")


def test_ingest_csv_undecodable_bytes_reject_that_row_only(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"id,text\na,caf\xe9 talks\nb,Arnor met Gondor.\n")
    bad, good = read_stories([path])
    assert isinstance(bad, Reject) and bad.source == f"{path}:2" and "not UTF-8" in bad.reason
    json.dumps(bad.record).encode("utf-8")  # the kept record is writable text
    assert good == Story("b", "Arnor met Gondor.")


def test_ingest_csv_rows_that_span_lines_keep_their_first_line_number(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\na,"Arnor met\n\nGondor."\nb,\n', encoding="utf-8")
    good, bad = read_stories([path])
    assert isinstance(good, Story) and good.text == "Arnor met\n\nGondor."
    assert isinstance(bad, Reject) and bad.source == f"{path}:5" and "text is missing" in bad.reason


@pytest.mark.parametrize("name", ["in.csv", "in.parquet"])
def test_ingest_table_without_text_column_is_an_input_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("id,body\na,x\n", encoding="utf-8")
    else:
        pq.write_table(pa.table({"id": ["a"], "body": ["x"]}), path)
    with pytest.raises(InputError, match="no text column"):
        list(read_stories([path]))


def test_ingest_unknown_file_kind_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "in.xml").write_text("<x/>", encoding="utf-8")
    with pytest.raises(InputError, match="not an input eventcode reads"):
        list(read_stories([tmp_path / "in.xml"]))


FIVE_MB = "Arnor met Gondor. " * 300_000


def test_ingest_rejects_a_5mb_story_in_every_format_and_reads_on(tmp_path: Path) -> None:
    big = {"id": "big", "text": FIVE_MB}
    small = {"id": "small", "text": "Arnor met Gondor."}
    _jsonl(tmp_path, [json.dumps(big), json.dumps(small)])
    _csv(tmp_path / "in.csv", [big, small])
    pq.write_table(pa.Table.from_pylist([big, small]), tmp_path / "in.parquet")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "big.txt").write_text(FIVE_MB, encoding="utf-8")
    (texts / "small.txt").write_text("Arnor met Gondor.", encoding="utf-8")
    for path in ("in.jsonl", "in.csv", "in.parquet", "texts"):
        bad, good = read_stories([tmp_path / path])
        assert isinstance(bad, Reject), path
        assert "over the limit of 1,000,000" in bad.reason and bad.story_id == "big", (path, bad.reason)
        assert len(bad.record) <= 2000
        assert isinstance(good, Story) and good.story_id == "small"


def test_ingest_size_limit_is_configurable(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [json.dumps({"id": "a", "text": "x" * 200})])
    [reject] = read_stories([path], max_story_bytes=100)
    assert isinstance(reject, Reject) and "over the limit of 100" in reject.reason


def test_ingest_json_escape_of_a_lone_surrogate_is_rejected(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, ['{"id": "a", "text": "bad \\ud800 text"}'])
    [reject] = read_stories([path])
    assert isinstance(reject, Reject) and "not UTF-8 text" in reject.reason


def test_ingest_html_is_reduced_to_its_text(tmp_path: Path) -> None:
    record = {
        "id": "h",
        "text": "<html><head><title>Site</title><script>var x;</script></head><body>"
        "<p>Arnor&nbsp;met Gondor &amp; Rohan.</p><p>Talks went on.</p></body></html>",
    }
    [story] = read_stories([_jsonl(tmp_path, [json.dumps(record)])])
    assert isinstance(story, Story)
    assert story.text == "Arnor\xa0met Gondor & Rohan.\n\n\n\nTalks went on."


def test_ingest_markup_only_is_rejected(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, [json.dumps({"id": "h", "text": "<div><img src='x.png'></div>"})])
    [reject] = read_stories([path])
    assert isinstance(reject, Reject) and "no text left once HTML markup is removed" in reject.reason


def test_ingest_truncated_gzip_rejects_the_rest_and_keeps_what_came_before(tmp_path: Path) -> None:
    lines = "".join(json.dumps({"id": str(n), "text": f"Story {n} " * 50}) + "\n" for n in range(200))
    data = gzip.compress(lines.encode())
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    records = list(read_stories([path]))
    assert all(isinstance(r, Story) for r in records[:-1]) and len(records) > 10
    assert isinstance(records[-1], Reject) and "cannot be read from this line on" in records[-1].reason
