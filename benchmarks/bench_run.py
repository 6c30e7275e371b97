"""Benchmark the nightly run: speed against bare spaCy, the coding stage alone, memory, workers.

    .venv/bin/python benchmarks/bench_run.py [--sentences 20000] [--memory-sentences 200000]
        [--engines-only]

Builds a corpus of news-like stories from `data/bench_templates.txt` (filled with the shipped
country names), the sentences of `seeds/`, and, when `../shared/eval/` is there, the texts of
the shared dev sets; then prints, from one run on this machine:

1. sentences/s of the whole `eventcode run` (a subprocess: start-up, reading, coding, ledger,
   Parquet) against bare `nlp.pipe` with the same model and components over the same sentences
   (also a subprocess, model load included), and their ratio (target: at least 0.85);
2. sentences/s of the coding stage alone (actors, events, roles) on parsed sentences, one core
   (target: at least 3,000);
3. peak memory (the run's process tree, sampled) of a run over `--memory-sentences`, with the
   resident size at each tenth of the run, against the smaller run's peak (target: at most 1 GB,
   and flat);
4. the speed-up of `--workers 2` over `--workers 1`;
5. `--engine dask --workers 2` (a local Dask cluster of 2 worker processes, started by the run)
   against the local engine with `--workers 2`, and whether they wrote the same events
   (`--engines-only` runs just 4 and 5).

A figure, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED_EVAL = REPO.parent / "shared" / "eval"
PUBLISHERS = ["Wire A", "Wire B", "Daily C", "Herald D", "Post E"]


def sentence_pool(seed: int = 20) -> list[str]:
    """Sentences for the corpus: filled templates, the seed story's, the shared dev sets' texts."""
    from eventcode.model import Story
    from eventcode.segment import split_sentences

    rng = random.Random(seed)
    names, adjectives = _countries()
    templates = [
        line.strip()
        for line in (REPO / "data" / "bench_templates.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pool = []
    for _ in range(4000):
        a, b = rng.sample(names, 2)
        pool.append(
            rng.choice(templates).format(A=a, B=b, a=rng.choice(adjectives), b=rng.choice(adjectives))
        )
    for path in sorted((REPO / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8").replace("date ", "", 1)
        pool.extend(s.text for s in split_sentences(Story("seed", text)))
    if SHARED_EVAL.is_dir():
        for path in sorted(SHARED_EVAL.glob("*.jsonl")):
            for line in path.read_text(encoding="utf-8").splitlines():
                text = json.loads(line)["text"]
                pool.extend(s.text for s in split_sentences(Story("eval", text)))
    return pool


def _countries() -> tuple[list[str], list[str]]:
    names, adjectives = [], []
    with (REPO / "codebooks" / "actors" / "countries.tsv").open(encoding="utf-8") as rows:
        for row in csv.reader((r for r in rows if not r.startswith("#")), delimiter="\t"):
            if len(row) >= 3 and row[1] == "name" and row[2][:1].isupper():
                names.append(row[2])
            elif len(row) >= 3 and row[1] == "adjective":
                adjectives.append(row[2])
    return names, adjectives


def build_corpus(path: Path, sentences: int, pool: list[str], *, seed: int = 5) -> int:
    """Write a JSONL corpus of stories of 5-15 sentences drawn from the pool, with at least
    `sentences` sentences as the run splits them; return that number."""
    from eventcode.model import Story
    from eventcode.segment import split_sentences

    rng = random.Random(seed)
    written = 0
    with path.open("w", encoding="utf-8") as out:
        number = 0
        while written < sentences:
            text = " ".join(rng.choice(pool) for _ in range(rng.randint(5, 15)))
            day = f"2024-03-{1 + number % 28:02d}"
            record = {"id": f"b{number:07d}", "text": text, "date": day, "publisher": rng.choice(PUBLISHERS)}
            out.write(json.dumps(record) + "\n")
            written += sum(1 for _ in split_sentences(Story(record["id"], text)))
            number += 1
    return written


def corpus_sentences(path: Path) -> list[str]:
    """The sentences the run will parse, split as the run splits them."""
    from eventcode.ingest import read_stories
    from eventcode.model import Story
    from eventcode.segment import split_sentences

    return [s.text for r in read_stories([path]) if isinstance(r, Story) for s in split_sentences(r)]


_BARE = """
import sys, time, spacy
from eventcode.config import DEFAULT_MODELS
from eventcode.parse import load_model
started = time.perf_counter()
nlp = load_model(DEFAULT_MODELS)
texts = open(sys.argv[1], encoding="utf-8").read().split("\\n")
for doc in nlp.pipe(texts, batch_size=256):
    pass
