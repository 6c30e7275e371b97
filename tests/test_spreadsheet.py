import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventcode.spreadsheet import column_meanings, safe_text, spreadsheet_columns
from eventcode.write import EVENT_SCHEMA


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("010", "010"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_text(text: str, safe: str) -> None:
    assert safe_text(text) == safe


def test_spreadsheet_columns_put_names_beside_codes() -> None:
    columns = spreadsheet_columns(EVENT_SCHEMA.names)
    for code, label in [
        ("source_actor", "source_actor_name"),
        ("target_actor", "target_actor_name"),
        ("event_code", "event_code_name"),
        ("root_code", "root_code_name"),
        ("quad_class", "quad_class_name"),
    ]:
        assert columns[columns.index(code) + 1] == label
    assert len(columns) == len(EVENT_SCHEMA) + 5


def test_spreadsheet_columns_add_plover_for_an_older_dataset() -> None:
    old = [n for n in EVENT_SCHEMA.names if n != "plover_event"]
    columns = spreadsheet_columns([*old, "future_score"])
    assert columns[columns.index("root_code_name") + 1] == "plover_event"
    assert columns[-1] == "future_score"
    meanings = dict(column_meanings(columns))
    assert meanings["future_score"] == "Added by a newer eventcode."
    assert "`" not in meanings["event_code"]


@given(st.text())
def test_spreadsheet_safe_text_never_starts_a_formula_and_keeps_the_text(text: str) -> None:
    safe = safe_text(text)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe in (text, "'" + text)
