"""Pydantic models of the per-project repository's files and of the policy; no I/O."""
