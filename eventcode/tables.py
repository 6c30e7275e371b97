"""Reading the codebooks' tab-separated files, line by line, with every problem kept.

A table file is `#` comment lines, one header line naming the columns, then one row a line.
Nothing here raises on a bad line: problems are collected so a curator sees all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CodebookProblem


@dataclass(slots=True)
class Problems:
    """The problems found so far while loading one codebook folder."""

    items: list[CodebookProblem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str) -> None:
        """Record one problem at `path:line`."""
        self.items.append(CodebookProblem(path, line, message))


@dataclass(frozen=True, slots=True)
class Row:
    """One data row of a table: where it stands and its values by column name."""

    path: str
    line: int
    values: dict[str, str]

    @property
    def ref(self) -> str:
        """`file:line`, the row's name in evidence and messages."""
        return f"{self.path}:{self.line}"


def read_table(
    path: Path,
    label: str,
    columns: tuple[str, ...],
    problems: Problems,
    *,
    optional: int = 0,
) -> Iterator[Row]:
    """Yield the rows of one table file, checking its header and each row's width.

    Args:
        path: The file to read.
        label: How messages name the file (its path relative to the codebook folder).
        columns: The header the file must have, in order.
        problems: Where problems go.
        optional: How many trailing columns a row may leave out.

    Yields:
        The rows whose width is right; a row of the wrong width is a problem instead.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.add(label, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return
    header_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            header_seen = True
            if tuple(fields) != columns:
                problems.add(label, number, f"header must be {_tabbed(columns)}, found {_tabbed(fields)}")
                return
            continue
        if not len(columns) - optional <= len(fields) <= len(columns):
            problems.add(
                label,
                number,
                f"expected {len(columns)} tab-separated columns ({_tabbed(columns)}), found {len(fields)}",
            )
            continue
        values = dict(zip(columns, (f.strip() for f in fields), strict=False))
        for name in columns[len(fields) :]:
            values[name] = ""
        yield Row(label, number, values)
    if not header_seen:
        problems.add(label, 1, f"no header line; expected {_tabbed(columns)}")


def _tabbed(fields: tuple[str, ...] | list[str]) -> str:
    return "<TAB>".join(fields)
