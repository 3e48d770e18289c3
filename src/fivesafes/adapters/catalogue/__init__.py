"""Source catalogues: SQL inspection, a metadata service, and the check run."""
