"""Products by sku, their physical facts and price, and kits made of component skus."""
