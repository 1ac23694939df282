"""The real server under test: `ordermill serve` as a subprocess on a free local port, without
the outbox worker, stopped by its own process id when the measurement is done."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


@dataclass(frozen=True)
class Server:
    pid: int
    port: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        connection.request("GET", "/api/v1/openapi.json")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def serving(database_url: str, *, workers: int) -> Iterator[Server]:
    ordermill = Path(sys.executable).with_name("ordermill")
    port = _free_port()
    command = [str(ordermill), "serve", "--host", HOST, "--port", str(port),
               "--no-with-worker", "--workers", str(workers)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "ORDERMILL_DATABASE_URL": database_url})
        try:
            _wait_until_up(process, port, log)
            yield Server(process.pid, port)
        finally:
            _stop(process)


def _wait_until_up(process: subprocess.Popen[bytes], port: int, log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not _answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise RuntimeError("ordermill serve did not come up:\n"
                               + log.read().decode(errors="replace")[-3000:])
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
