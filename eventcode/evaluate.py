"""Score the coder against a gold set, by the convention of the shared evaluation README.

- Predicted and expected events are matched one to one inside a record.
- `root`: the code's first two digits. `dyad`: root plus the first three letters of source and
  target where the gold gives them (a null gold actor is a wildcard). `exact`: the dyad and the
  full code. A gold code of two digits matches any code under that root.
- A gold event with neither code nor root fits any code.
- Precision, recall and F1 over all events; for records whose gold has no event, the share that
  produced any (the false-positive rate). Country aliases: ROU=ROM, JAP=JPN.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .model import Event, Story

LEVELS = ("root", "dyad", "exact")
_ALIASES = {"ROM": "ROU", "JAP": "JPN"}


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One expected event: actors may be None (any), code may be two digits (any under the root)."""

    source: str | None
    target: str | None
    code: str


@dataclass(frozen=True, slots=True)
class GoldRecord:
    """One gold sentence or story with its expected events."""

    record_id: str
    text: str
    date: dt.date | None
    events: tuple[GoldEvent, ...]


@dataclass
class Score:
    """Counts for one level; precision, recall and F1 from them."""

    matched: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """The scores of a gold set, the confusion of roots, and per-record misses and extras."""

    scores: dict[str, Score] = field(default_factory=lambda: {level: Score() for level in LEVELS})
    no_event_records: int = 0
    no_event_with_events: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def false_positive_rate(self) -> float:
        return self.no_event_with_events / self.no_event_records if self.no_event_records else 0.0

    def summary(self) -> dict[str, Any]:
        """The figures as plain data (the `--json` output)."""
        return {
            **{
                level: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "matched": s.matched,
                    "predicted": s.predicted,
                    "expected": s.expected,
                }
                for level, s in self.scores.items()
            },
            "false_positive_rate": round(self.false_positive_rate, 4),
            "no_event_records": self.no_event_records,
            "records": len(self.records),
            "confusion": {f"{g}->{p}": n for (g, p), n in sorted(self.confusion.items())},
        }


def read_gold(path: Path) -> Iterator[GoldRecord]:
    """Read a gold JSONL file (`id`, `text`, `date`, `events: [{source, target, code | root}]`).

    Raises:
        InputError: The file is missing or a line is not a gold record.
    """
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                events = tuple(
                    GoldEvent(e.get("source"), e.get("target"), e.get("code") or e.get("root") or "")
                    for e in record["events"]
                )
                date = _date(record.get("date"))
                yield GoldRecord(str(record["id"]), record["text"], date, events)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"{path}:{number}: not a gold record ({exc})") from None


