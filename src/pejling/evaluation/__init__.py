"""Goal evaluation: from a goal and its observations to a status with a reason."""
