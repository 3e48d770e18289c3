"""Release zips and bags: the rules every received archive must pass."""
