"""Storage plumbing that knows no feature: engine, metadata, unit of work, outbox, migrations."""
