"""The outbox relay: delivers committed events to their handlers, after commit, at least once."""
