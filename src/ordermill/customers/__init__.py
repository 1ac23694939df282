"""Customers, matched across channels by normalised email, with the addresses they used."""
