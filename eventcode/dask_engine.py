"""Code batches of stories on a Dask cluster: the `--engine dask` counterpart of `workers`.

Only the coding moves. The driver (the process that calls `pipeline.run`) still reads the
inputs, keeps the ledger and writes the output folder, as with the local engine; each partition
is one call of the partition function (`pipeline.code_chunk`) on a worker, which loads the model
once per worker process and keeps it. Results come back in input order, so the output is the
same as the local engine's, row for row. At most two partitions per worker thread are in
flight, so the driver's memory stays flat whatever the input's size.

Dask is imported here only, when a cluster is opened: the local engine never imports it.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from itertools import islice
from typing import Any, Generic, TypeVar

from .errors import ClusterError

logger = logging.getLogger(__name__)
T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")
INSTALL_HINT = "pip install 'eventcode[dask]'"
# a wrong address must fail in seconds, not hang a cron job; a live scheduler answers at once
CONNECT_TIMEOUT_SECONDS = 10


class Cluster:
    """An open connection to a Dask cluster, as `connect` gives it.

    Args:
        client: The `dask.distributed.Client`.
        address: The scheduler's address, for messages.
    """

    def __init__(self, client: Any, address: str) -> None:
        self.client = client
        self.address = address

    @property
    def threads(self) -> int:
        """The worker threads of the cluster now (at least 1)."""
        threads: dict[str, int] = self.client.nthreads()
        return max(1, sum(threads.values()))

    def map(
        self,
        function: Callable[[list[T], A], list[R]],
        items: Iterable[T],
        argument: A,
        *,
        chunk: int,
        label: Callable[[list[T]], str] = lambda batch: f"{len(batch)} items",
    ) -> Iterator[R]:
        """Apply `function(partition, argument)` over partitions of `items`; yield results in order.

        Same shape as `workers.map_in_processes`: items are read lazily as partitions complete,
        at most two partitions per worker thread are in flight.

        Args:
            function: A module-level function (workers import it by name: they need eventcode).
            items: The items.
            argument: Sent with every partition (small).
            chunk: Items per partition.
            label: Names a partition's items in an error message.

        Yields:
            The results of each partition, in the order of the items.

        Raises:
            ClusterError: A partition failed on the cluster (its error, and which partition).
        """
        in_flight: _Window[R] = _Window()
        source = iter(items)
        try:
            while True:
                while len(in_flight) < 2 * self.threads and (batch := list(islice(source, chunk))):
                    future = self.client.submit(function, batch, argument, pure=False)
                    in_flight.add(future, label(batch))
                if not in_flight:
                    return
                yield from in_flight.next_result(self.address)
        finally:
            # a run stopped early (an error, a closed generator) leaves nothing running
            self.client.cancel(in_flight.futures())


class _Window(Generic[R]):
    """The partitions in flight, oldest first, each with its number and label."""

    def __init__(self) -> None:
        self._items: deque[tuple[Any, int, str]] = deque()
        self._number = 0

    def __len__(self) -> int:
        return len(self._items)

    def add(self, future: Any, label: str) -> None:
        self._number += 1
        self._items.append((future, self._number, label))

    def futures(self) -> list[Any]:
        return [future for future, _, _ in self._items]

    def next_result(self, address: str) -> list[R]:
        future, number, label = self._items.popleft()
        try:
            result: list[R] = future.result()
        except Exception as exc:  # the worker's own error, sent back by Dask: any type
            raise ClusterError(
                f"partition {number} ({label}) failed on the Dask cluster at {address}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        return result


@contextmanager
def connect(*, workers: int, scheduler: str | None = None) -> Iterator[Cluster]:
    """Open a Dask cluster for one run, and close what was started when done.

    Args:
        workers: Without `scheduler`, the processes of the local cluster started for the run
            (one thread each: spaCy parses on one core per process).
        scheduler: The address of a running cluster's scheduler (`tcp://host:8786`).

    Yields:
        The open cluster.

    Raises:
        ClusterError: Dask is not installed, or the scheduler cannot be reached.
    """
    try:
        from dask.distributed import Client, LocalCluster
        from distributed.comm.addressing import get_address_host_port
    except ImportError as exc:
        raise ClusterError(
            f"the Dask engine needs Dask distributed, which is not installed ({exc}): {INSTALL_HINT}"
        ) from None
    with ExitStack() as stack:
        if scheduler is None:
            # dask's own constructors are untyped; no dashboard: a second run must not fight for its port
            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            stack.callback(cluster.close)
            target: Any = cluster
            address = str(cluster.scheduler_address)
        else:
            try:  # first: a Client given a malformed address hangs 20 s on closing itself
                get_address_host_port(scheduler)
            except ValueError as exc:
                raise ClusterError(
                    f"{scheduler!r} is not a Dask scheduler address ({exc}): give tcp://HOST:PORT, "
                    "as `dask scheduler` prints it"
                ) from None
            target = address = scheduler
        try:
            client = Client(  # type: ignore[no-untyped-call]
                target, timeout=CONNECT_TIMEOUT_SECONDS, set_as_default=False
            )
        except (OSError, TimeoutError) as exc:
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler!r} within "
                f"{CONNECT_TIMEOUT_SECONDS} s ({type(exc).__name__}: {exc}); start it with "
                "`dask scheduler`, or leave out the address for a local cluster"
            ) from None
        stack.callback(client.close)
        logger.info("coding on the Dask cluster at %s", address, extra={"scheduler": address})
        yield Cluster(client, address)
