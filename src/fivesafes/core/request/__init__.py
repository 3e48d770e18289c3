"""The request: its files parsed and validated, with every finding on its line."""
