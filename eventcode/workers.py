"""Run a chunk function in several processes over a stream, results in input order, memory flat.

The pipeline hands each worker whole chunks of stories to code (split, parse, actors, events,
roles), so only stories go out and events come back, and the main process is left to read, keep
the ledger and write. At most two chunks per worker are in flight.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")


def map_in_processes(
    function: Callable[[list[T], A], list[R]],
    items: Iterable[T],
    argument: A,
    *,
    workers: int,
    chunk: int,
) -> Iterator[R]:
    """Apply `function(chunk_of_items, argument)` in `workers` processes; yield results in order.

    Args:
        function: A module-level function (it is sent to the workers by name).
        items: The items, read lazily as workers free up.
        argument: Passed with every chunk (small: it is sent each time).
        workers: How many processes.
        chunk: Items per call.

    Yields:
        The results of each chunk, in the order of the items.
    """
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited threads or locks
    window: deque[Future[list[R]]] = deque()
    source = iter(items)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_watch_parent, initargs=(os.getpid(),)
    ) as pool:
        while True:
            while len(window) < 2 * workers and (batch := list(islice(source, chunk))):
                window.append(pool.submit(function, batch, argument))
            if not window:
                return
            yield from window.popleft().result()


def _watch_parent(parent: int) -> None:
    """End this worker when the main process is gone (killed), so that no orphan keeps running."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="watch-parent").start()
