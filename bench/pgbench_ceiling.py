"""The ceiling as the database sees it: pgbench, a C client, runs intake's writes for one order
as one transaction, from a script written at run time into a temporary directory.

The script draws 1-4 lines with the same Zipf popularity as the Python clients, sorts them by
rank (stock rows were created in rank order) so concurrent orders lock rows in one order, and
ends with the conditional stock updates, each writing its `inventory.changed` outbox row.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from direct_sql import Channel, load_refs
from measure import PLACED, Tally, Window
from orders import (
    FREE_SHIPPING_FROM,
    LINE_COUNT_WEIGHTS,
    QUANTITY_WEIGHTS,
    SHIPPING_PRICE,
    TAX_PERCENT,
    ZIPF_EXPONENT,
)
from seed import (
    PRICE_FLOOR,
    PRICE_SPREAD,
    PRICE_STEP,
    SKU_COUNT,
    SKU_DIGITS,
    SKU_PREFIX,
    libpq_conninfo,
)

LINES = 4
_UNUSED = SKU_COUNT + 1  # ranks of absent lines sort after every real one
# Comparators of a sorting network for four items.
_SORTING_NETWORK = ((1, 2), (3, 4), (1, 3), (2, 4), (2, 3))


def available() -> bool:
    return shutil.which("pgbench") is not None


def _pick(variable: str, weights: tuple[int, ...]) -> str:
    """A pgbench CASE giving 1, 2, ... with the given relative weights, from :variable."""
    total, bound, arms = sum(weights), 0, []
    for value, weight in enumerate(weights[:-1], start=1):
        bound += weight
        arms.append(f"when :{variable} <= {bound * 100 // total} then {value}")
    return f"case {' '.join(arms)} else {len(weights)} end"


def _draws(hot: bool) -> list[str]:
    """The order's channel, buyer and lines: ranks r1..r4 and quantities q1..q4."""
    lines = ["\\set customer random(0, 19999)", "\\set channel random(1, 2)",
             "\\set seq :seq + 1", "\\set count_draw random(1, 100)",
             f"\\set lines {_pick('count_draw', LINE_COUNT_WEIGHTS)}"]
    popular = f"random_zipfian(1, {SKU_COUNT}, {ZIPF_EXPONENT})"
    for line in range(1, LINES + 1):
        if line == 1:
            rank = "1" if hot else popular
        else:
            rank = f"case when :lines >= {line} then {popular} else {_UNUSED} end"
        lines += [f"\\set r{line} {rank}", "\\set quantity_draw random(1, 100)",
                  f"\\set q{line} {_pick('quantity_draw', QUANTITY_WEIGHTS)}"]
    return lines


def _sorting() -> list[str]:
    lines = []
    for left, right in _SORTING_NETWORK:
        lines += [f"\\if :r{left} > :r{right}",
                  f"\\set t :r{left}", f"\\set r{left} :r{right}", f"\\set r{right} :t",
                  f"\\set t :q{left}", f"\\set q{left} :q{right}", f"\\set q{right} :t",
                  "\\endif"]
    return lines


def _totals() -> list[str]:
    """Prices follow from the rank as seeded; tax is rounded per line as the clients do."""
    lines = []
    for line in range(1, LINES + 1):
        price = f"({PRICE_FLOOR} + (:r{line} * {PRICE_STEP}) % {PRICE_SPREAD})"
        lines += [f"\\set s{line} case when :lines >= {line} then :q{line} * {price} else 0 end",
                  f"\\set x{line} (:s{line} * {TAX_PERCENT} + 50) / 100"]
    return [*lines, "\\set subtotal :s1 + :s2 + :s3 + :s4", "\\set tax :x1 + :x2 + :x3 + :x4",
            f"\\set shipping case when :subtotal >= {FREE_SHIPPING_FROM} then 0 "
            f"else {SHIPPING_PRICE} end",
            "\\set total :subtotal + :tax + :shipping"]


def _sku(rank: str) -> str:
    return f"'{SKU_PREFIX}' || lpad({rank}::text, {SKU_DIGITS}, '0')"


def _by_channel(values: list[object], *, quote: bool = False) -> str:
    """SQL choosing the first channel's value when :channel is 1, the second's otherwise."""
    shown = [f"'{value}'" if quote else str(value) for value in values]
    return f"(CASE :channel::int WHEN 1 THEN {shown[0]} ELSE {shown[1]} END)"


