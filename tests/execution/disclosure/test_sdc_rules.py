"""Statistical disclosure control, rule by rule, on tables of many shapes: exact findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fivesafes.core.outputs.found import to_manifest
from fivesafes.core.outputs.sdc import OutputSample, check_outputs
from fivesafes.core.outputs.tables import header_kind, parse
from fivesafes.models.output_rules import Disclosure

RULES = Disclosure()


def sample(path: str, text: str, media_type: str = "text/csv") -> OutputSample:
    return OutputSample(path, len(text.encode()), media_type, text)


def found(text: str, path: str = "t.csv", rules: Disclosure = RULES,
          media_type: str = "text/csv") -> list[tuple[str, str, str]]:
    report = check_outputs([sample(path, text, media_type)], rules)
    return [(f.id or "", f.severity, f.cell or "") for f in report.findings]


@pytest.mark.parametrize("header", ["n", "N", "count", "Count", "Number of patients",
                                    "Patients (n)", "n_patients", "patient_count", "freq",
                                    "No. of admissions", "Total", "people"])
def test_count_headers(header: str) -> None:
    assert header_kind(header) == "count"


@pytest.mark.parametrize("header", ["mean cost", "Median LOS", "sum_income", "sd"])
def test_magnitude_headers(header: str) -> None:
    assert header_kind(header) == "magnitude"


@pytest.mark.parametrize("header", ["region", "year", "% of patients", "rate per 1000"])
def test_other_headers(header: str) -> None:
    assert header_kind(header) != "count"


def test_long_table_with_a_count_header_variant() -> None:
    text = "Region,Number of patients\nNorth,120\nIsles,6\nSouth,9.0\nWest,\"1,234\"\n"
    assert found(text) == [
        ("min-cell-count@t.csv:3:Number of patients", "error",
         "line 3, column 'Number of patients'"),
        ("min-cell-count@t.csv:4:Number of patients", "error",
         "line 4, column 'Number of patients'"),
    ]


def test_wide_crosstab_every_cell_and_margin() -> None:
    text = "region,F,M,All\nEast,4,3,7\nNorth,94,59,153\nSouth,67,73,140\nAll,165,135,300\n"
    table = parse("t.csv", text)
    assert table is not None
    assert table.crosstab
    assert table.margin_rows == frozenset({3})
    assert table.margin_columns == frozenset({3})
    assert [x[0] for x in found(text)] == [
        "min-cell-count@t.csv:2:F", "min-cell-count@t.csv:2:M", "min-cell-count@t.csv:2:All"]


def test_crosstab_with_numeric_first_column_is_labels() -> None:
    text = "age,F,M\n20,12,15\n30,11,3\n"
    assert [x[0] for x in found(text)] == ["min-cell-count@t.csv:3:M"]


def test_zeros_are_disclosive_by_default_and_configurable() -> None:
    text = "region,F,M\nEast,0,12\nNorth,30,40\n"
    assert [x[0] for x in found(text)] == ["zero@t.csv:2:F", "class@t.csv:2:M"]
    assert [x[0] for x in found(text, rules=Disclosure(zeros_disclosive=False))] == [
        "class@t.csv:2:M"]


def test_a_structural_zero_marked_by_the_researcher_is_a_warning() -> None:
    text = "sex,prostate cancer,ovarian cancer\nF,0,15\nM,22,0\n"
    exceptions = ('[[exception]]\nfinding = "zero@t.csv:2:prostate cancer"\n'
                  'reason = "only men have a prostate"\nstructural-zero = true\n')
    report = check_outputs([sample("t.csv", text),
                            sample("exceptions.toml", exceptions, "text/plain")], RULES)
    zeros = {f.id: f.severity for f in report.findings if f.rule == "disclosure.zero"}
    assert zeros == {"zero@t.csv:2:prostate cancer": "warning",
                     "zero@t.csv:3:ovarian cancer": "error"}
    assert report.excluded == {"exceptions.toml": "the researcher's exception requests: "
                                                  "shown in the manifest"}
    assert [e.reason for e in report.exceptions] == ["only men have a prostate"]


def test_class_disclosure_in_a_long_table() -> None:
    text = "ward,outcome,n\nA,died,0\nA,survived,25\nB,died,12\nB,survived,30\n"
    assert [x[0] for x in found(text, rules=Disclosure(zeros_disclosive=False))] == [
        "class@t.csv:3:n"]


def test_rounding_to_the_policy_base() -> None:
    text = "group,n\na,15\nb,22\nc,30\n"
    assert [x[0] for x in found(text, rules=Disclosure(rounding_base=5))] == [
        "rounding@t.csv:3:n"]
    assert found(text) == []


def test_a_single_suppressed_cell_given_back_by_a_margin() -> None:
    text = "Age band,Number of patients\n0-17,*\n18-64,200\n65+,150\nTotal,355\n"
    assert found(text) == [("secondary-suppression@t.csv:2:Number of patients", "error",
                            "line 2, column 'Number of patients'")]
    twice = "Age band,Number of patients\n0-17,*\n18-64,*\n65+,150\nTotal,355\n"
    assert found(twice) == []


def test_crosstab_margins_give_back_a_suppressed_cell_in_its_row() -> None:
    text = "region,F,M,All\nEast,,15,19\nNorth,94,59,153\nAll,98,74,172\n"
    assert [x[0] for x in found(text)] == ["secondary-suppression@t.csv:2:F"]


def test_differencing_against_a_total_in_another_output() -> None:
    table = "region,sex,count\nNorth,F,120\nIsles,M,*\nSouth,M,90\n"
    summary = json.dumps({"patients": 216, "groups": 3})
    report = check_outputs([sample("counts.csv", table),
                            sample("summary.json", summary, "application/json")], RULES)
    [f] = report.findings
    assert (f.id, f.severity) == ("differencing@counts.csv:2:patients", "error")
    assert "summary.json" in f.message
    assert f.fix
    assert "secondary suppression" in f.fix


def test_differencing_reveals_a_group_left_out() -> None:
    table = "region,count\nNorth,120\nSouth,90\n"
    summary = json.dumps({"cohort": {"total": 213}})
    report = check_outputs([sample("counts.csv", table),
                            sample("summary.json", summary, "application/json")], RULES)
    assert [f.id for f in report.findings] == ["differencing@counts.csv:2:cohort.total"]


def test_no_differencing_when_totals_agree() -> None:
    table = "region,count\nNorth,120\nSouth,90\n"
    summary = json.dumps({"patients": 210})
    assert check_outputs([sample("counts.csv", table),
                          sample("summary.json", summary, "application/json")],
                         RULES).findings == ()


def test_magnitude_tables_need_review_never_pass() -> None:
    text = "region,Patients (n),mean cost\nA,12,300.5\nB,40,120.0\n"
    assert found(text) == [("dominance@t.csv:1:mean cost", "review", "")]


def test_unclassified_numeric_tables_need_review() -> None:
    text = "region,x,y\nA,0.5,0.25\n"
    assert [x[:2] for x in found(text)] == [("unclassified@t.csv:1", "review")]


def test_residual_dof_in_regression_summaries() -> None:
    statsmodels = "Dep. Variable:,cost\nNo. Observations:,8\nDf Residuals:,6\nDf Model:,1\n"
    assert ("residual-dof@model.csv:3", "error", "") in found(statsmodels, "model.csv")
    r_text = "Residual standard error: 2.1 on 4 degrees of freedom\n"
    assert found(r_text, "model.txt", media_type="text/plain") == [
        ("residual-dof@model.txt:1", "error", "")]
    assert found("Df Residuals: 120\n", "ok.txt", media_type="text/plain") == []
    table = "term,estimate,df_resid\nage,0.2,3\n"
    assert ("residual-dof@m.csv:2:df_resid", "error", "") in found(table, "m.csv")


def test_identifiers_nhs_and_email_are_errors() -> None:
    text = "contact alex@example.org\npatient 943 476 5919\nnot an id: 943 476 5918\n"
    assert [x[:2] for x in found(text, "notes.txt", media_type="text/plain")] == [
        ("identifier.email@notes.txt:1", "error"),
        ("identifier.nhs-number@notes.txt:2", "error")]


def test_findings_never_quote_values_or_row_labels() -> None:
    text = "diagnosis,n\nVery rare syndrome,3\nCommon cold,500\n"
    report = check_outputs([sample("t.csv", text)], RULES)
    committed = json.dumps([to_manifest(f).model_dump() for f in report.findings])
    assert "rare" not in committed
    assert '"3"' not in committed
    assert all(f.fix for f in report.findings)


def test_parquet_tables_are_read_for_review(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from fivesafes.adapters.executors.base import collect_results
    from fivesafes.services.disclose import samples

    pq.write_table(pa.table({"region": ["North", "Isles"], "n": [120, 4]}),
                   tmp_path / "counts.parquet")
    report = check_outputs(samples(tmp_path, collect_results(tmp_path)), RULES)
    assert [(f.id, f.severity) for f in report.findings] == [
        ("parquet@counts.parquet", "review"), ("min-cell-count@counts.parquet:3:n", "error")]
