"""Order-intake benchmark: the real server on PostgreSQL against the database's own ceiling.

Seeds a fresh database, then for each scenario measures pgbench and psycopg running intake's
writes directly (the ceilings), and `ordermill serve` with 1 and 2 web processes taking the
same kind of orders over HTTP; ends with a sell-out of a scarce sku. See bench/README.md.

    python bench/order_intake.py [--clients 16] [--duration 10] [--scenario normal]
"""

from __future__ import annotations

import argparse
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

import report
from checks import check_stock, sellout
from cpu import CpuMeter, process_tree
from direct_sql import run_direct
from http_load import run_load
from measure import Tally, Window
from orders import OrderMaker
from pgbench_ceiling import available as pgbench_available
from pgbench_ceiling import run_pgbench
from seed import (
    CHANNELS,
    SCARCE_PRICE,
    SCARCE_SKU,
    Product,
    World,
    build_world,
    catalog,
    drop_database,
    libpq_conninfo,
)
from server import HOST, serving
from waits import LockWaits

SCENARIOS = ("normal", "hot-sku")
SCARCE_SECONDS = 3.0
Groups = dict[str, Callable[[], list[int]]]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432",
                        help="the PostgreSQL server; its database is only used to create ours")
    parser.add_argument("--database-name", default="ordermill_bench",
                        help="the database to (re)create for the run")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first")
    parser.add_argument("--scenario", choices=(*SCENARIOS, "all"), default="all")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2],
                        help="web process counts to try, one server run each")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure everything this many times; verdicts take the medians")
    parser.add_argument("--keep-database", action="store_true",
                        help="leave the database behind for inspection")
    return parser.parse_args(argv)


def _makers(scenario: str, prefix: str, clients: int) -> list[Callable[[], dict[str, Any]]]:
    channels = [code for code, *_ in CHANNELS]
    always = {"normal": None, "hot-sku": catalog()[0],
              "scarce": Product(SCARCE_SKU, SCARCE_PRICE)}[scenario]
    return [OrderMaker(channels, f"{prefix}-{client}", every_order_has=always,
                       seed=f"{scenario}-{client}").order for client in range(clients)]


