"""Tests of the git adapter against real local bare repositories."""
