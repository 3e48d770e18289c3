"""GitHub: the REST API, the facts it gives and the writes a plan makes."""
