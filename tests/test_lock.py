import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventcode.errors import OutputLockedError
from eventcode.lock import LOCK_NAME, hold_lock

_HOLD = (
    "import sys, time; from pathlib import Path; from eventcode.lock import hold_lock\n"
    "with hold_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n"
)


def _holder(folder: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", _HOLD, str(folder)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


def test_lock_writes_the_holder_pid(tmp_path: Path) -> None:
    with hold_lock(tmp_path / "out") as path:
        assert path == tmp_path / "out" / LOCK_NAME
        assert path.read_text().strip() == str(os.getpid())


def test_lock_second_holder_fails_at_once_naming_the_first(tmp_path: Path) -> None:
    process = _holder(tmp_path)
    try:
        started = time.monotonic()
        with (
            pytest.raises(
                OutputLockedError, match=f"in use by another eventcode run \\(pid {process.pid}\\)"
            ),
            hold_lock(tmp_path),
        ):
            pass
        assert time.monotonic() - started < 1
    finally:
        process.kill()
        process.wait()


def test_lock_left_by_a_killed_run_does_not_block(tmp_path: Path) -> None:
    process = _holder(tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert (tmp_path / LOCK_NAME).read_text().strip() == str(process.pid)  # the file stays ...
    with hold_lock(tmp_path) as path:  # ... but the lock went with the process
        assert path.read_text().strip() == str(os.getpid())
