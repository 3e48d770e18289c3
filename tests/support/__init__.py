"""Helpers the tests share: worlds, records, projects, staged repositories and packaging.

One package imported by its dotted name (``tests.support.release``), never by putting a test
folder on ``sys.path``.
"""
