"""ASGI middleware: a cap on request bodies, no NUL in paths and queries, and `Idempotency-Key`
handling for every POST."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ordermill.db import idempotency
from ordermill.db.engine import Database

MAX_BODY_BYTES = 1_048_576
# Answers that say nothing about the request itself are not replayed.
_NOT_STORED = {401, 403, 409, 429}


async def _send_problem(send: Send, status: int, slug: str, title: str, detail: str,
                        field: str) -> None:
    body = json.dumps({"type": f"/problems/{slug}", "title": title, "status": status,
                       "detail": detail, "errors": [{"field": field, "message": detail}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _nul_field(scope: Scope) -> str | None:
    """The path or query parameter holding a NUL character: no database text column can store
    one, and PostgreSQL refuses even to compare with it."""
    if "\x00" in scope["path"]:
        return "path"
    query: bytes = scope.get("query_string", b"")
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if "\x00" in name + value:
            return name
    return None


class _TooLarge(Exception):
    pass


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


class RequestGuard:
    """Refuses bodies over 1 MiB and makes POSTs with an Idempotency-Key safe to repeat."""

    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        field = _nul_field(scope) if scope["type"] == "http" else None
        if field is not None:
            await _send_problem(send, 422, "validation-error", "Validation failed",
                                f"{field}: must not contain NUL characters", field)
            return
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if int(headers.get("content-length") or 0) > MAX_BODY_BYTES:
            await _send_problem(send, 413, "request-too-large", "Request too large",
                                f"request bodies are limited to {MAX_BODY_BYTES} bytes", "body")
            return
        try:
            body = await _read_body(receive)
        except _TooLarge:
            await _send_problem(send, 413, "request-too-large", "Request too large",
                                f"request bodies are limited to {MAX_BODY_BYTES} bytes", "body")
            return
        key = headers.get("idempotency-key")
        if key is None or scope["method"] != "POST":
            await self.app(scope, _replaying(body), send)
            return
        await self._idempotent(scope, body, key.strip().strip('"'), headers, send)

    async def _idempotent(self, scope: Scope, body: bytes, key: str, headers: dict[str, str],
                          send: Send) -> None:
        if not 1 <= len(key) <= 255:
            await _send_problem(send, 400, "bad-idempotency-key", "Bad Idempotency-Key",
                                "an Idempotency-Key is 1 to 255 characters", "Idempotency-Key")
            return
        owner = hashlib.sha256(headers.get("authorization", "").encode()).hexdigest()[:80]
        target = scope["path"] + ("?" + scope["query_string"].decode()
                                  if scope.get("query_string") else "")
        fingerprint = idempotency.fingerprint("POST", target, body)
        outcome = await to_thread.run_sync(idempotency.claim, self.database, owner, key,
                                           fingerprint)
        if isinstance(outcome, idempotency.Mismatch):
            await _send_problem(send, 422, "idempotency-key-reused", "Idempotency-Key reused",
                                "this Idempotency-Key was used with a different request",
                                "Idempotency-Key")
        elif isinstance(outcome, idempotency.InFlight):
            await _send_problem(send, 409, "idempotency-key-in-flight",
                                "Request still in progress",
                                "a request with this Idempotency-Key is still being processed",
                                "Idempotency-Key")
        elif isinstance(outcome, idempotency.Replay):
            await send({"type": "http.response.start", "status": outcome.status,
                        "headers": [(b"content-type", outcome.media_type.encode()),
                                    (b"content-length", str(len(outcome.body)).encode()),
                                    (b"idempotent-replayed", b"true")]})
            await send({"type": "http.response.body", "body": outcome.body})
        else:
            await self._first_time(scope, body, outcome.record_id, send)

    async def _first_time(self, scope: Scope, body: bytes, record_id: int, send: Send) -> None:
        captured: dict[str, Any] = {"status": 500, "type": "application/json", "body": []}
        last: list[Message] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        captured["type"] = value.decode("latin-1")
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    # Held back until the outcome is stored, so a client repeating the
                    # request the moment it has this answer gets the replay, not a 409.
                    last.append(message)
                    return
            await send(message)

        try:
            await self.app(scope, _replaying(body), capture)
        finally:
            status = captured["status"]
            if status >= 500 or status in _NOT_STORED:
                await to_thread.run_sync(idempotency.release, self.database, record_id)
            else:
                await to_thread.run_sync(idempotency.store, self.database, record_id, status,
                                         b"".join(captured["body"]), captured["type"])
        for message in last:
            await send(message)


def _replaying(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
