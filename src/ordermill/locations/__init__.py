"""Where stock lives and ships from: warehouses, retail stores and 3PLs, by code."""
