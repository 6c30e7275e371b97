"""The Dask engine: the same run on a cluster, row for row; its errors; the local engine without Dask."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from dask.distributed import Client, LocalCluster

import eventcode.dask_engine
from eventcode import ClusterError
from eventcode.cli import cli
from eventcode.dask_engine import Cluster
from eventcode.store import COUNTS

from .test_pipeline import BOOKS, _files, _ledger, _rows, make_stories, write_jsonl

BAD = ['{"id": "broken"', '{"id": "blank", "text": "  "}']


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args, "--codebooks", str(BOOKS)], catch_exceptions=False)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _days(out: Path) -> list[str]:
    return sorted(p.name for p in (out / "events").iterdir())


def _manifest(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "manifest.json").read_text(encoding="utf-8")))


@pytest.mark.model
@pytest.mark.issue(7)
def test_dask_engine_gives_the_local_engines_output_row_for_row_and_reruns_add_nothing(
    tmp_path: Path,
) -> None:
    stories = write_jsonl(tmp_path / "in.jsonl", [*make_stories(40)[:25], *BAD, *make_stories(40)[25:]])
    common = ("--commit-every", "7", "--max-reject-rate", "0.5", "--partitions", "3")
    local = _run(str(stories), "--out", str(tmp_path / "local"), "--engine", "local", *common)
    dask = _run(str(stories), "--out", str(tmp_path / "dask"), "--engine", "dask", "--workers", "2", *common)
    assert local.exit_code == dask.exit_code == 0, (local.stderr, dask.stderr)
    out = local.stdout.replace(str(tmp_path / "local"), "OUT")
    assert dask.stdout.replace(str(tmp_path / "dask"), "OUT") == out  # the same summary
    first, second = _manifest(tmp_path / "local"), _manifest(tmp_path / "dask")
    assert first["events_written"] > 40 and first["stories_rejected"] == 2
    assert {k: first[k] for k in COUNTS} == {k: second[k] for k in COUNTS}
    assert second["settings"]["engine"] == "dask" and first["settings"]["engine"] == "local"
    assert _rows(tmp_path / "dask") == _rows(tmp_path / "local")  # same event ids, every column
    assert _ledger(tmp_path / "dask") == _ledger(tmp_path / "local")
    assert _text(tmp_path / "dask" / "rejects.jsonl") == _text(tmp_path / "local" / "rejects.jsonl")
    assert _days(tmp_path / "dask") == _days(tmp_path / "local")
    assert not list((tmp_path / "dask").rglob("*.tmp"))
    # which story lands in which batch's file depends only on how far reading runs ahead of coding
    # (rejects are counted as read): with as many partitions in flight, the very same files
    two = _run(str(stories), "--out", str(tmp_path / "two"), "--engine", "local", "--workers", "2", *common)
    assert two.exit_code == 0, two.stderr
    assert _files(tmp_path / "dask") == _files(tmp_path / "two")

    files, ledger = _files(tmp_path / "dask"), _ledger(tmp_path / "dask")
    again = _run(str(stories), "--out", str(tmp_path / "dask"), "--engine", "dask", "--workers", "2", *common)
    assert again.exit_code == 0, again.stderr
    rerun = _manifest(tmp_path / "dask")
    assert rerun["stories_skipped"] == 40 and rerun["events_written"] == rerun["sentences"] == 0
    assert _files(tmp_path / "dask") == files and _ledger(tmp_path / "dask") == ledger


_NO_DASK = """
import sys
from eventcode.cli import cli
try:
    cli(["run", sys.argv[1], "--out", sys.argv[2], "--codebooks", sys.argv[3], "--workers", "1"])
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
assert not loaded, loaded
print("no dask")
"""


@pytest.mark.model
@pytest.mark.issue(7)
def test_dask_engine_the_local_engine_never_imports_dask(tmp_path: Path) -> None:
    stories = write_jsonl(tmp_path / "in.jsonl", make_stories(3))
    done = subprocess.run(
        [sys.executable, "-c", _NO_DASK, str(stories), str(tmp_path / "out"), str(BOOKS)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("no dask")
    assert _manifest(tmp_path / "out")["stories_coded"] == 3


@pytest.mark.issue(7)
def test_dask_engine_without_dask_installed_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("dask", "dask.distributed", "distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: `import` fails
    stories = write_jsonl(tmp_path / "in.jsonl", make_stories(2))
    result = _run(str(stories), "--out", str(tmp_path / "out"), "--engine", "dask")
    assert result.exit_code == 1
    assert "pip install 'eventcode[dask]'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "ledger.sqlite").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.issue(7)
def test_dask_engine_an_unreachable_scheduler_is_a_clear_error_in_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(eventcode.dask_engine, "CONNECT_TIMEOUT_SECONDS", 1)
    stories = write_jsonl(tmp_path / "in.jsonl", make_stories(2))
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.monotonic()
    result = _run(str(stories), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler", address)
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    assert f"cannot reach the Dask scheduler at '{address}'" in result.stderr
    assert not (tmp_path / "out" / "ledger.sqlite").exists()  # nothing started, nothing to recover


@pytest.mark.issue(7)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "dask", "--scheduler", "head node"], "'head node' is not a Dask scheduler address"),
        (["--scheduler", "tcp://head:8786"], "--scheduler needs --engine dask"),
    ],
)
def test_dask_engine_a_malformed_address_is_a_clear_error(
    tmp_path: Path, args: list[str], message: str
) -> None:
    stories = write_jsonl(tmp_path / "in.jsonl", make_stories(2))
    result = _run(str(stories), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code in (1, 2) and message in result.stderr
    assert "Traceback" not in result.stderr


def _square(numbers: list[int], offset: int) -> list[int]:
    # later partitions finish first: the results must still come back in input order
    time.sleep(0.05 * (5 - numbers[0] % 5))
    if 13 in numbers:
        raise RuntimeError("thirteen is unlucky")
    return [n * n + offset for n in numbers]


@pytest.fixture(scope="module")
def threads() -> Iterator[Cluster]:
    with (
        LocalCluster(n_workers=1, threads_per_worker=3, processes=False, dashboard_address=None) as local,
        Client(local, set_as_default=False) as client,
    ):
        yield Cluster(client, "inproc")


@pytest.mark.issue(7)
def test_dask_engine_map_keeps_the_order_and_bounds_what_is_in_flight(threads: Cluster) -> None:
    read: list[int] = []

    def items() -> Iterator[int]:
        for n in range(12):
            read.append(n)
            yield n

    results = threads.map(_square, items(), 1, chunk=2)
    assert next(results) == 1 and len(read) <= 2 * 2 * 3 + 2  # two partitions per thread
    assert [1, *results] == [n * n + 1 for n in range(12)]


@pytest.mark.issue(7)
def test_dask_engine_a_failed_partition_names_itself_and_its_error(threads: Cluster) -> None:
    with pytest.raises(ClusterError, match=r"partition 7 \(2 items\) failed .*RuntimeError: thirteen"):
        list(threads.map(_square, range(20), 0, chunk=2))
