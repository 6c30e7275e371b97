import csv
import datetime as dt

import pyarrow as pa
import pytest

from eventcode.codebooks import Codebooks, default_folder, load_codebooks
from eventcode.layouts import (
    GDELT_COLUMNS,
    GDELT_SCHEMA,
    PHOENIX_SCHEMA,
    ActorCatalog,
    actor_catalog,
    gdelt_table,
    global_event_id,
    penta_class,
    phoenix_table,
)
from eventcode.write import events_table

from .conftest import SHARED
from .fake_events import make_event

_GDELT_TYPES = {"INTEGER": pa.int64(), "FLOAT": pa.float64(), "STRING": pa.string()}


@pytest.fixture(scope="module")
def shipped() -> Codebooks:
    return load_codebooks(default_folder())


@pytest.fixture(scope="module")
def catalog(shipped: Codebooks) -> ActorCatalog:
    return actor_catalog(shipped)


def test_layouts_gdelt_columns_are_the_reference_names_order_and_types() -> None:
    reference = SHARED / "reference" / "gdelt2_event_columns.csv"
    if not reference.exists():
        pytest.skip("shared/reference is not here (it is only in CI and developer sessions)")
    rows = list(csv.DictReader(reference.open(encoding="utf-8")))
    assert list(GDELT_COLUMNS) == [r["tableId"] for r in rows]
    assert [GDELT_SCHEMA.field(r["tableId"]).type for r in rows] == [
        _GDELT_TYPES[r["dataType"]] for r in rows
    ]


def test_layouts_gdelt_has_61_distinct_columns() -> None:
    assert len(GDELT_COLUMNS) == len(set(GDELT_COLUMNS)) == 61


def test_layouts_global_event_id_is_stable_positive_63_bit() -> None:
    ids = [global_event_id(f"event-{n}") for n in range(2000)]
    assert len(set(ids)) == 2000
    assert all(0 <= i < 2**63 for i in ids)
    # the same event id gives the same number in every process and version
    assert global_event_id("f592630b115164f008608a11") == global_event_id("f592630b115164f008608a11")
    assert global_event_id("abc") == 0x3A7816BF8F01CFEA  # SHA-256 ba7816bf8f01cfea..., top bit cleared


@pytest.mark.parametrize(
    ("code", "country", "group", "types"),
    [
        ("AZEMIL", "AZE", None, ("MIL",)),
        ("PAK", "PAK", None, ()),
        ("---GOV", None, None, ("GOV",)),
        ("IGOUNO", None, "UNO", ("IGO",)),
        ("PAKSEPBLA", "PAK", "BLA", ("SEP",)),
        ("IGOEUREECJUD", None, "EEC", ("IGO", "JUD")),
        ("SAUBUSARM", "SAU", "ARM", ("BUS",)),  # Aramco: its own code is ARM, though ARM is Armenia
        ("NGOHRIAMN", None, "AMN", ("NGO", "HRI")),
    ],
)
def test_layouts_actor_codes_split_by_segment_kind(
    catalog: ActorCatalog, code: str, country: str | None, group: str | None, types: tuple[str, ...]
) -> None:
    parts = catalog.parts(code)
    assert (parts.country, parts.group, parts.types) == (country, group, types)


def test_layouts_actor_names_and_labels(catalog: ActorCatalog) -> None:
    assert catalog.name("USAGOV") == "UNITED STATES"
    assert catalog.name("IGOUNO") == "UNITED NATIONS"
    assert catalog.name("---MIL") == "MILITARY"
    assert catalog.label("AZEMIL") == "Azerbaijan, Military"
    assert catalog.label("IGOUNO") == "United Nations"
    assert catalog.label(None) is None


def test_layouts_gdelt_row_fills_what_is_known_and_leaves_the_rest_empty(catalog: ActorCatalog) -> None:
    event = make_event(event_code="0211", goldstein=3.4, target_actor="IGOUNO")
    [row] = gdelt_table(events_table([event]), catalog, added=20230524101500).to_pylist()
    filled = {k: v for k, v in row.items() if v is not None}
    assert filled == {
        "GLOBALEVENTID": global_event_id("e1"),
        "SQLDATE": 20230524,
        "MonthYear": 202305,
        "Year": 2023,
        "FractionDate": 2023.4767,
        "Actor1Code": "AZEMIL",
        "Actor1Name": "AZERBAIJAN",
        "Actor1CountryCode": "AZE",
        "Actor1Type1Code": "MIL",
        "Actor2Code": "IGOUNO",
        "Actor2Name": "UNITED NATIONS",
        "Actor2KnownGroupCode": "UNO",
        "Actor2Type1Code": "IGO",
        "EventCode": "0211",
        "EventBaseCode": "021",
        "EventRootCode": "02",
        "QuadClass": 1,
        "GoldsteinScale": 3.4,
        "NumMentions": 1,
        "NumSources": 1,
        "NumArticles": 1,
        "DATEADDED": 20230524101500,
        "SOURCEURL": "https://example.org/story",
    }


def test_layouts_gdelt_uses_mention_counts_where_the_dataset_has_them(catalog: ActorCatalog) -> None:
    table = events_table([make_event(), make_event(event_id="e2")])
    for name, values in (("num_mentions", [4, None]), ("num_sources", [2, 1]), ("num_articles", [3, 1])):
        table = table.append_column(name, pa.array(values, pa.int64()))
    rows = gdelt_table(table, catalog, added=None).to_pylist()
    assert [(r["NumMentions"], r["NumSources"], r["NumArticles"]) for r in rows] == [(4, 2, 3), (1, 1, 1)]


def test_layouts_gdelt_event_without_date_or_actors_stays_empty(catalog: ActorCatalog) -> None:
    event = make_event(event_date=None, source_actor=None, target_actor=None, url=None)
    [row] = gdelt_table(events_table([event]), catalog, added=None).to_pylist()
    for column in ("SQLDATE", "Year", "FractionDate", "Actor1Code", "Actor2Name", "DATEADDED", "SOURCEURL"):
        assert row[column] is None, column


@pytest.mark.parametrize(
    ("root", "penta"), [("01", 0), ("02", 0), ("03", 1), ("08", 2), ("13", 3), ("20", 4)]
)
def test_layouts_penta_class(root: str, penta: int) -> None:
    assert penta_class(root) == penta


def test_layouts_phoenix_splits_entity_role_attribute(catalog: ActorCatalog) -> None:
    event = make_event(source_actor="PAKSEPBLA", target_actor="---GOV", event_date=dt.date(2023, 1, 9))
    [row] = phoenix_table(events_table([event]), catalog).to_pylist()
    assert list(row) == PHOENIX_SCHEMA.names
    assert (row["SourceActorEntity"], row["SourceActorRole"], row["SourceActorAttribute"]) == (
        "PAK",
        "SEP",
        "BLA",
    )
    assert (row["TargetActorEntity"], row["TargetActorRole"], row["TargetActorAttribute"]) == (
        None,
        "GOV",
        None,
    )
    assert (row["Date"], row["Year"], row["Month"], row["Day"]) == ("2023-01-09", 2023, 1, 9)
    assert (row["EventCode"], row["PentaClass"], row["SentenceID"]) == ("040", 1, "s1-0")
    assert row["Lat"] is None and row["LocationName"] is None
