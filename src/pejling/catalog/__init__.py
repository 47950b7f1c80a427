"""The built-in indicator catalog (YAML files in this package)."""
