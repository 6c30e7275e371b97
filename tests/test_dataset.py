import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from eventcode.dataset import column_order, event_batches, events_dataset, read_events_table
from eventcode.errors import InputError
from eventcode.write import EVENT_SCHEMA, events_table

from .fake_events import make_event, sample_events, write_dataset


@pytest.mark.parametrize("by_day", [False, True], ids=["flat", "by-day"])
def test_dataset_reads_flat_and_by_day_alike(tmp_path: Path, by_day: bool) -> None:
    out = write_dataset(tmp_path / "out", sample_events(), by_day=by_day)
    table = read_events_table(out)
    assert table.schema.names == EVENT_SCHEMA.names
    assert table.schema.field("event_date").type == pa.date32()
    rows = {r["event_id"]: r for r in table.to_pylist()}
    assert set(rows) == {"a", "b", "c", "d", "e"}
    assert rows["b"]["event_date"] == dt.date(2023, 5, 2) and rows["e"]["event_date"] is None
    assert rows["c"]["event_code"] == "010"
    assert read_events_table(out / "events").num_rows == 5  # the events/ folder itself also reads


def test_dataset_skips_hidden_files_and_keeps_new_columns_last(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    table = events_table([make_event()]).append_column("future_score", pa.array([3], pa.int64()))
    pq.write_table(table, folder / "part-b.parquet")
    (folder / ".part-c.parquet.tmp").write_bytes(b"half written")
    (folder / ".hidden.parquet").write_bytes(b"half written")
    pq.write_table(events_table([make_event(event_id="z")]), folder / "part-a.parquet")
    dataset = events_dataset(tmp_path)
    assert column_order(dataset.schema) == [*EVENT_SCHEMA.names, "future_score"]
    rows = [r for batch in event_batches(dataset) for r in batch.to_pylist()]
    assert sorted((r["event_id"], r["future_score"]) for r in rows) == [("e1", 3), ("z", None)]


def test_dataset_empty_folder_is_empty_table_of_the_schema(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    table = read_events_table(tmp_path)
    assert table.num_rows == 0 and table.schema.names == EVENT_SCHEMA.names


def test_dataset_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such events folder"):
        read_events_table(tmp_path / "nowhere")


def test_dataset_broken_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "part.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match="not a readable events dataset"):
        read_events_table(tmp_path)


def test_dataset_files_of_two_writers_unify(tmp_path: Path) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    old = events_table([make_event(event_id="old")]).drop_columns(["plover_event"])
    new = events_table([make_event(event_id="new")]).append_column("future_score", pa.array([2], pa.int32()))
    newer = events_table([make_event(event_id="newer")]).append_column(
        "future_score", pa.array([5], pa.int64())
    )
    for name, table in (("a", old), ("b", new), ("c", newer)):
        pq.write_table(table, folder / f"part-{name}.parquet")
    rows = {r["event_id"]: r for r in read_events_table(tmp_path).to_pylist()}
    assert rows["old"]["plover_event"] is None and rows["old"]["future_score"] is None
    assert (rows["new"]["future_score"], rows["newer"]["future_score"]) == (2, 5)
