"""Routing: which location ships what, by rules a channel sets, and why."""
