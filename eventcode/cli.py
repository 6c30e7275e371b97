"""The `eventcode` command line: click only, one library call per command."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from . import __version__
from .codebooks import load_codebooks
from .config import (
    DEFAULT_COMMIT_EVERY,
    DEFAULT_MAX_REJECT_RATE,
    DEFAULT_MAX_STORY_BYTES,
    DEFAULT_MODELS,
    DEFAULT_PARTITION_STORIES,
    Config,
    Dedup,
    Engine,
)
from .errors import CodebookError, EventcodeError, OutputLockedError
from .evaluate import format_table
from .explain import format_explanation
from .export import FORMATS, export_events
from .pipeline import RunSummary, evaluate_gold, explain_text, harvest_inputs
from .pipeline import run as run_pipeline
from .stats import codebook_stats
from .store import COUNTS

F = TypeVar("F", bound=Callable[..., Any])


def _codebooks_option(command: F) -> F:
    return click.option(
        "--codebooks",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Codebook folder to code with (default: the codebooks shipped with eventcode).",
    )(command)


def _model_option(command: F) -> F:
    return click.option(
        "--model",
        "models",
        multiple=True,
        help=f"spaCy model to load; repeat to give fallbacks (default: {', '.join(DEFAULT_MODELS)}).",
    )(command)


def _dyad_option(command: F) -> F:
    command = click.option(
        "--speaker-accusations/--no-speaker-accusations",
        default=False,
        show_default=True,
        help="Also code who reports another's use of force ('X said Y attacked Z') as accusing it (112).",
    )(command)
    return click.option(
        "--require-dyad/--allow-one-sided",
        default=True,
        show_default=True,
        help="Keep only events with both a source and a target actor, or also one-sided ones.",
    )(command)


@click.group()
@click.version_option(__version__, prog_name="eventcode")
def cli() -> None:
    """Code news stories into CAMEO events (who did what to whom), written as Parquet.

    \b
    Example:
        eventcode run seeds/ --out out/
    """


EXIT_REJECTS = 3
EXIT_LOCKED = 4


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder: events/, ledger.sqlite, manifest.json, runs.jsonl, rejects.jsonl.",
)
@_model_option
@_codebooks_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that parse and code (with --engine dask and no --scheduler: the local "
    "cluster's workers).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where stories are coded: local (this machine's processes) or dask (a Dask cluster; "
    "needs pip install 'eventcode[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --engine dask: the scheduler of a running cluster (tcp://host:8786); without "
    "it, a local cluster of --workers processes is started for the run.",
)
@click.option(
    "--partitions",
    "partition_stories",
    type=click.IntRange(min=1),
    default=DEFAULT_PARTITION_STORIES,
    show_default=True,
    help="Stories per partition: the batch one worker codes in one call.",
)
@click.option(
    "--dedup",
    type=click.Choice(["story", "day"]),
    default="story",
    show_default=True,
    help="story: one event per (date, source, target, code) in a story; day: also merge them "
    "across the stories of a day into events_by_day/.",
)
@click.option(
    "--max-reject-rate",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MAX_REJECT_RATE,
    show_default=True,
    help="Exit with status 3 when a larger share of the records read is rejected.",
)
@click.option(
    "--max-story-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_STORY_BYTES,
    show_default=True,
    help="Reject records larger than this.",
)
@click.option(
    "--commit-every",
    type=click.IntRange(min=1),
    default=DEFAULT_COMMIT_EVERY,
    show_default=True,
    help="Records per committed batch: a killed run loses at most this much work.",
)
@click.option("--log-json", is_flag=True, help="Log to stderr as JSON lines (one object per event).")
@_dyad_option
def run(
    inputs: tuple[Path, ...],
    out: Path,
    models: tuple[str, ...],
    codebooks: Path | None,
    workers: int,
    engine: Engine,
    scheduler: str | None,
    partition_stories: int,
    dedup: Dedup,
    max_reject_rate: float,
    max_story_bytes: int,
    commit_every: int,
    log_json: bool,
    require_dyad: bool,
    speaker_accusations: bool,
) -> None:
    """Code the stories of INPUT that --out has not coded yet into its events dataset.

    INPUT is JSONL (.jsonl, .jsonl.gz; one story a line: id, text, optional date YYYY-MM-DD,
    url, publisher), CSV or Parquet with those columns, or a folder of .txt stories (a first
    line `date YYYY-MM-DD` gives the date). Without INPUT, the sample story in seeds/ is coded.
    A rerun codes only new or changed stories; a killed run is finished by the next one.

    With --engine dask, the stories are coded on a Dask cluster (every worker needs eventcode
    and the model installed); reading, the ledger and writing stay in this process.

    Exit status: 0 done; 1 error (missing input, bad codebooks, unreachable scheduler); 3 more
    than --max-reject-rate of the records rejected; 4 another run holds --out.

    \b
    Example:
        eventcode run stories.jsonl --out out/ --workers 2
        eventcode run stories.jsonl --out out/ --engine dask --scheduler tcp://head:8786
    """
    _configure_logging(log_json)
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    config = Config(
        models=models or DEFAULT_MODELS,
        codebooks=codebooks,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        partition_stories=partition_stories,
        dedup=dedup,
        max_reject_rate=max_reject_rate,
        max_story_bytes=max_story_bytes,
        commit_every=commit_every,
        require_dyad=require_dyad,
        speaker_accusations=speaker_accusations,
    )
    paths = list(inputs) or [Path("seeds")]
    # tqdm stays quiet where stderr is not a terminal (cron, CI)
    with tqdm(unit=" stories", desc="coding", disable=True if log_json else None, file=sys.stderr) as bar:
        summary = _call(lambda: run_pipeline(paths, out, config, progress=bar.update))
    _echo_summary(summary, paths, out)
    if summary.rejects_exceeded:
        sys.exit(EXIT_REJECTS)


def _echo_summary(summary: RunSummary, paths: list[Path], out: Path) -> None:
    counts = summary.counts
    inputs = ", ".join(str(p) for p in paths)
    click.echo(f"eventcode {__version__}: {inputs} -> {out} (run {summary.manifest['run']})")
    for key in (*COUNTS[:5], "stories_replaced", "sentences", "events_written"):
        click.echo(f"  {key:<18} {counts[key]:>8}")
    if summary.events_by_root:
        click.echo(
            "  events by CAMEO root: " + ", ".join(f"{r}: {n}" for r, n in summary.events_by_root.items())
        )
    if counts["stories_rejected"]:
        click.echo(
            f"{counts['stories_rejected']} of {counts['stories_read']} records rejected "
            f"({summary.reject_rate:.1%}; first: {summary.first_reject}); each with its reason in "
            f"{out / 'rejects.jsonl'}",
            err=True,
        )
    if summary.rejects_exceeded:
        click.echo(
            f"Error: the reject rate {summary.reject_rate:.1%} is over --max-reject-rate "
            f"{summary.manifest['settings']['max_reject_rate']:.1%}",
            err=True,
        )


class _JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, and any `extra` fields."""

    _STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in self._STANDARD})
        return json.dumps(entry, default=str)


