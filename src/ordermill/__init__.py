"""ordermill: an order management system for businesses that sell online."""

__version__ = "0.1.0"
