"""The reader examples of docs/readers.md, run as written on both dataset layouts."""

import re
from pathlib import Path

import pytest

from .conftest import REPO
from .fake_events import sample_events, write_dataset

_BLOCK = re.compile(r"^## (.+?)\n.*?```python\n(.*?)```", re.DOTALL | re.MULTILINE)
EXAMPLES = _BLOCK.findall((REPO / "docs" / "readers.md").read_text(encoding="utf-8"))


def test_readers_doc_has_every_reader() -> None:
    assert [title for title, _ in EXAMPLES] == ["pandas, with eventcode", "pandas alone", "DuckDB", "polars"]


@pytest.mark.parametrize("by_day", [False, True], ids=["flat", "by-day"])
@pytest.mark.parametrize(("title", "code"), EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_readers_example_filters_dates_and_counts_by_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, title: str, code: str, by_day: bool
) -> None:
    write_dataset(tmp_path / "out", sample_events(), by_day=by_day)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, f"docs/readers.md ({title})", "exec"), namespace)
    # May 2023: 040 on the 24th, 0211 on the 2nd, 010 on the 31st; 193 is June, 042 has no date
    assert {str(k): int(v) for k, v in namespace["by_root"].items()} == {"01": 1, "02": 1, "04": 1}