def _configure_logging(log_json: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if log_json else logging.Formatter("%(levelname)s: %(message)s"))
    package = logging.getLogger("eventcode")
    package.handlers[:] = [handler]
    package.setLevel(logging.INFO if log_json else logging.WARNING)
    package.propagate = False


T = TypeVar("T")


class _LockedError(click.ClickException):
    exit_code = EXIT_LOCKED


def _call(action: Callable[[], T]) -> T:
    """Run a library call, turning eventcode's errors into one clear message and exit status 1."""
    try:
        return action()
    except OutputLockedError as exc:
        raise _LockedError(str(exc)) from None
    except EventcodeError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@click.argument("gold", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@click.option(
    "--report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write each record's missed and extra events, with their evidence, as JSON lines.",
)
@_model_option
@_codebooks_option
@_dyad_option
def evaluate(
    gold: Path,
    as_json: bool,
    report: Path | None,
    models: tuple[str, ...],
    codebooks: Path | None,
    require_dyad: bool,
    speaker_accusations: bool,
) -> None:
    """Score the coder on a gold set: precision, recall and F1 at root, dyad and exact level.

    GOLD is JSONL: {"id", "text", "date", "events": [{"source", "target", "code"}]}. Also
    prints the false-positive rate on records with no gold event and a confusion table by root.

    \b
    Example:
        eventcode evaluate gold.jsonl --report misses.jsonl
    """
    config = Config(
        models=models or DEFAULT_MODELS,
        codebooks=codebooks,
        require_dyad=require_dyad,
        speaker_accusations=speaker_accusations,
    )
    result = _call(lambda: evaluate_gold(gold, config))
    if report is not None:
        report.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in result.records), encoding="utf-8"
        )
    click.echo(json.dumps(result.summary(), indent=2) if as_json else format_table(result))


