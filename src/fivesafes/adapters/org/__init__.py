"""The organisation's project repositories as the core's org view reads them: from local
checkouts (``--from DIR``) or through the GitHub API, and the dashboard written to a folder."""
