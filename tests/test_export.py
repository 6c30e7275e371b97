import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from eventcode.cli import cli
from eventcode.codebooks import Codebooks, default_folder, load_codebooks
from eventcode.export import export_events
from eventcode.layouts import GDELT_SCHEMA, PHOENIX_SCHEMA, global_event_id
from eventcode.spreadsheet import MAX_SHEET_ROWS
from eventcode.write import EVENT_SCHEMA

from .fake_events import make_event, sample_events, write_dataset

HOSTILE = {
    "story_id": "@SUM(1+1)",
    "sentence_text": '=HYPERLINK("http://evil.example/","click")',
    "url": "+cmd|' /C calc'!A0",
    "source_evidence": "-2+3",
    "target_evidence": "\t=1+1",
    "pattern_id": "\r=1+1",
    "target_actor": "---GOV",
}


@pytest.fixture(scope="module")
def shipped() -> Codebooks:
    return load_codebooks(default_folder())


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "out", [*sample_events(), make_event(event_id="h", **HOSTILE)])


def test_export_csv_has_bom_and_keeps_codes_text(out: Path, shipped: Codebooks) -> None:
    path = out / "events.csv"
    summary = export_events(out, "csv", path, shipped)
    assert summary.rows == 6
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as lines:
        rows = {r["event_id"]: r for r in csv.DictReader(lines)}
    assert rows["c"]["event_code"] == "010" and rows["c"]["root_code"] == "01"
    assert rows["b"]["event_code"] == "0211" and rows["b"]["base_code"] == "021"
    assert rows["c"]["event_code_name"] == "Make statement"
    assert rows["a"]["source_actor_name"] == "Azerbaijan, Military"
    assert rows["d"]["plover_event"] == "ASSAULT"
    # quoted text: a reader that honours quotes keeps the codes text, numbers numbers
    with path.open(encoding="utf-8-sig", newline="") as lines:
        typed = list(csv.reader(lines, quoting=csv.QUOTE_NONNUMERIC))
    header = typed[0]
    assert {r[header.index("event_code")] for r in typed[1:]} >= {"010", "0211"}
    assert all(isinstance(r[header.index("goldstein")], float) for r in typed[1:])
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={"event_code": str, "root_code": str})
    assert set(frame["event_code"]) >= {"010", "0211"}


def test_export_csv_writes_hostile_text_as_plain_text(out: Path, shipped: Codebooks) -> None:
    path = out / "events.csv"
    export_events(out, "csv", path, shipped)
    with path.open(encoding="utf-8-sig", newline="") as lines:
        rows = list(csv.reader(lines))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    hostile = next(dict(zip(rows[0], r, strict=True)) for r in rows[1:] if r[0] == "h")
    for column, value in HOSTILE.items():
        assert hostile[column] == "'" + value, column


