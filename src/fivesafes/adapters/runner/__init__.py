"""The process's surroundings: the Actions runner, the clock, progress on a terminal."""
