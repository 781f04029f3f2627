"""The run lock: two runs of one spider never overlap.

An exclusive `flock` on a file next to the state. The kernel drops it when the process ends,
however it ends (even SIGKILL), so a stale lock cannot outlive its run. The holder writes its
pid and start time into the file, for the message the next run prints.

Within one process the lock is taken once: the `crawl` command takes it before starting the
crawler (to refuse at once), the state extension then finds it held by its own process.
"""

from __future__ import annotations

import fcntl
import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from newscrawler.state.base import RunLocked, StateError


@dataclass
class RunLock:
    """An acquired run lock; `in_use` is set by the one crawl of this process that uses it."""

    path: Path
    fd: int
    in_use: bool = field(default=False)

    def use(self) -> None:
        """Mark the lock as used by a crawl; a second crawl of the same process is refused."""
        if self.in_use:
            raise RunLocked(str(self.path), f"another crawl of this process (pid {os.getpid()})")
        self.in_use = True

    def release(self) -> None:
        _HELD.pop(self.path, None)
        os.close(self.fd)


_HELD: dict[Path, RunLock] = {}


def acquire_run_lock(path: Path) -> RunLock:
    """Take the lock at `path` without waiting; `RunLocked` if another process holds it."""
    path = path.absolute()
    if path in _HELD:
        return _HELD[path]
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
    lock = _HELD[path] = RunLock(path, fd)
    return lock
