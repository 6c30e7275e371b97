import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

import eventcode
from eventcode import Config, InputError, code_frame, read_events, run
from eventcode.write import EVENT_SCHEMA

from .conftest import FIXTURES
from .fake_events import sample_events, write_dataset

FICTION = Config(codebooks=FIXTURES / "codebooks")
STORIES = pd.DataFrame(
    {
        "id": ["a", "b", "c"],
        "text": [
            "Arnor attacked Gondor. Later, Gondor met with Rohan.",
            "The weather was fine.",
            "Arnor denounced Gondorian provocations.",
        ],
        "date": [pd.Timestamp("1995-01-01"), None, pd.Timestamp("1995-03-02")],
        "url": ["https://example.org/a", None, None],
    }
)


def _schema_dtypes() -> list[pd.ArrowDtype]:
    return [pd.ArrowDtype(f.type) for f in EVENT_SCHEMA]


@pytest.mark.parametrize("by_day", [False, True], ids=["flat", "by-day"])
def test_frames_read_events_has_schema_columns_and_dtypes(tmp_path: Path, by_day: bool) -> None:
    events = read_events(write_dataset(tmp_path / "out", sample_events(), by_day=by_day))
    assert list(events.columns) == EVENT_SCHEMA.names
    assert list(events.dtypes) == _schema_dtypes()
    assert sorted(events["event_code"]) == ["010", "0211", "040", "042", "193"]
    assert events["event_date"].isna().sum() == 1


def test_frames_code_frame_checks_columns_and_rows_before_loading_a_model() -> None:
    with pytest.raises(InputError, match="no column 'body'"):
        code_frame(STORIES, text="body")
    bad = pd.DataFrame(
        {
            "id": ["x", "y", None, "z"],
            "text": ["ok", "", "ok", "ok"],
            "date": [None, None, None, "2020-13-01"],
        }
    )
    with pytest.raises(InputError) as caught:
        code_frame(bad)
    assert str(caught.value) == (
        "3 row(s) cannot be coded: row 1: story y: the text is missing or empty; "
        "row 2: the record has no id (a non-empty string); "
        "row 3: story z: date '2020-13-01' is not a real day"
    )


@pytest.mark.model
def test_frames_code_frame_equals_run_on_the_same_stories(tmp_path: Path) -> None:
    frame = code_frame(STORIES, config=FICTION)
    assert list(frame.columns) == EVENT_SCHEMA.names
    assert list(frame.dtypes) == _schema_dtypes()
    stories = tmp_path / "stories.jsonl"
    records = STORIES.assign(date=["1995-01-01", None, "1995-03-02"]).to_dict("records")
    stories.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    run([stories], tmp_path / "out", FICTION)
    expected = read_events(tmp_path / "out")
    order = ["story_id", "sentence_index", "event_id"]
    pd.testing.assert_frame_equal(
        frame.sort_values(order).reset_index(drop=True), expected.sort_values(order).reset_index(drop=True)
    )
    coded = {(r.story_id, r.source_actor, r.target_actor, r.event_code) for r in frame.itertuples()}
    assert ("a", "ARN", "GON", "180") in coded and ("c", "ARN", "GON", "111") in coded
    first = frame[frame["story_id"] == "a"].iloc[0]
    assert first["event_date"] == dt.date(1995, 1, 1) and first["url"] == "https://example.org/a"
    assert first["plover_event"] == "ASSAULT"


@pytest.mark.model
def test_frames_code_frame_with_no_event_is_empty_frame_of_the_schema() -> None:
    stories = pd.DataFrame({"story": [7], "body": ["The weather was fine."]})
    frame = code_frame(stories, id="story", text="body", config=FICTION)
    assert frame.empty and list(frame.dtypes) == _schema_dtypes()


def test_frames_public_api_is_exported() -> None:
    assert eventcode.code_frame is code_frame and eventcode.read_events is read_events
    assert pa.types.is_date32(EVENT_SCHEMA.field("event_date").type)


@pytest.mark.model
def test_frames_readme_notebook_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From a notebook", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    write_dataset(tmp_path / "out", sample_events())
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md (From a notebook)", "exec"), namespace)
    events = namespace["events"]
    assert isinstance(events, pd.DataFrame) and len(events) == len(sample_events())
