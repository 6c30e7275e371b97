"""The `eventcode` command line: click only, one library call per command."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from . import __version__
from .config import DEFAULT_MODELS, Config
from .errors import EventcodeError
from .pipeline import run as run_pipeline

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


@click.group()
@click.version_option(__version__, prog_name="eventcode")
def cli() -> None:
    """Code news stories into CAMEO events (who did what to whom), written as Parquet.

    \b
    Example:
        eventcode run seeds/ --out out/
    """


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Output folder: events/, manifest.json, rejects.jsonl.",
)
@_model_option
@_codebooks_option
def run(inputs: tuple[Path, ...], out: Path, models: tuple[str, ...], codebooks: Path | None) -> None:
    """Code stories from INPUT files into an events dataset in --out.

    INPUT is a JSONL file (one story a line: id, text, optional date YYYY-MM-DD, url,
    publisher) or a folder of .txt stories (a first line `date YYYY-MM-DD` gives the date).
    Without INPUT, the sample story in seeds/ is coded.

    \b
    Example:
        eventcode run stories.jsonl --out out/
    """
    config = Config(models=models or DEFAULT_MODELS, codebooks=codebooks)
    paths = list(inputs) or [Path("seeds")]
    # tqdm stays quiet where stderr is not a terminal (cron, CI)
    with tqdm(unit=" stories", desc="coding", disable=None, file=sys.stderr) as bar:
        summary = _call(lambda: run_pipeline(paths, out, config, progress=bar.update))
    counts = summary.counts
    click.echo(f"eventcode {__version__}: {', '.join(str(p) for p in paths)} -> {out}")
    for key in (
        "stories_read",
        "stories_coded",
        "stories_no_event",
        "stories_rejected",
        "sentences",
        "events_written",
    ):
        click.echo(f"  {key:<18} {counts[key]:>8}")
    if counts["stories_rejected"]:
        click.echo(f"  rejects: {out / 'rejects.jsonl'}", err=True)


T = TypeVar("T")


def _call(action: Callable[[], T]) -> T:
    """Run a library call, turning eventcode's errors into one clear message and exit status 1."""
    try:
        return action()
    except EventcodeError as exc:
        raise click.ClickException(str(exc)) from None