def test_export_xlsx_has_no_formula_and_keeps_hostile_text(out: Path, shipped: Codebooks) -> None:
    path = out / "events.xlsx"
    summary = export_events(out, "xlsx", path, shipped)
    assert (summary.rows, summary.sheets) == (6, 1)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["events", "legend"]
    sheet = book["events"]
    header = [c.value for c in sheet[1]]
    assert header[: header.index("source_actor_name") + 1] == [
        "event_id",
        "story_id",
        "sentence_index",
        "event_date",
        "source_actor",
        "source_actor_name",
    ]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    rows = [dict(zip(header, (c for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    hostile = next(r for r in rows if r["event_id"].value == "h")
    for column, value in HOSTILE.items():
        cell = hostile[column]
        # XLSX escapes a carriage return as _x000D_, which Excel reads back and openpyxl leaves be
        assert (cell.value.replace("_x000D_", "\r"), cell.data_type) == (value, "s"), column
        assert cell.quotePrefix, column
    codes = {r["event_id"].value: r["event_code"] for r in rows}
    assert (codes["c"].value, codes["c"].data_type) == ("010", "s")
    assert rows[0]["event_code_name"].value == "Consult"
    assert rows[0]["goldstein"].data_type == "n"


def test_export_xlsx_starts_a_new_sheet_when_one_is_full(out: Path, shipped: Codebooks) -> None:
    path = out / "events.xlsx"
    summary = export_events(out, "xlsx", path, shipped, rows_per_sheet=4)
    assert (summary.rows, summary.sheets) == (6, 2)
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["events", "events 2", "legend"]
    assert [book["events"].max_row, book["events 2"].max_row] == [5, 3]  # a header and 4, a header and 2
    assert MAX_SHEET_ROWS == 2**20 - 1


def test_export_xlsx_legend_explains_every_column_and_code(out: Path, shipped: Codebooks) -> None:
    path = out / "events.xlsx"
    export_events(out, "xlsx", path, shipped)
    book = openpyxl.load_workbook(path, read_only=True)
    columns = [c.value for c in next(book["events"].iter_rows(max_row=1))]
    legend = [[c for c in row if c is not None] for row in book["legend"].iter_rows(values_only=True)]
    explained = {row[0]: row[1] for row in legend if len(row) >= 2}
    for column in columns:
        assert explained.get(column), column
    codes = {row[0] for row in legend if len(row) == 5}
    assert codes >= set(shipped.event_types)
    assert ["ASSAULT"] in legend and [1, "Verbal cooperation"] in legend


def test_export_gdelt_tsv_is_61_columns_without_header(out: Path, shipped: Codebooks) -> None:
    path = out / "events.gdelt.tsv"
    assert export_events(out, "gdelt", path, shipped).rows == 6
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    assert len(rows) == 6 and all(len(r) == 61 for r in rows)
    first = dict(zip(GDELT_SCHEMA.names, rows[0], strict=True))
    assert first["GLOBALEVENTID"] == str(global_event_id("a"))
    assert (first["SQLDATE"], first["EventCode"], first["Actor1Type1Code"]) == ("20230524", "040", "MIL")
    assert first["AvgTone"] == "" and first["ActionGeo_Lat"] == ""
    hostile = next(dict(zip(GDELT_SCHEMA.names, r, strict=True)) for r in rows if r[-1].startswith("+cmd"))
    assert hostile["Actor2Code"] == "---GOV"


def test_export_gdelt_parquet_has_gdelt_schema_and_date_added(out: Path, shipped: Codebooks) -> None:
    (out / "manifest.json").write_text(json.dumps({"finished": "2023-05-24T10:15:00+00:00"}))
    path = out / "events.parquet"
    export_events(out, "gdelt", path, shipped)
    table = pq.read_table(path)
    assert table.schema.remove_metadata() == GDELT_SCHEMA
    assert set(table.column("DATEADDED").to_pylist()) == {20230524101500}
    assert table.column("EventCode").to_pylist()[:3] == ["040", "0211", "010"]


def test_export_phoenix_tsv_has_header(out: Path, shipped: Codebooks) -> None:
    path = out / "events.phoenix.tsv"
    export_events(out, "phoenix", path, shipped)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == PHOENIX_SCHEMA.names
    assert len(lines) == 7 and all(len(line.split("\t")) == len(PHOENIX_SCHEMA) for line in lines)


def test_export_leaves_no_file_when_the_dataset_is_bad(tmp_path: Path, shipped: Codebooks) -> None:
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "part.parquet").write_bytes(b"not parquet")
    with pytest.raises(Exception, match="not a readable events dataset"):
        export_events(tmp_path, "csv", tmp_path / "x.csv", shipped)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events"]


def test_export_old_dataset_without_plover_gets_it_from_the_codebooks(
    tmp_path: Path, shipped: Codebooks
) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    table = write_dataset(tmp_path / "new", [make_event(event_code="193")])
    old = pq.read_table(table / "events").drop_columns(["plover_event"])
    pq.write_table(old, folder / "part.parquet")
    export_events(tmp_path, "csv", tmp_path / "x.csv", shipped)
    with (tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as lines:
        [row] = list(csv.DictReader(lines))
    assert row["plover_event"] == "ASSAULT"
    assert len(EVENT_SCHEMA) - 1 == len(old.schema)


def test_cli_export_writes_and_reports(out: Path) -> None:
    path = out / "x" / "events.tsv"
    result = CliRunner().invoke(
        cli, ["export", str(out), "--format", "gdelt", "--to", str(path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"6 events -> {path} (gdelt)\n"
    assert len(path.read_text(encoding="utf-8").splitlines()) == 6


def test_cli_export_unknown_format_and_missing_dir(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(
        cli, ["export", str(tmp_path), "--format", "json", "--to", "x"], catch_exceptions=False
    )
    assert bad.exit_code == 2 and "'json' is not one of" in bad.stderr
    missing = runner.invoke(
        cli, ["export", str(tmp_path / "no"), "--format", "csv", "--to", str(tmp_path / "x.csv")]
    )
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error: ") and "no such events folder" in missing.stderr
