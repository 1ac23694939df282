"""A realistic demo data set: locations, catalog, channels and months of order history."""
