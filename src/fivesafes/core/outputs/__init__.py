"""Safe Outputs: disclosure checks on what a run produced."""
