"""The HTTP load: N keep-alive connections, each posting one order after another.

All connections share one asyncio loop and speak just enough HTTP/1.1 to post JSON and read a
Content-Length answer: about 0.2 ms of CPU per order, where httpx's AsyncClient took about 2 ms.
On a 2-core machine every cycle the client burns is taken from the server it measures.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from measure import Tally, Window


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, key: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = json.dumps(payload).encode()
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {key}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status, length, closing = _parse_head(head)
        answer = await self.reader.readexactly(length)
        if closing:
            await self.close()
        return status, answer

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()
            self.writer = self.reader = None


def _parse_head(head: bytes) -> tuple[int, int, bool]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return status, int(headers.get("content-length", "0")), headers.get("connection") == "close"


async def _client(host: str, port: int, keys: dict[str, str],
                  make_order: Callable[[], dict[str, Any]], tally: Tally) -> None:
    connection = _Connection(host, port)
    try:
        while (started := time.perf_counter()) < tally.window.end:
            order = make_order()
            status, body = await connection.post("/api/v1/orders", keys[order["channel"]],
                                                 order)
            if started >= tally.window.start:
                tally.record(status, time.perf_counter() - started, body)
    finally:
        await connection.close()


def run_load(host: str, port: int, keys: dict[str, str],
             makers: list[Callable[[], dict[str, Any]]], window: Window) -> Tally:
    """One client per maker until the window closes; tallies what started inside it."""

    async def main() -> Tally:
        tally = Tally(window)
        await asyncio.gather(*(_client(host, port, keys, make, tally) for make in makers))
        return tally

    return asyncio.run(main())
