"""ACRO's own record of a session, read fully and mapped onto the files it describes.

ACRO (``acro`` on PyPI, the engine of SACRO) writes, beside the outputs, ``results.json``:
per output its status (pass, fail, review), its files, the outcome of every check per cell,
the researcher's exception request and comments. It also writes what must never be released:
``config.json``, ``checksums/`` (sha-256 of each file), "DO NOT RELEASE" session summaries,
and in federated mode ``evidence.json`` with interim count tables for a trusted aggregator.
This module turns all that into findings on the CSV that fails (never on results.json),
exception requests, and the list of files never proposed, and verifies ACRO's checksums.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fivesafes.core.findings import Finding, Severity
from fivesafes.core.outputs.found import make
from fivesafes.core.outputs.tables import Table
from fivesafes.models.manifest import ExceptionRequest

CHECKS = {
    "minimumthresholdcheck": "min-cell-count", "threshold": "min-cell-count",
    "nkcheck": "nk-rule", "nk-rule": "nk-rule", "ppercentcheck": "p-ratio",
    "p-ratio": "p-ratio", "presenceofzerocheck": "zero", "requiredzerocheck": "zero",
    "all-values-are-same": "class", "negative": "negative", "missing": "missing",
}
DO_NOT_RELEASE = "DO NOT RELEASE"
BOOKKEEPING = {"results.json": "ACRO's results file: the checkers' evidence, not an output",
               "config.json": "ACRO's configuration: not an output",
               "evidence.json": "ACRO federated-mode evidence: for the trusted aggregator only"}


@dataclass
class AcroReading:
    """What one results.json says, with paths relative to the outputs folder."""

    version: str
    findings: list[Finding] = field(default_factory=list)
    exceptions: list[ExceptionRequest] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)  # path -> reason
    covered: set[str] = field(default_factory=set)  # files ACRO checked
    statuses: dict[str, str] = field(default_factory=dict)

    def summary(self, path: str) -> str:
        tally: dict[str, int] = {}
        for status in self.statuses.values():
            tally[status] = tally.get(status, 0) + 1
        parts = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()))
        return f"{path}: ACRO {self.version}: {len(self.statuses)} outputs ({parts or 'none'})"


def is_results(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and "version" in data and isinstance(data.get("results"), dict):
        return data
    return None


SEVERITIES: dict[str, Severity] = {"fail": "error", "review": "review"}


def _line(table: Table | None, row: str) -> int | None:
    if table is None:
        return None
    for r in range(len(table.rows)):
        if table.rows[r] and table.rows[r][0].strip() == row:
            return table.lines[r]
    return None


def _cells(path: str, item: Mapping[str, Any], table: Table | None,
           severity: Severity) -> list[Finding]:
    found: list[Finding] = []
    outcome = item.get("outcome") if isinstance(item.get("outcome"), dict) else {}
    assert isinstance(outcome, dict)
    for column, rows in sorted(outcome.items()):
        if not isinstance(rows, dict):
            continue
        for index, (row, verdict) in enumerate(rows.items()):
            line = _line(table, str(row))
            for check in (c.strip() for c in str(verdict).split(";")):
                if not check or check == "ok":
                    continue
                rule = CHECKS.get(check.lower(), check.lower())
                where = (f"line {line}, column '{column}'" if line is not None
                         else f"row {index + 1} of ACRO's outcome, column '{column}'")
                found.append(make(
                    f"disclosure.acro.{rule}", path, f"{where}: ACRO's {check} failed",
                    severity=severity, line=line, table_column=str(column),
                    cell=where, source="acro",
                    fix="suppress or merge the cell in the analysis, or request an exception "
                        "with ACRO's add_exception"))
    return found


def read(results_path: str, data: Mapping[str, Any], tables: Mapping[str, Table],
         evidence: Mapping[str, Any] | None = None) -> AcroReading:
    """Findings, exceptions and never-released files of one ACRO results.json."""
    folder = posixpath.dirname(results_path)
    def rel(name: str) -> str:
        return posixpath.normpath(posixpath.join(folder, name)) if folder else name

    reading = AcroReading(str(data.get("version", "?")))
    reading.excluded[results_path] = BOOKKEEPING["results.json"]
    reading.excluded[rel("config.json")] = BOOKKEEPING["config.json"]
    for key, item in sorted(data["results"].items()):
        if not isinstance(item, dict):
            continue
        status = str(item.get("status", "unknown"))
        reading.statuses[str(key)] = status
        comments = [str(c) for c in item.get("comments") or []]
        files = [rel(str(f.get("name"))) for f in item.get("files") or []
                 if isinstance(f, dict) and f.get("name")]
        if "DONT_RELEASE" in str(key) or any(DO_NOT_RELEASE in c.upper() for c in comments):
            for path in files:
                reading.excluded[path] = f"ACRO marks it '{DO_NOT_RELEASE}' ({key})"
            continue
        severity = SEVERITIES.get(status)
        for path in files:
            reading.covered.add(path)
            if severity is None:
                continue
            cells = _cells(path, item, tables.get(path), severity)
            summary = " ".join(str(item.get("summary", "")).split())[:300]
            reading.findings += cells or [make(
                f"disclosure.acro.{status}", path, f"ACRO output '{key}' is {status}: "
                f"{summary}", severity=severity, source="acro",
                fix="address ACRO's checks in the analysis, or request an exception")]
            exception = str(item.get("exception") or "").strip()
            if exception:
                reading.exceptions.append(ExceptionRequest(
                    finding="*", path=path, reason=exception, source="acro"))
    if evidence is not None:
        reading.excluded[rel("evidence.json")] = BOOKKEEPING["evidence.json"]
        for uid, entry in (evidence.get("outputs") or {}).items():
            if not isinstance(entry, dict):
                continue
            names = list((entry.get("interim_tables") or {}).values())
            if isinstance(entry.get("dof"), str) and entry["dof"].endswith(".csv"):
                names.append(entry["dof"])
            for name in names:
                reading.excluded[rel(str(name))] = (f"ACRO federated-mode interim table of "
                                                    f"{uid}: for the trusted aggregator only")
    return reading


def checksum_findings(folder: str, texts: Mapping[str, str],
                      sha256: Mapping[str, str]) -> tuple[dict[str, str],
                                                          list[Finding]]:
    """ACRO's ``checksums/<name>.txt`` (excluded) checked against the files' sha-256."""
    prefix = posixpath.join(folder, "checksums/") if folder else "checksums/"
    excluded: dict[str, str] = {}
    found: list[Finding] = []
    for path, text in sorted(texts.items()):
        if not path.startswith(prefix) or not path.endswith(".txt"):
            continue
        excluded[path] = "ACRO's checksum of another file: not an output"
        name = path[len(prefix):-len(".txt")]
        target = posixpath.join(folder, name) if folder else name
        actual = sha256.get(target)
        if actual is None:
            found.append(make("disclosure.acro.checksum", path,
                              f"ACRO recorded a checksum of {name}, which the run did not "
                              "stage", fix="re-run the analysis; a file ACRO saw is missing"))
        elif actual != text.strip().lower():
            found.append(make("disclosure.acro.checksum", target,
                              "the file's sha-256 differs from the one ACRO recorded: it "
                              "changed after ACRO checked it",
                              fix="re-run the analysis so ACRO checks the file as released"))
    return excluded, found


def is_results_evidence(text: str | None) -> dict[str, Any] | None:
    """ACRO's federated ``evidence.json`` (outputs with interim tables), or None."""
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    tool = data.get("tool") if isinstance(data, dict) else None
    if isinstance(tool, dict) and tool.get("name") == "ACRO" and isinstance(
            data.get("outputs"), dict):
        return dict(data)
    return None


def federated(evidence_path: str, evidence: Mapping[str, Any]) -> dict[str, str]:
    """Files of a federated-mode session (no results.json): all for the aggregator only."""
    reading = read(evidence_path.rsplit("/", 1)[0] + "/results.json" if "/" in evidence_path
                   else "results.json", {"results": {}}, {}, evidence)
    return {p: r for p, r in reading.excluded.items() if not p.endswith("results.json")}
