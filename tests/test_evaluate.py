import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventcode.cli import cli
from eventcode.evaluate import GoldEvent, GoldRecord, evaluate
from eventcode.model import Event

from .conftest import FIXTURES
from .test_write import _event


def _ev(source: str | None, target: str | None, code: str) -> Event:
    return dataclasses.replace(_event(code), source_actor=source, target_actor=target)


def _score(gold: list[GoldEvent], predicted: list[Event]) -> dict:
    record = GoldRecord("r", "text", None, tuple(gold))

    def code(stories):
        for story in stories:
            yield story, tuple(predicted)

    return evaluate([record], code).summary()


def test_evaluate_levels_follow_the_convention() -> None:
    summary = _score([GoldEvent("USAGOV", "ROM", "0311")], [_ev("USAMIL", "ROUGOV", "0312")])
    assert summary["root"]["matched"] == 1
    assert summary["dyad"]["matched"] == 1  # first three letters; ROM is ROU
    assert summary["exact"]["matched"] == 0


def test_evaluate_wildcards_and_two_digit_gold() -> None:
    summary = _score([GoldEvent(None, "JAP", "03")], [_ev("IGO", "JPN", "0311")])
    assert summary["exact"]["matched"] == 1


def test_evaluate_matching_is_one_to_one() -> None:
    summary = _score([GoldEvent("USA", "IRQ", "190")], [_ev("USA", "IRQ", "190"), _ev("USA", "IRQ", "190")])
    assert (summary["dyad"]["matched"], summary["dyad"]["predicted"]) == (1, 2)
    assert summary["dyad"]["precision"] == 0.5 and summary["dyad"]["recall"] == 1.0


def test_evaluate_false_positive_rate_on_no_event_records() -> None:
    summary = _score([], [_ev("USA", "IRQ", "190")])
    assert summary["false_positive_rate"] == 1.0 and summary["no_event_records"] == 1


@pytest.mark.model
def test_evaluate_command_prints_figures_and_report(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {
            "id": "1",
            "text": "Arnor attacked Gondor.",
            "date": "2001-01-01",
            "events": [{"source": "ARN", "target": "GON", "code": "180"}],
        },
        {"id": "2", "text": "Arnor met with Gondor.", "date": None, "events": []},
    ]
    gold.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = tmp_path / "report.jsonl"
    result = CliRunner().invoke(
        cli,
        [
            "evaluate",
            str(gold),
            "--json",
            "--report",
            str(report),
            "--codebooks",
            str(FIXTURES / "codebooks"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["dyad"]["matched"] == 1 and summary["false_positive_rate"] == 1.0
    [extra] = [json.loads(line) for line in report.read_text().splitlines()]
    assert extra["id"] == "2" and extra["extra"][0]["pattern_id"] == "v04-0001"


def _dyad_matches(tmp_path: Path, record: dict[str, object], *args: str) -> int:
    """Dyad-level matches of `eventcode evaluate --json` on a one-record gold file."""
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", str(gold), "--json", *args], catch_exceptions=False)
    return int(json.loads(result.stdout)["dyad"]["matched"])


@pytest.mark.model
def test_evaluate_one_sided_events_only_when_asked(tmp_path: Path) -> None:
    record = {
        "id": "1",
        "text": "Arnor attacked villages.",
        "events": [{"source": "ARN", "target": None, "code": "180"}],
    }
    books = ("--codebooks", str(FIXTURES / "codebooks"))
    assert _dyad_matches(tmp_path, record, *books) == 0
    assert _dyad_matches(tmp_path, record, *books, "--allow-one-sided") == 1


@pytest.mark.model
def test_evaluate_scores_speaker_accusations_only_when_asked(tmp_path: Path) -> None:
    record = {
        "id": "1",
        "text": "Kenya said that Somalia had attacked Ethiopia.",
        "date": "2023-05-24",
        "events": [{"source": "KEN", "target": "SOM", "code": "112"}],
    }
    assert _dyad_matches(tmp_path, record) == 0
    assert _dyad_matches(tmp_path, record, "--speaker-accusations") == 1
