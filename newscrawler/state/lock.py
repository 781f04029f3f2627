"""The run lock: two runs of one spider never overlap.

An exclusive `flock` on a file next to the state, taken by the state extension before anything
is fetched. The kernel drops it when the process ends, however it ends (even SIGKILL), so a
stale lock cannot outlive its run. The holder writes its pid and start time into the file, for
the message the next run prints.
"""

from __future__ import annotations

import fcntl
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from newscrawler.state.base import RunLocked, StateError


@dataclass
class RunLock:
    """An acquired run lock."""

    path: Path
    fd: int

    def release(self) -> None:
        os.close(self.fd)


def acquire_run_lock(path: Path) -> RunLock:
    """Take the lock at `path` without waiting; `RunLocked` if another run holds it (in
    another process, or another crawl of this one)."""
    path = path.absolute()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise StateError(f"cannot create the lock file {path}: {error}") from error
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        os.close(fd)
        raise RunLocked(str(path), holder) from None
    since = datetime.now(timezone.utc).isoformat(timespec="seconds")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {since}\n".encode(), 0)
    return RunLock(path, fd)
