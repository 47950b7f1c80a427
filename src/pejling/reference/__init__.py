"""Built-in reference data."""
