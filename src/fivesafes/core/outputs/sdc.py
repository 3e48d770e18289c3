"""The disclosure checks over all outputs of a run: what output checkers look at first.

Each rule family lives in its own module (:mod:`.cells` for frequency tables, :mod:`.magnitude`
for dominance, :mod:`.regression`, :mod:`.differencing`, :mod:`.identifiers`, :mod:`.acro`);
this module reads every output once, hands each family what it needs, applies the researcher's
exception requests (a structural zero becomes a warning; every other request is shown to the
checkers, who decide) and says which staged files are never proposed for release. Findings name
the file, line, column and cell, never the value: they are committed to git, the values are not.
Pure: output texts in, findings out.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from fivesafes.core.findings import Finding
from fivesafes.core.outputs import acro, cells, differencing, identifiers, magnitude, regression
from fivesafes.core.outputs.found import make
from fivesafes.core.outputs.identifiers import identifier_lines, nhs_number_valid
from fivesafes.core.outputs.tables import Table, parse
from fivesafes.models.manifest import ExceptionRequest
from fivesafes.models.output_rules import Disclosure

__all__ = ["DisclosureReport", "OutputSample", "check_outputs", "identifier_lines",
           "nhs_number_valid"]
MAX_PER_RULE = 50
TABLE_TYPES = ("text/csv", "text/tab-separated-values", "application/vnd.apache.parquet")
EXCEPTIONS_FILE = "exceptions.toml"


@dataclass(frozen=True)
class OutputSample:
    """One output as the checks see it: text for text-like files (None for binary ones)."""

    path: str
    size: int
    media_type: str
    text: str | None = None
    truncated: bool = False
    sha256: str | None = None
    converted: bool = False  # text is a CSV rendering of a binary table (parquet)


@dataclass(frozen=True)
class DisclosureReport:
    findings: tuple[Finding, ...]
    acro_summary: str | None = None
    exceptions: tuple[ExceptionRequest, ...] = ()
    excluded: dict[str, str] = field(default_factory=dict)  # path -> why never proposed


def _limited(findings: Iterable[Finding]) -> list[Finding]:
    by_rule: dict[tuple[str, str], int] = {}
    kept: dict[str, Finding] = {}
    for f in findings:
        key = (f.rule, f.file)
        by_rule[key] = by_rule.get(key, 0) + 1
        if by_rule[key] <= MAX_PER_RULE:
            kept.setdefault(f.id or f"{f.rule}@{f.file}", f)
    return list(kept.values())


def researcher_exceptions(path: str, text: str) -> tuple[list[ExceptionRequest],
                                                         list[Finding]]:
    """``exceptions.toml`` the workflow wrote: ``[[exception]] finding, reason[, path,
    structural-zero]``; a malformed file is itself a finding."""
    try:
        data = tomllib.loads(text)
        found = [ExceptionRequest.model_validate({"path": e.get("finding", "").split("@")[-1]
                                                  .split(":")[0], **e})
                 for e in data.get("exception", [])]
    except (tomllib.TOMLDecodeError, ValueError, AttributeError, TypeError) as exc:
        return [], [make("disclosure.exceptions", path, f"unreadable exception requests: "
                         f"{str(exc).splitlines()[0]}", fix="write [[exception]] tables "
                         "with finding (an id from the manifest) and reason")]
    return found, []


def _apply(findings: list[Finding],
           exceptions: Sequence[ExceptionRequest]) -> list[Finding]:
    """Structural zeros the researcher declared (with a reason) become warnings."""
    structural = {e.finding: e.reason for e in exceptions if e.structural_zero and e.reason}
    out: list[Finding] = []
    for f in findings:
        if f.rule == "disclosure.zero" and f.id in structural:
            f = replace(f, severity="warning", message=f"{f.message}; marked a structural "
                        f"zero by the researcher: {structural[f.id]}")
        out.append(f)
    return out


def _file_rules(sample: OutputSample, rules: Disclosure) -> list[Finding]:
    found: list[Finding] = []
    if sample.size > rules.max_file_bytes:
        found.append(make("disclosure.size", sample.path, f"{sample.size} bytes, over the "
                          f"limit of {rules.max_file_bytes}", fix="split or reduce the output"))
    if sample.media_type not in rules.allowed_types:
        found.append(make("disclosure.type", sample.path, f"type {sample.media_type} is not "
                          "allowed by the policy", fix="write the output in an allowed type"))
    if sample.truncated:
        found.append(make("disclosure.partly-checked", sample.path, "only the start of this "
                          "file was checked automatically", severity="review",
                          fix="a checker reviews the rest in the TRE"))
    if sample.converted:
        found.append(make("disclosure.parquet", sample.path, "a parquet table, read as CSV "
                          "for these checks; a checker reviews it in the TRE",
                          severity="review", fix="none needed if the checks agree"))
    return found


def check_outputs(samples: Sequence[OutputSample], rules: Disclosure) -> DisclosureReport:
    """Every disclosure finding over the outputs, exception requests, never-proposed files."""
    ordered = sorted(samples, key=lambda s: s.path)
    texts = {s.path: s.text for s in ordered if s.text is not None}
    tables: dict[str, Table] = {}
    for s in ordered:
        if s.text is not None and s.media_type in TABLE_TYPES:
            table = parse(s.path, s.text)
            if table is not None:
                tables[s.path] = table
    findings: list[Finding] = []
    exceptions: list[ExceptionRequest] = []
    excluded: dict[str, str] = {}
    summaries: list[str] = []
    covered: set[str] = set()
    for s in ordered:
        if s.text is None or s.media_type != "application/json":
            continue
        data = acro.is_results(s.text)
        fed = acro.is_results_evidence(s.text)
        if fed is not None and not any(x.path.endswith("results.json") for x in ordered):
            excluded |= acro.federated(s.path, fed)
        if data is None:
            continue
        folder = s.path.rsplit("/", 1)[0] if "/" in s.path else ""
        evidence = acro.is_results_evidence(texts.get(f"{folder}/evidence.json"
                                                      if folder else "evidence.json"))
        reading = acro.read(s.path, data, tables, evidence)
        summaries.append(reading.summary(s.path))
        findings += reading.findings
        exceptions += reading.exceptions
        excluded |= reading.excluded
        covered |= reading.covered
        sums, bad = acro.checksum_findings(folder, texts, {
            x.path: x.sha256 for x in ordered if x.sha256})
        excluded |= sums
        findings += bad
    for s in ordered:
        if s.path.rsplit("/", 1)[-1] == EXCEPTIONS_FILE and s.text is not None:
            excluded[s.path] = "the researcher's exception requests: shown in the manifest"
            asked, bad = researcher_exceptions(s.path, s.text)
            exceptions += asked
            findings += bad
    for s in ordered:
        if s.path in excluded:
            continue
        findings += _file_rules(s, rules)
        if s.text is None:
            continue
        table = tables.get(s.path)
        if table is not None:
            findings += cells.frequency_findings(table, rules)
            findings += regression.table_findings(table, rules)
            if s.path not in covered:
                findings += magnitude.needs_review(table, rules, unclassified=True)
        findings += regression.text_findings(s.path, s.text, rules)
        findings += identifiers.findings(s.path, s.text)
    proposed = {p: t for p, t in tables.items() if p not in excluded}
    jsons = {s.path: s.text for s in ordered if s.text is not None and s.path not in excluded
             and s.media_type == "application/json"}
    findings += differencing.findings(proposed, jsons, rules)
    findings = _apply(_limited(findings), exceptions)
    return DisclosureReport(tuple(findings), "; ".join(summaries) or None, tuple(exceptions),
                            excluded)