@cli.group()
def codebook() -> None:
    """Check, count and grow the codebooks.

    \b
    Example:
        eventcode codebook check codebooks/
    """


_FOLDER = click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))


@codebook.command("check")
@_FOLDER
def codebook_check(folder: Path | None) -> None:
    """Check every codebook line; print each problem as `file:line: message`, exit 1 on any.

    FOLDER defaults to the codebooks shipped with eventcode.

    \b
    Example:
        eventcode codebook check codebooks/
    """
    try:
        books = load_codebooks(folder)
    except CodebookError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        raise click.ClickException(f"{len(exc.problems)} problem(s)") from None
    except EventcodeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{books.folder}: {len(books.patterns)} patterns, {len(books.names)} names, no problems")


@codebook.command("stats")
@_FOLDER
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def codebook_stats_command(folder: Path | None, as_json: bool) -> None:
    """Count the entries of each kind and per CAMEO root, and list the codes no pattern reaches.

    \b
    Example:
        eventcode codebook stats --json
    """
    stats = codebook_stats(_call(lambda: load_codebooks(folder)))
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    for key, value in stats.items():
        if isinstance(value, dict):
            value = " ".join(f"{k}:{v}" for k, v in value.items())
        elif isinstance(value, list):
            value = f"{len(value)}: {' '.join(value)}"
        click.echo(f"{key:<24} {value}")


@codebook.command("harvest")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--top", default=30, show_default=True, help="How many verbs and names to list.")
@_model_option
@_codebooks_option
def codebook_harvest(
    inputs: tuple[Path, ...], top: int, models: tuple[str, ...], codebooks: Path | None
) -> None:
    """List the most frequent verbs and names in INPUT that no codebook entry matched.

    Each comes with its count and an example sentence, so a curator sees what to add next.

    \b
    Example:
        eventcode codebook harvest stories.jsonl --top 20
    """
    config = Config(models=models or DEFAULT_MODELS, codebooks=codebooks)
    for unknown in _call(lambda: harvest_inputs(inputs, config, top=top)):
        click.echo(f"{unknown.kind}\t{unknown.text}\t{unknown.count}\t{unknown.example}")


@cli.command()
@click.argument("events_dir", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    required=True,
    help="gdelt: GDELT 2.0 event table; phoenix: Phoenix dataset; csv: CSV for Excel; xlsx: workbook.",
)
@click.option(
    "--to",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write; for gdelt and phoenix, a name ending in .parquet writes Parquet.",
)
@_codebooks_option
def export(events_dir: Path, fmt: str, to: Path, codebooks: Path | None) -> None:
    """Export the events of EVENTS_DIR (a run's --out folder) as GDELT, Phoenix, CSV or XLSX.

    gdelt writes GDELT 2.0's 61 event columns, tab-separated without a header like GDELT's
    files (or Parquet). csv is UTF-8 with BOM; xlsx adds names beside codes and a legend sheet.
    Text that a spreadsheet would take for a formula is written as plain text.

    \b
    Example:
        eventcode export out/ --format gdelt --to events.gdelt.tsv
        eventcode export out/ --format xlsx --to events.xlsx
    """
    books = _call(lambda: load_codebooks(codebooks))
    summary = _call(lambda: export_events(events_dir, fmt, to, books))
    sheets = f" on {summary.sheets} sheet(s)" if summary.sheets else ""
    click.echo(f"{summary.rows} events -> {summary.path} ({summary.fmt}{sheets})")


@cli.command()
@click.argument("sentence")
@click.option(
    "--date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The story date, YYYY-MM-DD: it picks the office a person held.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as one JSON object.")
@_model_option
@_codebooks_option
@_dyad_option
def explain(
    sentence: str,
    date: dt.datetime | None,
    as_json: bool,
    models: tuple[str, ...],
    codebooks: Path | None,
    require_dyad: bool,
    speaker_accusations: bool,
) -> None:
    """Show how SENTENCE is coded: parse, actors and their codebook lines, patterns, events.

    Where no event is coded, says why: no pattern fits, a negation, a missing source or target,
    or a discard phrase.

    \b
    Example:
        eventcode explain "Azerbaijan accused Armenia of provocations." --date 2023-05-24
    """
    config = Config(
        models=models or DEFAULT_MODELS,
        codebooks=codebooks,
        require_dyad=require_dyad,
        speaker_accusations=speaker_accusations,
    )
    day = date.date() if date is not None else None
    result = _call(lambda: explain_text(sentence, config, date=day))
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_explanation(result))
