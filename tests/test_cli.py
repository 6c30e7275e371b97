import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventcode.cli import cli
from eventcode.dataset import read_events_table as read_events

from .conftest import FIXTURES, REPO


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_cli_missing_input_is_one_clear_line(tmp_path: Path) -> None:
    result = _run("run", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path / 'missing.jsonl'}: no such file or folder"
    assert "Traceback" not in result.output


def test_cli_bad_codebooks_list_every_problem(tmp_path: Path) -> None:
    books = tmp_path / "books"
    books.mkdir()
    (books / "cameo.tsv").write_text("code\tname\tgoldstein\tquad_class\n01\tX\tlots\t1\n", encoding="utf-8")
    good = tmp_path / "in.jsonl"
    good.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    result = _run("run", str(good), "--out", str(tmp_path / "out"), "--codebooks", str(books))
    assert result.exit_code == 1
    assert "cameo.tsv:2: Goldstein value 'lots' is not a number" in result.stderr


@pytest.mark.model
def test_cli_broken_json_goes_to_rejects_and_good_records_are_coded(tmp_path: Path) -> None:
    stories = tmp_path / "in.jsonl"
    stories.write_text(
        '{"id": "a", "text": "Arnor attacked Gondor.", "date": "1995-01-01"}\n'
        '{"id": "b", "text": \n'
        '{"id": "c", "text": "Arnor met with Gondor on Monday."}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    books = str(FIXTURES / "codebooks")
    result = _run("run", str(stories), "--out", str(out), "--codebooks", books, "--max-reject-rate", "0.5")
    assert result.exit_code == 0, result.output
    assert re.search(r"stories_rejected\s+1", result.stdout)
    [reject] = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert reject["source"] == f"{stories}:2" and "not valid JSON" in reject["reason"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["stories_read"] == 3 and manifest["stories_rejected"] == 1
    assert manifest["stories_coded"] + manifest["stories_no_event"] == 2
    events = read_events(out / "events").to_pylist()
    assert {(e["story_id"], e["source_actor"], e["target_actor"], e["root_code"]) for e in events} == {
        ("a", "ARN", "GON", "18"),
        ("c", "ARN", "GON", "04"),
    }
    assert manifest["events_written"] == len(events)


def _commands() -> list[list[str]]:
    """Every command as its words: ["run"], ["codebook", "check"], ..."""
    found: list[list[str]] = []
    for name, command in sorted(cli.commands.items()):  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        found.append([name])
        found.extend([name, sub] for sub in sorted(subcommands or {}))
    return found


@pytest.mark.parametrize("words", _commands(), ids=" ".join)
def test_cli_every_command_has_help_with_example_and_is_in_readme(words: list[str]) -> None:
    result = _run(*words, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout
    assert f"eventcode {' '.join(words)}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_cli_top_help_has_example() -> None:
    result = _run("--help")
    assert result.exit_code == 0 and "eventcode run" in result.stdout


def _good_input(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "Arnor attacked Gondor.", "date": "1995-01-01"}\n', encoding="utf-8")
    return path


def test_cli_run_on_a_folder_another_run_holds_exits_4_at_once(tmp_path: Path) -> None:
    from .test_lock import _holder

    holder = _holder(tmp_path / "out")
    try:
        result = _run("run", str(_good_input(tmp_path)), "--out", str(tmp_path / "out"))
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 4
    assert f"in use by another eventcode run (pid {holder.pid})" in result.stderr
    assert not (tmp_path / "out" / "ledger.sqlite").exists()  # it stopped before touching anything


@pytest.mark.model
@pytest.mark.parametrize(("rate", "status"), [(None, 3), ("0.5", 0), ("0", 3)])
def test_cli_exit_status_follows_the_reject_rate(tmp_path: Path, rate: str | None, status: int) -> None:
    stories = tmp_path / "in.jsonl"
    stories.write_text('{"id": "a", "text": "Arnor attacked Gondor."}\n{"id": "b"}\n', encoding="utf-8")
    args = ["run", str(stories), "--out", str(tmp_path / "out"), "--codebooks", str(FIXTURES / "codebooks")]
    result = _run(*args, *(["--max-reject-rate", rate] if rate else []))
    assert result.exit_code == status, result.output
    assert "1 of 2 records rejected (50.0%" in result.stderr
    assert ("is over --max-reject-rate" in result.stderr) == (status == 3)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == ("rejects_exceeded" if status else "ok")


@pytest.mark.model
def test_cli_log_json_writes_one_json_object_a_line(tmp_path: Path) -> None:
    args = ["run", str(_good_input(tmp_path)), "--out", str(tmp_path / "out"), "--log-json"]
    result = _run(*args, "--codebooks", str(FIXTURES / "codebooks"))
    assert result.exit_code == 0, result.output
    entries = [json.loads(line) for line in result.stderr.splitlines()]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(e["message"].startswith("committed batch 00001-000000") and e["batch"] for e in entries)
    assert any(e["message"].startswith("run 1 finished") for e in entries)
    assert re.search(r"stories_coded\s+1", result.stdout)


@pytest.mark.model
def test_cli_harvest_lists_unknown_verbs_and_names_with_examples(tmp_path: Path) -> None:
    stories = tmp_path / "in.jsonl"
    stories.write_text(
        '{"id": "a", "text": "Arnor befriended Gondor. Arnor befriended Rohan."}\n', encoding="utf-8"
    )
    result = _run("codebook", "harvest", str(stories), "--codebooks", str(FIXTURES / "codebooks"))
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert ["verb", "befriend", "2", "Arnor befriended Gondor."] in rows
