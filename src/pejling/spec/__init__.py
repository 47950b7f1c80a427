"""Specs: policies, indicators and settings as validated, immutable data."""
