"""The built-in disclosure checks: what they find, where, and that they never quote data."""

from __future__ import annotations

import json

from fivesafes.core.outputs.sdc import OutputSample, check_outputs, nhs_number_valid
from fivesafes.models.output_rules import Disclosure

RULES = Disclosure()


def sample(path: str, text: str, media_type: str = "text/csv") -> OutputSample:
    return OutputSample(path, len(text.encode()), media_type, text)


def test_small_counts_are_found_by_line_without_their_value() -> None:
    text = "region,sex,count\nNorth,F,120\nIsles,M,6\nIsles,F,0\nSouth,M,9.0\n"
    findings = check_outputs([sample("counts.csv", text)], RULES).findings
    assert [(f.rule, f.line) for f in findings] == [
        ("disclosure.min-cell-count", 3), ("disclosure.zero", 4),
        ("disclosure.min-cell-count", 5), ("disclosure.class", 3)]
    assert all("6" not in f.message and "Isles" not in f.message for f in findings)


def test_threshold_comes_from_the_policy() -> None:
    text = "group,n\na,12\nb,30\n"
    strict = Disclosure(min_cell_count=20)
    assert [f.line for f in check_outputs([sample("t.csv", text)], strict).findings] == [2]
    assert check_outputs([sample("t.csv", text)], RULES).findings == ()


def test_non_count_columns_are_not_cells() -> None:
    text = "region,year,mean_age\nNorth,2020,5\n"
    findings = check_outputs([sample("t.csv", text)], RULES).findings
    assert [(f.rule, f.severity) for f in findings] == [("disclosure.dominance", "review")]


def test_identifier_like_text_is_flagged_with_the_first_line() -> None:
    text = ("summary of the cohort\ncontact alex@example.org for details\n"
            "patient 943 476 5919 was admitted\nlives at M13 9PL\nnot an id: 943 476 5918\n"
            "date of birth 1970-03-02\n")
    findings = check_outputs([sample("notes.txt", text, "text/plain")], RULES).findings
    assert {(f.rule, f.line) for f in findings if f.rule.startswith("disclosure.identifier")} == {
        ("disclosure.identifier.date-of-birth", 6), ("disclosure.identifier.email", 2),
        ("disclosure.identifier.nhs-number", 3), ("disclosure.identifier.postcode", 4)}
    assert all("943" not in f.message and "@" not in f.message for f in findings)


def test_birth_date_columns() -> None:
    text = "person,dob\n1,1970-01-02\n"
    [finding] = check_outputs([sample("p.csv", text)], RULES).findings
    assert (finding.rule, finding.line) == ("disclosure.identifier.date-of-birth", 2)


def test_nhs_check_digit() -> None:
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")


def test_size_and_type_limits() -> None:
    big = OutputSample("model.rds", 200 * 1024 * 1024, "application/x-rds")
    rules = {f.rule for f in check_outputs([big], RULES).findings}
    assert rules == {"disclosure.size", "disclosure.type"}


def test_acro_results_are_summarised_and_failures_flagged() -> None:
    results = {"version": "0.4.5", "results": {
        "output_0": {"status": "pass"},
        "output_1": {"status": "fail", "files": [{"name": "t1.csv"}], "summary": "x"},
        "output_2": {"status": "review"}}}
    report = check_outputs([sample("results.json", json.dumps(results), "application/json")],
                           RULES)
    assert report.acro_summary == ("results.json: ACRO 0.4.5: 3 outputs (1 fail, 1 pass, "
                                   "1 review)")
    assert [(f.file, f.message) for f in report.findings] == [
        ("t1.csv", "ACRO output 'output_1' is fail: x")]


def test_truncated_text_is_said_to_be_partly_checked() -> None:
    partial = OutputSample("big.csv", 10, "text/csv", "a,b\n", truncated=True)
    assert [f.rule for f in check_outputs([partial], RULES).findings] == [
        "disclosure.partly-checked"]