def _transaction(channels: list[tuple[str, Channel]], run: str) -> list[str]:
    channel_code = _by_channel([code for code, _ in channels], quote=True)
    actor = _by_channel([channel.actor for _, channel in channels], quote=True)
    channel_id = _by_channel([channel.id for _, channel in channels])
    key_id = _by_channel([channel.key_id for _, channel in channels])
    location_id = _by_channel([channel.location_id for _, channel in channels])
    location_code = _by_channel([channel.location_code for _, channel in channels], quote=True)
    external_id = f"'pgbench-{run}-' || :client_id::int || '-' || :seq::bigint"
    address = ("json_build_object('name', 'Pgbench Buyer', 'line1', "
               "(:customer::int % 997 + 1) || ' Main St', 'city', 'Springfield', "
               "'postal_code', '62701', 'country', 'US')")
    summary = (f"'channel', {channel_code}, 'external_id', {external_id}, "
               "'total', :total::bigint, 'currency', 'USD'")
    number = "'OM-' || lpad(:order_id::text, 6, '0')"
    return [
        "BEGIN;",
        "INSERT INTO customers (email_normalized, email, name, created_at, updated_at) "
        "VALUES ('pgbench.' || :customer::int || '@example.com', "
        "'pgbench.' || :customer::int || '@example.com', 'Pgbench Buyer', now(), now()) "
        "ON CONFLICT (email_normalized) DO UPDATE SET name = excluded.name, "
        "phone = excluded.phone, updated_at = excluded.updated_at "
        "RETURNING id AS customer_id \\gset",
        "INSERT INTO customer_addresses (customer_id, fingerprint, address, last_used_at) "
        f"VALUES (:customer_id, md5('home ' || :customer::int), {address}, now()) "
        "ON CONFLICT (customer_id, fingerprint) DO UPDATE "
        "SET last_used_at = excluded.last_used_at, address = excluded.address;",
        "INSERT INTO orders (channel_id, external_id, customer_id, currency, status, "
        "payment_status, payment_terms, shipping_address, subtotal, discount_total, tax_total, "
        "shipping_total, total, tags, placed_at, created_at, updated_at) "
        f"VALUES ({channel_id}, {external_id}, :customer_id, 'USD', 'confirmed', "
        f"'paid', 'prepaid', {address}, :subtotal, 0, :tax, :shipping, :total, '[]', now(), "
        "now(), now()) RETURNING id AS order_id \\gset",
        "INSERT INTO order_lines (order_id, line_number, product_id, sku, name, parts, "
        "quantity, cancelled_quantity, unit_price, discount, tax, total) "
        "SELECT :order_id::bigint, line.number, p.id, p.sku, p.name, "
        "json_build_array(json_build_array(p.id, 1)), line.quantity, 0, p.default_price, 0, "
        f"(line.quantity * p.default_price * {TAX_PERCENT} + 50) / 100, line.quantity * "
        f"p.default_price + (line.quantity * p.default_price * {TAX_PERCENT} + 50) / 100 "
        "FROM unnest(ARRAY[:r1::int, :r2::int, :r3::int, :r4::int], "
        "ARRAY[:q1::int, :q2::int, :q3::int, :q4::int]) "
        "WITH ORDINALITY AS line(rank, quantity, number) "
        f"JOIN products p ON p.sku = {_sku('line.rank')} WHERE line.number <= :lines::int;",
        "INSERT INTO fulfillment_orders (order_id, location_id, status, priority, ship_by, "
        f"created_at, updated_at) VALUES (:order_id, {location_id}, 'open', 3, "
        "now() + interval '1 day', now(), now()) RETURNING id AS fulfillment_order_id \\gset",
        "INSERT INTO fulfillment_order_lines (fulfillment_order_id, order_id, order_line_id, "
        f"location_id, quantity) SELECT :fulfillment_order_id, order_id, id, {location_id}, "
        "quantity FROM order_lines WHERE order_id = :order_id::bigint;",
        "INSERT INTO routing_decisions (order_id, trigger, policy, candidates, allocations, "
        "short, reason, decided_at) SELECT :order_id, 'placed', 'ship_complete', "
        f"json_build_array(json_build_object('location', {location_code}, 'excluded_by', null, "
        "'why_excluded', null, 'scores', json_build_object('fewest_shipments', 1.0, "
        "'distance', 0.5, 'priority', 1.0), 'total', 0.9167)), "
        f"json_agg(json_build_object('line_number', line_number, 'location', {location_code}, "
        f"'quantity', quantity)), '{{}}', {location_code} || ' ships every line', now() "
        "FROM order_lines WHERE order_id = :order_id::bigint;",
        "INSERT INTO outbox (topic, payload, created_at, available_at) SELECT "
        "'fulfillment_order.created', json_build_object('fulfillment_order_id', "
        f":fulfillment_order_id::bigint, 'order_id', :order_id::bigint, 'number', {number}, "
        f"'location', {location_code}, 'priority', 3, 'ship_by', now() + interval '1 day', "
        "'lines', json_agg(json_build_object('sku', sku, 'quantity', quantity)))::text, "
        "now(), now() FROM order_lines WHERE order_id = :order_id::bigint;",
        "INSERT INTO order_events (order_id, type, detail, actor, occurred_at) VALUES "
        f"(:order_id, 'order.created', json_build_object({summary}), {actor}, now()), "
        f"(:order_id, 'order.confirmed', '{{}}', {actor}, now());",
        "INSERT INTO audit_log (occurred_at, actor_kind, actor_id, actor_name, action, "
        "entity_type, entity_id, after) VALUES (now(), 'api_key', "
        f"{key_id}, {actor}, 'order.created', 'order', "
        f":order_id::text, json_build_object('number', {number}, {summary})::text);",
        "INSERT INTO outbox (topic, payload, created_at, available_at) VALUES "
        f"('order.created', json_build_object('order_id', :order_id::bigint, 'number', "
        f"{number}, 'status', 'confirmed', {summary})::text, now(), now());",
        *(_reserve(line, channels) for line in range(1, LINES + 1)),
        "END;"]