print(len(texts), time.perf_counter() - started, "+".join(nlp.pipe_names))
"""


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores), from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _timed(command: list[str]) -> tuple[float, float, str]:
    """Run a command; return its wall time, the peak resident size of its process tree, its stdout.

    Also records how much CPU other processes of the machine took meanwhile (`_timed.others`,
    in cores): figures taken while something else runs are slower than the machine can do.
    """
    busy, own = _busy_seconds(), _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    samples: list[tuple[float, int]] = []
    sampler = threading.Thread(target=_sample, args=(process, samples, started), daemon=True)
    sampler.start()
    stdout, _ = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 3):
        raise SystemExit(f"{' '.join(command)} failed with status {process.returncode}")
    _timed.samples = samples  # type: ignore[attr-defined]
    others = (_busy_seconds() - busy) - (_children_cpu() - own)
    _timed.others = max(0.0, others) / elapsed  # type: ignore[attr-defined]
    return elapsed, max((rss for _, rss in samples), default=0) / 2**20, stdout


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sample(process: subprocess.Popen[str], samples: list[tuple[float, int]], started: float) -> None:
    while process.poll() is None:
        samples.append((time.perf_counter() - started, _tree_rss(process.pid)))
        time.sleep(0.25)


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1]) * 1024
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def _run(corpus: Path, out: Path, workers: int, engine: str = "local") -> tuple[float, float, dict[str, Any]]:
    import shutil

    shutil.rmtree(out, ignore_errors=True)  # a fresh folder: every story is coded
    command = [
        sys.executable,
        "-m",
        "eventcode",
        "run",
        str(corpus),
        "--out",
        str(out),
        "--workers",
        str(workers),
        "--engine",
        engine,
    ]
    elapsed, peak, _ = _timed([*command, "--max-reject-rate", "1"])
    return elapsed, peak, json.loads((out / "manifest.json").read_text())


def _events(out: Path) -> list[dict[str, Any]]:
    from eventcode.dataset import read_events_table as read_events

    return sorted(read_events(out / "events").to_pylist(), key=lambda r: r["event_id"])


def _best(repeat: int, measure: Any) -> Any:
    """The fastest of `repeat` measurements (others' load on a shared machine only slows one)."""
    results = []
    for _ in range(repeat):
        results.append((*measure(), _timed.others))  # type: ignore[attr-defined]
    return min(results, key=lambda r: r[0])


def coding_stage(sentences: list[str], limit: int) -> tuple[int, float]:
    """Parse up to `limit` sentences, then time the coding stage alone on the parses."""
    from eventcode.config import Config
    from eventcode.model import Sentence, Story
    from eventcode.pipeline import code_parsed, load_resources

    resources = load_resources(Config())
    texts = sentences[:limit]
    docs = list(resources.nlp.pipe(texts, batch_size=256))
    stories = []
    for start in range(0, len(texts), 10):  # stories of ten sentences, as coding keeps context per story
        story = Story(f"c{start}", " ".join(texts[start : start + 10]))
        parsed = [
            (Sentence(story.story_id, i, texts[start + i]), docs[start + i])
            for i in range(len(texts[start : start + 10]))
        ]
        stories.append((story, parsed))
    started = time.perf_counter()
    events = sum(len(code_parsed(story, parsed, resources).events) for story, parsed in stories)
    return events, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--memory-sentences", type=int, default=200_000)
    parser.add_argument("--coding-sentences", type=int, default=6_000)
    parser.add_argument("--repeat", type=int, default=2, help="best of this many timings (default 2)")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--engines-only", action="store_true", help="only 4 and 5: --workers 2, Dask")
    args = parser.parse_args()
    pool = sentence_pool()
    print(
        f"sentence pool: {len(pool)} sentences "
        f"({'with' if SHARED_EVAL.is_dir() else 'without'} ../shared/eval)"
    )
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
        f"timings are the best of {args.repeat}"
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        corpus = work / "corpus.jsonl"
        build_corpus(corpus, args.sentences, pool)
        sentences = corpus_sentences(corpus)
        n = len(sentences)
        (work / "sentences.txt").write_text("\n".join(sentences), encoding="utf-8")
        print(
            f"corpus: {n} sentences in {sum(1 for _ in corpus.open())} stories, "
            f"{corpus.stat().st_size / 2**20:.1f} MB"
        )

        one_time = None
        if not args.engines_only:
            bare_time, bare_peak, stdout, bare_load = _best(
                args.repeat, lambda: _timed([sys.executable, "-c", _BARE, str(work / "sentences.txt")])
            )
            _, parse_only, components = stdout.split()
            print(
                f"\n1. bare nlp.pipe ({components}), whole process: {bare_time:.1f} s, {n / bare_time:.0f} "
                f"sentences/s (after the model load: {n / float(parse_only):.0f}/s) "
                f"[other load {bare_load:.2f} cores]"
            )
            one_time, one_peak, manifest, one_load = _best(
                args.repeat, lambda: _run(corpus, work / "out1", workers=1)
            )
            assert manifest["sentences"] == n, (manifest["sentences"], n)
            print(
                f"   eventcode run --workers 1, whole process: {one_time:.1f} s, "
                f"{n / one_time:.0f} sentences/s, "
                f"{manifest['events_written']} events, {manifest['stories_read']} stories "
                f"[other load {one_load:.2f} cores]"
            )
            print(f"   ratio eventcode run / bare nlp.pipe: {bare_time / one_time:.3f} (target >= 0.85)")

            events, coding_time = coding_stage(sentences, args.coding_sentences)
            coded = min(n, args.coding_sentences)
            print(
                f"\n2. coding stage alone (actors, events, roles) on {coded} parsed sentences, one core: "
                f"{coded / coding_time:.0f} sentences/s, {events} events (target >= 3000)"
            )

        two_time, two_peak, manifest2, two_load = _best(
            args.repeat, lambda: _run(corpus, work / "out2", workers=2)
        )
        speedup = f"speed-up over --workers 1: {one_time / two_time:.2f}x; " if one_time else ""
        print(
            f"\n4. eventcode run --workers 2: {two_time:.1f} s, {n / two_time:.0f} sentences/s; "
            f"{speedup}peak memory {two_peak:.0f} MB [other load {two_load:.2f} cores]"
        )
        if one_time:
            same = manifest2["events_written"] == manifest["events_written"]
            print(f"   same events as --workers 1: {same}")

        dask_time, dask_peak, manifest3, dask_load = _best(
            args.repeat, lambda: _run(corpus, work / "out_dask", workers=2, engine="dask")
        )
        print(
            f"\n5. eventcode run --engine dask --workers 2 (local cluster, started by the run): "
            f"{dask_time:.1f} s, {n / dask_time:.0f} sentences/s; {two_time / dask_time:.2f}x the "
            f"local engine with --workers 2; peak memory {dask_peak:.0f} MB "
            f"[other load {dask_load:.2f} cores]"
        )
        same = manifest3["events_written"] == manifest2["events_written"] and _events(
            work / "out_dask"
        ) == _events(work / "out2")
        print(f"   same events as the local engine, row for row: {same}")
        if args.engines_only:
            return

        print(
            f"\n3. peak memory, --workers 1, {n} sentences: {one_peak:.0f} MB "
            f"(bare nlp.pipe: {bare_peak:.0f} MB)"
        )
        if not args.skip_memory:
            big = work / "big.jsonl"
            total = build_corpus(big, args.memory_sentences, pool, seed=6)
            big_time, big_peak, big_manifest = _run(big, work / "out3", workers=1)
            samples = _timed.samples  # type: ignore[attr-defined]
            tenths = [
                max((rss for t, rss in samples if t <= big_time * k / 10), default=0) / 2**20
                for k in range(1, 11)
            ]
            print(
                f"   --workers 1, {total} sentences ({big_time:.0f} s, {total / big_time:.0f}/s, "
                f"{big_manifest['events_written']} events): peak {big_peak:.0f} MB (target <= 1024) "
                f"[other load {_timed.others:.2f} cores]"
            )  # type: ignore[attr-defined]
            print("   peak so far at each tenth of the run (MB): " + " ".join(f"{m:.0f}" for m in tenths))


if __name__ == "__main__":
    main()
