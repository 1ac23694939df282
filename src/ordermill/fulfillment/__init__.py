"""Fulfillment: what each location picks, packs and ships for an order."""
