"""Collects the findings of the crate checks against one crate file.

Shared by the RO-Crate, profile and action checks so each reports with the same shape:
``<entity @id>: <message>`` under a rule id, as an error (MUST) or a warning (SHOULD).
"""

from __future__ import annotations

from fivesafes.core.findings import Finding, Severity


class Report:
    """Findings against one crate file (``file`` names it, e.g. ``release.zip:bag/data/...``)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.findings: list[Finding] = []

    def add(self, rule: str, where: str, message: str, severity: Severity = "error",
            fix: str = "") -> None:
        text = f"{where}: {message}" if where else message
        self.findings.append(Finding(self.file, None, None, rule, text, fix, severity))

    def error(self, rule: str, where: str, message: str) -> None:
        self.add(rule, where, message)

    def warning(self, rule: str, where: str, message: str) -> None:
        self.add(rule, where, message, "warning")
