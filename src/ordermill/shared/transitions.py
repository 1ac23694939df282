"""A declarative status-transition table: every allowed move in one place, read at a glance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ordermill.shared.errors import InvalidTransition


@dataclass(frozen=True)
class TransitionTable:
    entity: str
    # action -> (statuses it may start from, status it leads to); None keeps the status.
    moves: Mapping[str, tuple[frozenset[str], str | None]]

    @classmethod
    def of(cls, entity: str,
           rows: Iterable[tuple[str, Iterable[str], str | None]]) -> TransitionTable:
        return cls(entity, {action: (frozenset(sources), target)
                            for action, sources, target in rows})

    def allows(self, action: str, current: str) -> bool:
        sources, _ = self.moves[action]
        return current in sources

    def apply(self, action: str, current: str) -> str:
        sources, target = self.moves[action]
        if current not in sources:
            raise InvalidTransition(entity=self.entity, action=action, current_status=current)
        return current if target is None else target
