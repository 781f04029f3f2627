"""A throwaway redis-server for the benchmarks that measure Redis (state, frontier, syndication).

    with redis_server(folder, "--appendonly", "yes", "--appendfsync", "always") as url:
        ...  # url: redis://127.0.0.1:<free port>/0

Its files go to `folder`; no RDB snapshots; further options (persistence) as given.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def redis_server(folder: Path, *options: str) -> Iterator[str]:
    """Start redis-server on a free port of 127.0.0.1, yield its URL, stop it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
               "--save", "", *options, "--loglevel", "warning"]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()