def _date(value: Any) -> dt.date | None:
    """The record's date; a malformed one (some gold sets have `121108`) counts as none."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def evaluate(
    records: Iterable[GoldRecord],
    code: Callable[[Iterable[Story]], Iterable[tuple[Story, tuple[Event, ...]]]],
) -> Evaluation:
    """Code every gold record with `code` and score the events against the gold.

    Args:
        records: The gold records.
        code: Codes stories into events, in order (the pipeline's `code_stories`, adapted).

    Returns:
        The evaluation.
    """
    by_id = {r.record_id: r for r in records}
    result = Evaluation()
    stories = (Story(r.record_id, r.text, r.date) for r in by_id.values())
    for story, events in code(stories):
        _score_record(by_id[story.story_id], events, result)
    return result


def _score_record(gold: GoldRecord, events: tuple[Event, ...], result: Evaluation) -> None:
    if not gold.events:
        result.no_event_records += 1
        result.no_event_with_events += bool(events)
    for level in LEVELS:
        score = result.scores[level]
        score.predicted += len(events)
        score.expected += len(gold.events)
        score.matched += _max_matching(gold.events, events, level)
    _confuse(gold.events, events, result.confusion)
    missed, extra = _unmatched(gold.events, events)
    if missed or extra:
        result.records.append(
            {
                "id": gold.record_id,
                "text": gold.text,
                "missed": [vars_of(g) for g in missed],
                "extra": [
                    {
                        "source": e.source_actor,
                        "target": e.target_actor,
                        "code": e.event_code,
                        "pattern_id": e.pattern_id,
                        "verb": e.sentence_text[e.verb_start : e.verb_end],
                        "source_evidence": e.source_evidence,
                        "target_evidence": e.target_evidence,
                    }
                    for e in extra
                ],
            }
        )


def vars_of(gold: GoldEvent) -> dict[str, str | None]:
    """A gold event as plain data."""
    return {"source": gold.source, "target": gold.target, "code": gold.code}


def matches(gold: GoldEvent, event: Event, level: str) -> bool:
    """Whether a predicted event matches a gold one at `level`."""
    if gold.code and event.event_code[:2] != gold.code[:2]:  # a gold event without a code fits any
        return False
    if level == "root":
        return True
    if not (_actor_fits(gold.source, event.source_actor) and _actor_fits(gold.target, event.target_actor)):
        return False
    return level == "dyad" or len(gold.code) <= 2 or event.event_code == gold.code


def _actor_fits(gold: str | None, predicted: str | None) -> bool:
    if gold is None:
        return True
    if predicted is None:
        return False
    return _country(gold) == _country(predicted)


def _country(code: str) -> str:
    head = code[:3]
    return _ALIASES.get(head, head)


def _max_matching(gold: tuple[GoldEvent, ...], events: tuple[Event, ...], level: str) -> int:
    """The size of the largest one-to-one matching (augmenting paths; records are small)."""
    partner: dict[int, int] = {}

    def place(g: int, seen: set[int]) -> bool:
        for e, event in enumerate(events):
            if e in seen or not matches(gold[g], event, level):
                continue
            seen.add(e)
            if e not in partner or place(partner[e], seen):
                partner[e] = g
                return True
        return False

    return sum(place(g, set()) for g in range(len(gold)))


def _unmatched(gold: tuple[GoldEvent, ...], events: tuple[Event, ...]) -> tuple[list[GoldEvent], list[Event]]:
    """Gold events and predictions left over by a greedy exact-level pairing, for the report."""
    left = list(events)
    missed = []
    for g in gold:
        hit = next((e for e in left if matches(g, e, "exact")), None)
        if hit is None:
            missed.append(g)
        else:
            left.remove(hit)
    return missed, left


def _confuse(
    gold: tuple[GoldEvent, ...], events: tuple[Event, ...], confusion: Counter[tuple[str, str]]
) -> None:
    """Count gold root -> predicted root for events of the same actors; `--` for none."""
    left = list(events)
    for g in gold:
        hit = next(
            (
                e
                for e in left
                if _actor_fits(g.source, e.source_actor) and _actor_fits(g.target, e.target_actor)
            ),
            None,
        )
        if hit is not None:
            left.remove(hit)
        confusion[(g.code[:2], hit.root_code if hit else "--")] += 1
    for e in left:
        confusion[("--", e.root_code)] += 1


def format_table(evaluation: Evaluation) -> str:
    """The figures as a small text table."""
    lines = [f"{'level':<7}{'P':>8}{'R':>8}{'F1':>8}{'matched':>9}{'pred':>7}{'gold':>7}"]
    for level, s in evaluation.scores.items():
        lines.append(
            f"{level:<7}{s.precision:>8.3f}{s.recall:>8.3f}{s.f1:>8.3f}{s.matched:>9}{s.predicted:>7}{s.expected:>7}"
        )
    rate = evaluation.false_positive_rate
    lines.append(f"false-positive rate on {evaluation.no_event_records} no-event records: {rate:.3f}")
    roots = sorted({r for pair in evaluation.confusion for r in pair})
    lines.append("confusion (rows gold root, columns predicted root, -- none):")
    lines.append("  gold" + "".join(f"{r:>4}" for r in roots))
    for g in roots:
        lines.append(f"  {g:<4}" + "".join(f"{evaluation.confusion.get((g, p), 0) or '.':>4}" for p in roots))
    return "\n".join(lines)
