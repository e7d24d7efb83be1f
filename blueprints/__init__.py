"""One blueprint (or CLI group) per area."""
