"""The `ordermill` command line: serve, worker, database, accounts, orders, inventory, demo."""
