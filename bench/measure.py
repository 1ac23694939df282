"""What one measured run collects: a time window, latencies and answers, and their summary."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

PLACED = 201
REFUSED = 409
FAILED = 500


@dataclass(frozen=True)
class Window:
    """Work started in [start, end) counts; what starts earlier is warm-up."""

    start: float
    end: float

    @classmethod
    def after(cls, warmup: float, duration: float, *, clock: float | None = None) -> Window:
        now = time.perf_counter() if clock is None else clock
        return cls(now + warmup, now + warmup + duration)

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class Tally:
    window: Window
    latencies: list[float] = field(default_factory=list)  # seconds, placed orders only
    statuses: Counter[int] = field(default_factory=Counter)
    samples: dict[int, str] = field(default_factory=dict)  # first answer of each failure

    def record(self, status: int, latency: float, body: bytes = b"") -> None:
        self.statuses[status] += 1
        if status in (200, PLACED):
            self.latencies.append(latency)
        else:
            self.samples.setdefault(status, body[:300].decode(errors="replace"))

    def absorb(self, other: Tally) -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)
        for status, sample in other.samples.items():
            self.samples.setdefault(status, sample)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.window.seconds

    def percentile_ms(self, percent: float) -> float | None:
        if not self.latencies:
            return None
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]

    @property
    def failures(self) -> dict[int, int]:
        return {status: count for status, count in sorted(self.statuses.items())
                if status not in (200, PLACED)}