def _backends(conninfo: str) -> Callable[[], list[int]]:
    """The PostgreSQL processes serving our database, except the one asking."""
    name = make_url(conninfo).database

    def pids() -> list[int]:
        with psycopg.connect(conninfo) as connection:
            return [row[0] for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()", (name,))]

    return pids


@dataclass(frozen=True)
class Measured:
    tally: Tally
    cpu: dict[str, float]  # CPU seconds of each group inside the window
    lock_waiting: float | None  # mean backends waiting for a lock inside the window


def _metered(conninfo: str, groups: Groups, window: Window,
             work: Callable[[], Tally]) -> Measured:
    """Runs the work while timer threads read CPU exactly at the window's edges and a sampler
    watches for lock waits in between."""
    meter, waits = CpuMeter(groups), LockWaits(conninfo, window)
    timers = [threading.Timer(max(0.0, edge - time.perf_counter()), action)
              for edge, action in ((window.start, meter.start), (window.end, meter.stop))]
    for timer in timers:
        timer.start()
    waits.start()
    try:
        tally = work()
    finally:
        for timer in timers:
            timer.join()
        waits.join()
    return Measured(tally, meter.seconds, waits.waiting)


class Bench:
    """One benchmark run: the seeded world, a token keeping this run's external ids unique,
    and the rows measured so far."""

    def __init__(self, args: argparse.Namespace, world: World) -> None:
        self.args, self.world = args, world
        self.conninfo = libpq_conninfo(make_url(world.url))
        self.run = secrets.token_hex(3)
        self.rows: list[report.Row] = []
        self.round = 1

    @property
    def tag(self) -> str:
        """Starts every external id of this round: each order is new to the server."""
        return f"{self.run}-{self.round}"

    def _window(self) -> Window:
        return Window.after(self.args.warmup, self.args.duration)

    def _record(self, scenario: str, path: str, measured: Measured) -> None:
        tally = measured.tally
        self.rows.append(report.Row(scenario, path, tally, measured.cpu, measured.lock_waiting,
                                    check_stock(self.conninfo), self.round))
        print(f"  {path}: {tally.per_second:.1f} orders/s, "
              f"p99 {report.number(tally.percentile_ms(99))} ms", flush=True)

    def ceilings(self, scenario: str) -> None:
        me = os.getpid()
        if pgbench_available():
            window = self._window()
            measured = _metered(
                self.conninfo, {"db": _backends(self.conninfo), "client": lambda: process_tree(me)},
                window, lambda: run_pgbench(self.world.url, clients=self.args.clients,
                                            window=window, hot=scenario == "hot-sku",
                                            run=f"{self.tag}-{scenario}"))
            self._record(scenario, report.PGBENCH, measured)
        else:
            print("  pgbench is not on PATH: skipping that ceiling")
        window = self._window()
        makers = _makers(scenario, f"{self.tag}-{scenario}-direct", self.args.clients)
        measured = _metered(self.conninfo,
                            {"db": _backends(self.conninfo), "client": lambda: [me]}, window,
                            lambda: run_direct(self.conninfo, makers, window))
        self._record(scenario, report.PSYCOPG, measured)

    def server(self, scenario: str, workers: int, *, warmup: float | None = None,
               duration: float | None = None) -> Tally:
        label = f"server, {workers} process{'es' if workers > 1 else ''}"
        makers = _makers(scenario, f"{self.tag}-{scenario}-{workers}", self.args.clients)
        with serving(self.world.url, workers=workers) as server:
            window = Window.after(self.args.warmup if warmup is None else warmup,
                                  self.args.duration if duration is None else duration)
            groups: Groups = {"app": lambda: process_tree(server.pid),
                              "db": _backends(self.conninfo), "client": lambda: [os.getpid()]}
            measured = _metered(self.conninfo, groups, window, lambda: run_load(
                HOST, server.port, self.world.keys, makers, window))
        self._record(scenario, label, measured)
        return measured.tally

    def scarce(self) -> list[str]:
        workers = max(self.args.workers)
        tally = self.server("scarce", workers, warmup=0.0, duration=SCARCE_SECONDS)
        result = sellout(self.conninfo, SCARCE_SKU, f"{self.tag}-scarce-")
        return report.sellout_lines(result, self.rows[-1].checks, tally)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    scenarios = SCENARIOS if args.scenario == "all" else (args.scenario,)
    print(f"seeding database {args.database_name} ...", flush=True)
    world = build_world(args.database_url, args.database_name)
    try:
        bench = Bench(args, world)
        for bench.round in range(1, args.rounds + 1):
            for scenario in scenarios:
                print(f"round {bench.round}, {scenario}:", flush=True)
                bench.ceilings(scenario)
                for workers in args.workers:
                    bench.server(scenario, workers)
        print("scarce:", flush=True)
        sellout_lines = bench.scarce()
        _print_report(args, bench, sellout_lines)
    finally:
        if not args.keep_database:
            drop_database(args.database_url, args.database_name)
    return 0


def _print_report(args: argparse.Namespace, bench: Bench, sellout_lines: list[str]) -> None:
    with psycopg.connect(bench.conninfo) as connection:
        version = connection.execute("SHOW server_version").fetchone()
    print(f"\nordermill order intake, {args.clients} clients, {args.warmup:g} s warm-up + "
          f"{args.duration:g} s measured, {os.cpu_count()} cores, PostgreSQL "
          f"{version[0] if version else '?'}\n")
    main_rows = [row for row in bench.rows if row.scenario != "scarce"]
    print(report.table(main_rows))
    print("\n" + report.LEGEND + "\n")
    print("\n".join(report.verdicts(main_rows)))
    print(f"\nscarce sku sell-out ({SCARCE_SECONDS:g} s, {args.clients} clients, "
          f"every order wants {SCARCE_SKU}):")
    print("\n".join("  " + line for line in sellout_lines))
    problems = report.failures(bench.rows)
    if problems:
        print("\nanswers other than 201 (a sample of each status):")
        print("\n".join("  " + line for line in problems))


if __name__ == "__main__":
    raise SystemExit(main())
