"""The workspace store: one embedded DuckDB file with observations, reference data and logs."""
