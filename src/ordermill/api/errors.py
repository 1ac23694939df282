"""RFC 9457 problem+json for every error, with the failing fields listed."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ordermill.shared.errors import InsufficientStock, InvalidTransition, OrdermillError

PROBLEM = "application/problem+json"
log = logging.getLogger("ordermill.api")


def problem(status: int, slug: str, title: str, detail: str,
            errors: list[dict[str, str]] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": f"/problems/{slug}", "title": title, "status": status,
                            "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def _field(location: tuple[Any, ...]) -> str:
    parts = [str(p) for p in location if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = exc.errors()
    if any(d.get("type") == "json_invalid" for d in details):
        return problem(400, "malformed-json", "Malformed JSON",
                       "the request body is not valid JSON",
                       [{"field": "body", "message": str(details[0].get("msg"))}])
    errors = [{"field": _field(tuple(d.get("loc", ()))), "message": str(d.get("msg"))}
              for d in details]
    return problem(422, "validation-error", "Validation failed",
                   "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5]), errors)


def _domain(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OrdermillError)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidTransition):
        extra["current_status"] = exc.current_status
    if isinstance(exc, InsufficientStock):
        extra["shortages"] = [{"sku": s.sku, "requested": s.requested, "available": s.available}
                              for s in exc.shortages]
    return problem(exc.status, exc.slug, exc.title, exc.detail,
                   [{"field": e.field, "message": e.message} for e in exc.errors], **extra)


def _http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:
        # FastAPI's answer to a body it could not parse at all (nested too deep, wrong encoding).
        return problem(400, "malformed-json", "Malformed JSON", str(exc.detail),
                       [{"field": "body", "message": str(exc.detail)}])
    title = {404: "Not found", 405: "Method not allowed", 401: "Authentication required",
             403: "Permission denied", 413: "Request too large"}.get(exc.status_code, "Error")
    response = problem(exc.status_code, title.lower().replace(" ", "-"), title, str(exc.detail))
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return problem(500, "internal-error", "Internal error",
                   "something went wrong on our side; it has been logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(OrdermillError, _domain)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
