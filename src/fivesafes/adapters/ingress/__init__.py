"""Data ingress: approved rows streamed from a source as Arrow record batches into a destination.

``query`` builds the SELECT (identifiers quoted, filter values bound), ``sources`` opens a
stream of record batches (ADBC drivers for SQLite and PostgreSQL, SQLAlchemy for any other
dialect), ``sinks`` writes them (parquet, CSV, a DuckDB file, a PostgreSQL schema). No row
ever becomes a Python object on the ADBC path, and memory stays at a few batches whatever the
table's size.
"""
