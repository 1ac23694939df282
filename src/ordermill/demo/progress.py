"""How the demo reports progress on its long stages, without knowing who is watching."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, description: str, total: int) -> None:
        """A new stage begins with `total` steps to go."""

    def advance(self, steps: int = 1) -> None:
        """`steps` more steps of the current stage are done."""


class Silent:
    """For callers that do not watch: tests, scripts."""

    def stage(self, description: str, total: int) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass
