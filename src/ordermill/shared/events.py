"""Events a use case publishes; they travel through the outbox after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Event:
    """A fact that happened, named in the past tense by its topic (`order.created`)."""

    topic: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditEntry:
    """Who changed what: before and after snapshots of one entity."""

    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass(frozen=True)
class Actor:
    """Whoever is acting: a user, an API key, the worker or the system itself."""

    kind: str
    id: int | None
    name: str

    @property
    def label(self) -> str:
        return self.name if self.id is None else f"{self.kind}:{self.id} {self.name}"


SYSTEM = Actor("system", None, "system")


class EventSink(Protocol):
    """Anything events can be published to: a unit of work, or a handler's batch."""

    def publish(self, event: Event) -> None: ...


@dataclass
class EventBatch:
    """Events gathered by a handler, appended to the outbox in the handler's transaction."""

    events: list[Event] = field(default_factory=list)

    def publish(self, event: Event) -> None:
        self.events.append(event)
