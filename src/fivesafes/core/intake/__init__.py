"""Submitted request crates turned into the project's request files."""
