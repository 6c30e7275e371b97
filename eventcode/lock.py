"""One run at a time per output folder: an OS lock on `DIR/.lock`, which holds the holder's pid.

The lock is a POSIX record lock (`fcntl.lockf`), which the kernel drops when its process ends,
however it ends (`kill -9` included): a lock file left by a killed run never blocks the next one.
Unlike `flock`, a record lock is not inherited by child processes, so a worker that outlives a
killed run does not keep the folder locked.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputLockedError

LOCK_NAME = ".lock"


@contextmanager
def hold_lock(folder: Path) -> Iterator[Path]:
    """Hold the output folder's lock for the block, creating the folder if needed.

    Args:
        folder: The output folder.

    Yields:
        The lock file's path.

    Raises:
        OutputLockedError: Another process holds the lock; the message names its pid.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputLockedError(
                f"{folder} is in use by another eventcode run (pid {holder}); "
                "one run at a time per output folder: wait for it to finish, or use another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield path
    finally:
        # closing the descriptor releases the lock; the file stays, harmless, with the last pid
        os.close(fd)
