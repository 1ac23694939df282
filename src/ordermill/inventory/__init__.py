"""Stock per sku and location, its append-only ledger, reservations and low-stock alerts."""
