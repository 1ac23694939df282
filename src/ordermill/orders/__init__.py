"""Orders from every channel: intake exactly once, totals, reservations, holds and cancels."""
