"""CPU time spent by groups of processes during a measurement, read from Linux's /proc.

CPU milliseconds per order barely move when neighbours load the machine, unlike orders per
second, so they are the steadier figure for comparing two runs on a shared box.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces; every field after its closing parenthesis is fixed.
    return text[text.rindex(")") + 2:].split()


def process_seconds(pid: int) -> float:
    fields = _stat_fields(pid)
    return 0.0 if fields is None else (int(fields[11]) + int(fields[12])) / _TICKS


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (uvicorn's worker processes, for one)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return tree


def machine_busy_seconds() -> float:
    """CPU seconds all cores together spent on anything but idling since boot."""
    ticks = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle, iowait = ticks[3], ticks[4]
    return (sum(ticks[:8]) - idle - iowait) / _TICKS


class CpuMeter:
    """CPU seconds of each named group between start() and stop(); a group is a callable
    listing its current pids, asked at both ends so processes born in between count too.
    "machine" is every process on the box, neighbours included."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self._groups = groups
        self._before: dict[str, dict[int, float]] = {}
        self._machine = 0.0
        self.seconds: dict[str, float] = {}

    def start(self) -> None:
        self._machine = machine_busy_seconds()
        self._before = {name: {pid: process_seconds(pid) for pid in pids()}
                        for name, pids in self._groups.items()}

    def stop(self) -> None:
        self.seconds["machine"] = machine_busy_seconds() - self._machine
        for name, pids in self._groups.items():
            before = self._before[name]
            now = {pid: process_seconds(pid) for pid in set(pids()) | set(before)}
            self.seconds[name] = sum(max(0.0, seconds - before.get(pid, 0.0))
                                     for pid, seconds in now.items())
