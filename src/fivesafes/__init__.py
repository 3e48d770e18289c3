"""fivesafes-gitops: Five Safes data-access requests run as GitHub pull requests."""

__version__ = "0.1.0"
