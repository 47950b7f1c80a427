"""The indicator engine: compute definitions → SQL (sqlglot) → observations on DuckDB."""
