"""The errors eventcode raises. Only the command line turns them into messages and exit codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class EventcodeError(Exception):
    """Base of every error eventcode raises on purpose; its message says what to do."""


@dataclass(frozen=True, slots=True)
class CodebookProblem:
    """One problem in one codebook line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class CodebookError(EventcodeError):
    """The codebooks have problems; all of them are listed, one `file:line: message` each."""

    def __init__(self, problems: Sequence[CodebookProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} codebook problem(s):\n{lines}")


class InputError(EventcodeError):
    """An input path cannot be read at all (missing, unreadable, of an unknown kind)."""


class ModelNotFoundError(EventcodeError):
    """No spaCy model of the configured names is installed."""


class OutputLockedError(EventcodeError):
    """Another run holds the output folder's lock."""


class StateError(EventcodeError):
    """The output folder's state cannot be used by this run (another format, other settings)."""


class ClusterError(EventcodeError):
    """The Dask engine cannot run: Dask is not installed, the scheduler cannot be reached, or a
    partition failed on the cluster."""