def _reserve(line: int, channels: list[tuple[str, Channel]]) -> str:
    location_id = _by_channel([channel.location_id for _, channel in channels])
    location_code = _by_channel([channel.location_code for _, channel in channels], quote=True)
    quantity = f":q{line}::int"
    return "\n".join((
        f"\\if :lines >= {line}",
        "WITH reserved AS (UPDATE stock_levels "
        f"SET reserved = reserved + {quantity}, updated_at = now() "
        f"WHERE product_id = (SELECT id FROM products WHERE sku = {_sku(f':r{line}')}) "
        f"AND location_id = {location_id} "
        f"AND on_hand - reserved - safety_stock >= {quantity} "
        "RETURNING on_hand, reserved, safety_stock, reorder_point) "
        "INSERT INTO outbox (topic, payload, created_at, available_at) "
        f"SELECT 'inventory.changed', json_build_object('sku', {_sku(f':r{line}')}, "
        f"'location', {location_code}, 'on_hand', on_hand, 'reserved', reserved, "
        "'safety_stock', safety_stock, 'available', on_hand - reserved - safety_stock, "
        "'reorder_point', reorder_point)::text, now(), now() FROM reserved;",
        "\\endif"))


def script(conninfo: str, *, hot: bool, run: str) -> str:
    refs = load_refs(conninfo)
    channels = sorted(refs.channels.items(), key=lambda item: item[1].id)
    return "\n".join([*_draws(hot), *_sorting(), *_totals(), *_transaction(channels, run)]) + "\n"


def run_pgbench(url: str, *, clients: int, window: Window, hot: bool, run: str) -> Tally:
    """pgbench until a second after the window closes, so it is still busy at the edge; its
    per-transaction log gives the latencies of what started inside the window."""
    conninfo = libpq_conninfo(make_url(url))
    with tempfile.TemporaryDirectory(prefix="ordermill-pgbench-") as directory:
        folder = Path(directory)
        (folder / "order.sql").write_text(script(conninfo, hot=hot, run=run))
        seconds = math.ceil(window.end - time.perf_counter()) + 1
        command = ["pgbench", "--no-vacuum", "--protocol=prepared", f"--client={clients}",
                   f"--jobs={min(clients, 2)}", f"--time={seconds}", "--define=seq=0",
                   f"--file={folder / 'order.sql'}", "--log",
                   f"--log-prefix={folder / 'transactions'}", conninfo]
        # pgbench logs wall-clock times; the window is on the monotonic clock.
        offset = time.time() - time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{finished.stderr[-2000:]}")
        return _tally(folder, Window(window.start + offset, window.end + offset))


def _tally(folder: Path, window: Window) -> Tally:
    tally = Tally(window)
    for log in folder.glob("transactions*"):
        for entry in log.read_text().split("\n"):
            fields = entry.split()
            if len(fields) < 6 or not fields[2].isdigit():
                continue
            latency = int(fields[2]) / 1e6
            ended = int(fields[4]) + int(fields[5]) / 1e6
            if window.start <= ended - latency < window.end:
                tally.record(PLACED, latency)
    return tally

