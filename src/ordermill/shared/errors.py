"""The errors a use case may raise; delivery layers map them to HTTP, console and CLI messages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class OrdermillError(Exception):
    """Base of every expected failure; anything else is a bug."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: list[FieldError] = errors or []


class ValidationFailed(OrdermillError):
    status = 422
    slug = "validation-error"
    title = "Validation failed"

    @classmethod
    def on(cls, field_name: str, message: str) -> ValidationFailed:
        return cls(f"{field_name}: {message}", errors=[FieldError(field_name, message)])


class NotFound(OrdermillError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(OrdermillError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class InvalidTransition(Conflict):
    slug = "invalid-transition"
    title = "Transition not allowed"

    def __init__(self, *, entity: str, action: str, current_status: str) -> None:
        article = "an" if entity[:1] in "aeiou" else "a"
        super().__init__(f"cannot {action} {article} {entity} that is {current_status}")
        self.current_status = current_status


@dataclass(frozen=True)
class Shortage:
    sku: str
    requested: int
    available: int


class InsufficientStock(Conflict):
    slug = "insufficient-stock"
    title = "Insufficient stock"

    def __init__(self, shortages: list[Shortage]) -> None:
        skus = ", ".join(f"{s.sku} (requested {s.requested}, available {s.available})"
                         for s in shortages)
        super().__init__(
            f"not enough stock for {skus}",
            errors=[FieldError("lines", f"{s.sku}: only {s.available} available")
                    for s in shortages],
        )
        self.shortages = shortages


class PermissionDenied(OrdermillError):
    status = 403
    slug = "forbidden"
    title = "Permission denied"


class Unauthenticated(OrdermillError):
    status = 401
    slug = "unauthenticated"
    title = "Authentication required"


class TooManyAttempts(OrdermillError):
    status = 429
    slug = "too-many-attempts"
    title = "Too many attempts"


@dataclass
class ErrorCollector:
    """Gathers every field error of an input before failing, so the caller fixes all at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str) -> None:
        self.errors.append(FieldError(field_name, message))

    def raise_if_any(self, detail: str = "the request has invalid fields") -> None:
        if self.errors:
            raise ValidationFailed(detail, errors=list(self.errors))
