"""Building blocks every feature uses: money, errors, events, clock, transitions (stdlib only)."""
