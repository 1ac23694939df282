"""The short memory of checked API keys: how long it lasts, how much it holds, what it drops."""

from __future__ import annotations

from ordermill.accounts.domain import Principal, Role
from ordermill.accounts.key_memory import RecentKeys


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _principal(key_id: int) -> Principal:
    return Principal("api_key", key_id, f"key {key_id}", Role.INTEGRATION)


def test_a_key_is_remembered_until_its_seconds_are_up() -> None:
    clock = Clock()
    keys = RecentKeys(seconds=5.0, clock=clock)
    keys.remember("hash-1", _principal(1))
    clock.now += 4.999
    assert keys.get("hash-1") == _principal(1)
    clock.now += 0.001
    assert keys.get("hash-1") is None
    assert keys.get("hash-1") is None


def test_a_key_never_read_is_not_known() -> None:
    assert RecentKeys(clock=Clock()).get("hash-unknown") is None


def test_the_least_recently_used_key_goes_first_when_full() -> None:
    keys = RecentKeys(capacity=2, clock=Clock())
    keys.remember("hash-1", _principal(1))
    keys.remember("hash-2", _principal(2))
    assert keys.get("hash-1") == _principal(1)
    keys.remember("hash-3", _principal(3))
    assert (keys.get("hash-1"), keys.get("hash-2"), keys.get("hash-3")) == (
        _principal(1), None, _principal(3))


def test_forgetting_a_key_drops_it_and_nothing_else() -> None:
    keys = RecentKeys(clock=Clock())
    keys.remember("hash-1", _principal(1))
    keys.remember("hash-2", _principal(2))
    keys.forget_key(1)
    assert (keys.get("hash-1"), keys.get("hash-2")) == (None, _principal(2))
