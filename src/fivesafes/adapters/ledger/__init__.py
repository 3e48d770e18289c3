"""The action record on disk and in git: read, append, commit."""
