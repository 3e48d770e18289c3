"""Direct identifiers in free text: what must never leave the TRE, whatever the statistics.

An NHS number with a valid modulus-11 check digit or an e-mail address in an output is an
error; text that looks like a UK postcode or a date of birth is a warning for the checker
(postcodes of areas and dates of events are often legitimate). One finding per kind and file,
at its first line, with the number of lines in all; never the value itself.
"""

from __future__ import annotations

import csv
import io
import re

from fivesafes.core.findings import Finding, Severity
from fivesafes.core.outputs.found import make

BIRTH_HEADER = re.compile(r"birth|dob", re.IGNORECASE)
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
NHS = re.compile(r"(?<![\d.])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d.])")
POSTCODE = re.compile(r"\b(?:GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b")
BIRTH_WORDS = re.compile(r"\b(?:dob|d\.o\.b|date of birth|born)\b", re.IGNORECASE)
WORDS = {"email": "an e-mail address", "nhs-number": "an NHS number",
         "postcode": "a UK postcode", "date-of-birth": "a date of birth"}
SEVERITY: dict[str, Severity] = {"email": "error", "nhs-number": "error", "postcode": "warning",
            "date-of-birth": "warning"}


def nhs_number_valid(digits: str) -> bool:
    """The modulus-11 check digit of an NHS number."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


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


def findings(path: str, text: str) -> list[Finding]:
    hits = identifier_lines(text)
    births = _birth_dates(path, text)
    if births:
        hits["date-of-birth"] = births
    found: list[Finding] = []
    for rule, lines in sorted(hits.items()):
        more = f" ({len(lines)} lines in all)" if len(lines) > 1 else ""
        found.append(make(f"disclosure.identifier.{rule}", path,
                          f"text that looks like {WORDS[rule]}{more}; direct identifiers must "
                          "not leave the TRE", severity=SEVERITY[rule], line=lines[0],
                          fix="remove the identifier from the output"))
    return found
