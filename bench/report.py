"""The benchmark's printed report: one table row per measured path, ratios to the ceilings,
CPU cost per order, the stock checks, and the verdict against the intake targets."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from checks import Sellout, StockChecks
from measure import Tally

TARGET_SHARE = 0.30  # of the pgbench ceiling
TARGET_P99_MS = 100.0
PGBENCH, PSYCOPG = "pgbench", "psycopg"


@dataclass(frozen=True)
class Row:
    scenario: str
    path: str  # PGBENCH, PSYCOPG, or the server and its process count
    tally: Tally
    cpu: dict[str, float]  # CPU seconds in the window: app, db, client, machine
    lock_waiting: float | None  # mean backends waiting for a lock
    checks: StockChecks
    round: int = 1  # the ceilings and servers of one round are measured one after the other

    @property
    def is_server(self) -> bool:
        return self.path not in (PGBENCH, PSYCOPG)

    def cpu_ms_per_order(self, group: str) -> float | None:
        placed = len(self.tally.latencies)
        if group not in self.cpu or not placed:
            return None
        return 1000 * self.cpu[group] / placed

    @property
    def neighbour_cores(self) -> float | None:
        """Cores busy with processes outside this run: neighbours and PostgreSQL's own."""
        if "machine" not in self.cpu:
            return None
        ours = sum(seconds for group, seconds in self.cpu.items() if group != "machine")
        return max(0.0, self.cpu["machine"] - ours) / self.tally.window.seconds


def number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


Ceilings = dict[tuple[int, str, str], Row]


def _ceilings(rows: list[Row]) -> Ceilings:
    return {(row.round, row.scenario, row.path): row for row in rows if not row.is_server}


def _share(row: Row, ceilings: Ceilings, path: str) -> float | None:
    ceiling = ceilings.get((row.round, row.scenario, path))
    if not row.is_server or ceiling is None or not ceiling.tally.per_second:
        return None
    return row.tally.per_second / ceiling.tally.per_second


_COLUMNS = ("round", "scenario", "path", "orders/s", "p50 ms", "p95 ms", "p99 ms", "failed",
            "of pgbench", "of psycopg", "app ms", "db ms", "client ms", "others",
            "lock waits", "oversold", "drift")


def table(rows: list[Row]) -> str:
    ceilings = _ceilings(rows)
    cells = [list(_COLUMNS)]
    for row in rows:
        tally = row.tally
        shares = [_share(row, ceilings, path) for path in (PGBENCH, PSYCOPG)]
        cells.append([
            str(row.round), row.scenario, row.path, number(tally.per_second),
            *(number(tally.percentile_ms(p)) for p in (50, 95, 99)),
            str(sum(tally.failures.values())),
            *("-" if share is None else f"{share:.0%}" for share in shares),
            *(number(row.cpu_ms_per_order(group), 2) for group in ("app", "db", "client")),
            number(row.neighbour_cores, 2), number(row.lock_waiting, 2),
            str(row.checks.oversold),
            str(row.checks.reserved_drift + row.checks.ledger_drift)])
    widths = [max(len(line[i]) for line in cells) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) if 0 < i < 3 else cell.rjust(width)
                       for i, (cell, width) in enumerate(zip(line, widths, strict=True)))
             for line in cells]
    return "\n".join([lines[0], "-" * len(lines[0]), *lines[1:]])


LEGEND = """\
orders/s: placed orders started inside the measured window, per second of it.
failed: answers other than 201 (the direct paths count an out-of-stock refusal).
of pgbench / of psycopg: the server's orders/s as a share of that ceiling's, same scenario.
app/db/client ms: CPU milliseconds per placed order of the server processes, the PostgreSQL
  backends serving this run, and the load generator (pgbench backends and client included).
others: cores busy with anything else: neighbours, and PostgreSQL's background processes.
lock waits: backends waiting for a lock (another order's stock row), on average.
oversold: stock rows with reserved > on_hand - safety_stock after the run, over all runs so far.
drift: stock rows whose reserved differs from their allocations or on-hand from the ledger."""


def verdicts(rows: list[Row]) -> list[str]:
    """Each server path against the targets: the median over the rounds of its share of the
    pgbench ceiling measured in the same round, and of its p99."""
    ceilings = _ceilings(rows)
    runs: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        if row.is_server:
            runs.setdefault((row.scenario, row.path), []).append(row)
    lines = []
    for (scenario, path), measured in runs.items():
        shares = [s for row in measured if (s := _share(row, ceilings, PGBENCH)) is not None]
        p99s = [p for row in measured if (p := row.tally.percentile_ms(99)) is not None]
        share = median(shares) if shares else None
        p99 = median(p99s) if p99s else None
        oversold = max(row.checks.oversold for row in measured)
        met = (share is not None and share >= TARGET_SHARE and p99 is not None
               and p99 < TARGET_P99_MS and oversold == 0)
        over = f", median of {len(measured)} rounds" if len(measured) > 1 else ""
        lines.append(f"{scenario}, {path}: {'meets' if met else 'misses'} the target "
                     f"({number(None if share is None else 100 * share, 0)}% of pgbench, "
                     f"p99 {number(p99)} ms, oversold {oversold}{over})")
    return lines


def failures(rows: list[Row]) -> list[str]:
    return [f"{row.scenario}, {row.path}: {count} x {status}: {row.tally.samples.get(status, '')}"
            for row in rows for status, count in row.tally.failures.items()]


def sellout_lines(result: Sellout, checks: StockChecks, tally: Tally) -> list[str]:
    refused = tally.statuses.get(409, 0)
    return [
        f"units for sale {result.for_sale}, reserved {result.reserved}, "
        f"over-reserved {max(0, result.reserved - result.for_sale)}",
        f"orders confirmed {result.confirmed}, backordered {result.backordered}, "
        f"refused for want of stock {refused}, other failures "
        f"{sum(tally.failures.values()) - refused}",
        f"oversold stock rows {checks.oversold}, reserved drift {checks.reserved_drift}, "
        f"ledger drift {checks.ledger_drift}"]
