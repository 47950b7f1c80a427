"""Data sources: converters from published tables to pejling's tidy observation files."""
