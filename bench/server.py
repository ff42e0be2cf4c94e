"""The real app as a local server: `streamlit run app.py` on a free loopback port against a
database file, for the benchmark's browser timings (bench.browser) and the browser tests
(tests/browser/conftest.py), which drive the same server the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 120


class ServerError(RuntimeError):
    """The server exited, or did not answer its health check in time (the message ends with its log)."""


@dataclass(frozen=True)
class Server:
    base_url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db_path: Path, key_path: Path, log_path: Path,
                     timeout_s: float = START_TIMEOUT_S) -> Iterator[Server]:
    """The app serving `db_path` once it answers its health check; stopped on leaving the block.
    Raises ServerError when it exits first or does not answer within `timeout_s`."""
    port = free_port()
    env = {**os.environ, "WORKFORCE_DB": str(db_path), "WORKFORCE_KEY_FILE": str(key_path), "PYTHONUNBUFFERED": "1"}
    # .streamlit/config.toml hides the Deploy button and developer menu (a browser test checks it)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--server.runOnSave", "false",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_healthy(server, timeout_s)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_healthy(server: Server, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"streamlit exited with code {server.process.returncode} before answering:\n"
                              f"{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise ServerError(f"streamlit did not answer /_stcore/health within {timeout_s:.0f} s:\n{server.log_tail()}")
