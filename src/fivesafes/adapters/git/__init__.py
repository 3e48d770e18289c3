"""git as a process: local commits, pushes and compare-and-swap on the default branch."""
