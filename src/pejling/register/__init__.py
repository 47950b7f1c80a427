"""Person-level data: the register tables, their import with pseudonymisation, and origin."""
