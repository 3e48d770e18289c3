"""Built-in disclosure checks: what output checkers should look at first.

Statistical disclosure control is a human decision; these checks make sure nothing obvious is
missed: counts under the policy's minimum cell count in count tables, files over the size
limit, types the policy does not allow, and free text that looks like direct identifiers
(NHS numbers with a valid check digit, e-mail addresses, UK postcodes, dates of birth). When
the workflow ran ACRO/SACRO, its ``results.json`` is summarised. Findings name the file, the
line and the column, never the value: the findings are committed to git, the values are not.
Pure: output texts in, findings out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fivesafes.models.manifest import DisclosureFinding
from fivesafes.models.policy import Disclosure

COUNT_HEADER = re.compile(
    r"^(n|count|counts|freq|frequency|number|num|total|patients|people|persons|individuals|"
    r"cases|events|admissions)$|^(n|num|count)_|_(n|count|counts|total)$",
    re.IGNORECASE,
)
BIRTH_HEADER = re.compile(r"birth|dob", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
NHS = re.compile(r"(?<![\d.])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d.])")
POSTCODE = re.compile(r"\b(?:GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b")
BIRTH_WORDS = re.compile(r"\b(?:dob|d\.o\.b|date of birth|born)\b", re.IGNORECASE)
MAX_PER_RULE = 20


@dataclass(frozen=True)
class OutputSample:
    """One output as the checks see it: text for text-like files (None for binary ones)."""

    path: str
    size: int
    media_type: str
    text: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class DisclosureReport:
    findings: tuple[DisclosureFinding, ...]
    acro_summary: str | None = None


def _finding(rule: str, path: str, line: int | None, message: str,
             severity: str = "warning") -> DisclosureFinding:
    return DisclosureFinding(rule=rule, path=path, line=line, message=message, severity=severity)


def nhs_number_valid(digits: str) -> bool:
    """The modulus-11 check digit of an NHS number."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _as_count(value: str) -> int | None:
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def small_cells(path: str, text: str, threshold: int) -> list[DisclosureFinding]:
    """Cells of count columns with 0 < value < threshold, one finding per cell."""
    reader = csv.reader(io.StringIO(text), delimiter="\t" if path.endswith(".tsv") else ",")
    header = next(reader, [])
    columns = [i for i, name in enumerate(header) if COUNT_HEADER.search(name.strip())]
    found: list[DisclosureFinding] = []
    for row in reader:
        for i in columns:
            count = _as_count(row[i]) if i < len(row) else None
            if count is not None and 0 < count < threshold:
                found.append(_finding(
                    "disclosure.min-cell-count", path, reader.line_num,
                    f"column '{header[i].strip()}' has a count under the minimum cell count "
                    f"of {threshold}; suppress or merge small groups", "error"))
    return found


def _birth_dates(path: str, text: str) -> list[int]:
    lines: list[int] = []
    if path.endswith((".csv", ".tsv")):
        reader = csv.reader(io.StringIO(text), delimiter="\t" if path.endswith(".tsv") else ",")
        header = next(reader, [])
        columns = [i for i, name in enumerate(header) if BIRTH_HEADER.search(name)]
        lines += [reader.line_num for row in reader
                  if any(i < len(row) and DATE.search(row[i]) for i in columns)]
    for number, line in enumerate(text.splitlines(), start=1):
        if BIRTH_WORDS.search(line) and DATE.search(line) and number not in lines:
            lines.append(number)
    return sorted(lines)


def identifier_lines(text: str) -> dict[str, list[int]]:
    """rule -> lines holding text that looks like a direct identifier."""
    hits: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if EMAIL.search(line):
            hits.setdefault("email", []).append(number)
        if any(nhs_number_valid("".join(m.groups())) for m in NHS.finditer(line)):
            hits.setdefault("nhs-number", []).append(number)
        if POSTCODE.search(line):
            hits.setdefault("postcode", []).append(number)
    return hits


IDENTIFIER_WORDS = {"email": "an e-mail address", "nhs-number": "an NHS number",
                    "postcode": "a UK postcode", "date-of-birth": "a date of birth"}


def _identifiers(sample: OutputSample, text: str) -> list[DisclosureFinding]:
    hits = identifier_lines(text)
    births = _birth_dates(sample.path, text)
    if births:
        hits["date-of-birth"] = births
    found: list[DisclosureFinding] = []
    for rule, lines in sorted(hits.items()):
        more = f" ({len(lines)} lines in all)" if len(lines) > 1 else ""
        found.append(_finding(f"disclosure.identifier.{rule}", sample.path, lines[0],
                              f"text that looks like {IDENTIFIER_WORDS[rule]}{more}; direct "
                              "identifiers must not leave the TRE"))
    return found


def acro_summary(text: str) -> tuple[str | None, list[tuple[str, str]]]:
    """ACRO's results.json -> (summary, [(output name, status)]) or (None, []) if not ACRO."""
    try:
        data = json.loads(text)
    except ValueError:
        return None, []
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict) or "version" not in data:
        return None, []
    statuses = sorted((str(name), str(item.get("status", "unknown")))
                      for name, item in results.items() if isinstance(item, dict))
    tally: dict[str, int] = {}
    for _, status in statuses:
        tally[status] = tally.get(status, 0) + 1
    parts = ", ".join(f"{n} {s}" for s, n in sorted(tally.items()))
    return f"ACRO {data['version']}: {len(statuses)} outputs ({parts or 'none'})", statuses


def _limited(findings: Iterable[DisclosureFinding]) -> list[DisclosureFinding]:
    by_rule: dict[tuple[str, str], int] = {}
    kept: list[DisclosureFinding] = []
    for f in findings:
        key = (f.rule, f.path)
        by_rule[key] = by_rule.get(key, 0) + 1
        if by_rule[key] <= MAX_PER_RULE:
            kept.append(f)
    return kept


def check_outputs(samples: Sequence[OutputSample], rules: Disclosure) -> DisclosureReport:
    """Every built-in disclosure finding over the outputs, and the ACRO summary if any."""
    findings: list[DisclosureFinding] = []
    summaries: list[str] = []
    for sample in sorted(samples, key=lambda s: s.path):
        if sample.size > rules.max_file_bytes:
            findings.append(_finding("disclosure.size", sample.path, None,
                                     f"{sample.size} bytes, over the limit of "
                                     f"{rules.max_file_bytes}", "error"))
        if sample.media_type not in rules.allowed_types:
            findings.append(_finding("disclosure.type", sample.path, None,
                                     f"type {sample.media_type} is not allowed by the policy",
                                     "error"))
        if sample.text is None:
            continue
        if sample.truncated:
            findings.append(_finding("disclosure.partly-checked", sample.path, None,
                                     "only the start of this file was checked automatically"))
        if sample.media_type in ("text/csv", "text/tab-separated-values"):
            findings += small_cells(sample.path, sample.text, rules.min_cell_count)
        findings += _identifiers(sample, sample.text)
        if sample.media_type == "application/json":
            summary, statuses = acro_summary(sample.text)
            if summary:
                summaries.append(f"{sample.path}: {summary}")
                findings += [_finding("disclosure.acro", sample.path, None,
                                      f"ACRO marked output '{name}' as {status}", "error")
                             for name, status in statuses if status == "fail"]
    return DisclosureReport(tuple(_limited(findings)), "; ".join(summaries) or None)
