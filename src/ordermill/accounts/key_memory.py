"""What this process remembers of the API keys it checked in the last few seconds, so an
integration's every request costs neither a database round trip nor a worker thread."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from ordermill.accounts.domain import Principal

# A key revoked in this process is forgotten at once; other processes (the other web workers,
# the CLI) take this long at most to notice.
KEY_MEMORY_SECONDS = 5.0
KEY_MEMORY_CAPACITY = 1024


class RecentKeys:
    """Principals by key hash, each for `seconds` after it was read from the database; the
    least recently used go first when more than `capacity` keys are in use."""

    def __init__(self, seconds: float = KEY_MEMORY_SECONDS,
                 capacity: int = KEY_MEMORY_CAPACITY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds, self.capacity, self.clock = seconds, capacity, clock
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key_hash: str) -> Principal | None:
        with self._lock:
            entry = self._entries.get(key_hash)
            if entry is None:
                return None
            principal, read_at = entry
            if self.clock() - read_at >= self.seconds:
                del self._entries[key_hash]
                return None
            self._entries.move_to_end(key_hash)
            return principal

    def remember(self, key_hash: str, principal: Principal) -> None:
        with self._lock:
            self._entries[key_hash] = (principal, self.clock())
            self._entries.move_to_end(key_hash)
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)

    def forget_key(self, key_id: int) -> None:
        with self._lock:
            for key_hash in [h for h, (p, _) in self._entries.items() if p.id == key_id]:
                del self._entries[key_hash]


recent_keys = RecentKeys()
