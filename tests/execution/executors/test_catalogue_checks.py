"""Source catalogue checks: findings on the dataset line, enrichment that keeps comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.support.execution import json_service, set_executor

from fivesafes.adapters.catalogue.run import check_catalogue, enrich
from fivesafes.cli.main import cli

PATIENTS = "resources/metadata/dataset_patients.toml"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def rewrite(root: Path, old: str, new: str) -> str:
    path = root / PATIENTS
    text = path.read_text(encoding="utf-8").replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return text


def test_template_request_matches_the_synthetic_source(tre_project: Path, data_dir: Path) -> None:
    assert check_catalogue(tre_project, data_dir=data_dir) == []


def test_missing_column_is_reported_on_its_line_with_a_hint(tre_project: Path,
                                                            data_dir: Path) -> None:
    text = rewrite(tre_project, '{ name = "region"', '{ name = "Region"')
    [finding] = check_catalogue(tre_project, data_dir=data_dir)
    assert (finding.file, finding.rule) == (PATIENTS, "catalogue.column")
    assert finding.line == line_of(text, '"Region"')
    assert "did you mean 'region'" in finding.fix


def test_missing_table_schema_and_filter_column(tre_project: Path, data_dir: Path) -> None:
    rewrite(tre_project, 'column = "birth_year"', 'column = "birthyear"')
    text = rewrite(tre_project, 'name = "birth_year"', 'name = "birthyear"')
    found = check_catalogue(tre_project, data_dir=data_dir)
    assert [(f.rule, f.line) for f in found] == [
        ("catalogue.column", line_of(text, 'name = "birthyear"')),
        ("catalogue.filter-column", line_of(text, 'column = "birthyear"'))]
    rewrite(tre_project, 'column = "birthyear"', 'column = "birth_year"')
    rewrite(tre_project, 'name = "birthyear"', 'name = "birth_year"')
    text = rewrite(tre_project, 'name = "patients"\ndescription = "Demographics',
                   'name = "patient"\ndescription = "Demographics')
    [finding] = check_catalogue(tre_project, data_dir=data_dir)
    assert (finding.rule, finding.line) == ("catalogue.table", line_of(text, '"patient"'))
    assert "did you mean 'patients'" in finding.fix
    text = rewrite(tre_project, 'schema = "main"', 'schema = "mian"')
    [finding] = check_catalogue(tre_project, data_dir=data_dir)
    assert (finding.rule, finding.line) == ("catalogue.schema", line_of(text, "mian"))


def test_declared_type_that_differs_from_the_source_is_a_warning(tre_project: Path,
                                                                 data_dir: Path) -> None:
    rewrite(tre_project, '"sex", datatype = "TEXT"', '"sex", datatype = "INTEGER"')
    [finding] = check_catalogue(tre_project, data_dir=data_dir)
    assert (finding.rule, finding.severity) == ("catalogue.datatype", "warning")


def test_unreachable_source_is_one_warning_naming_what_to_set(tre_project: Path) -> None:
    [finding] = check_catalogue(tre_project, env={})
    assert finding.rule == "catalogue.unavailable"
    assert finding.severity == "warning"
    assert "FIVESAFES_DATA_DIR" in finding.message


def test_source_url_comes_from_the_named_environment_variable(tre_project: Path,
                                                              source_db: Path) -> None:
    env = {"SOURCE_DATABASE_URL": f"sqlite:///{source_db}"}
    assert check_catalogue(tre_project, env=env) == []


def test_enrich_fills_types_and_keeps_comments_and_descriptions(tre_project: Path,
                                                                data_dir: Path) -> None:
    before = rewrite(tre_project, '{ name = "birth_year", datatype = "INTEGER", ',
                     '{ name = "birth_year", ')
    before = rewrite(tre_project, '"sex", datatype = "TEXT"', '"sex", datatype = "VARCHAR"')
    _findings, plan = enrich(tre_project, data_dir=data_dir)
    assert {(p.column, p.datatype) for p in plan} == {("birth_year", "INTEGER"),
                                                      ("sex", "TEXT")}
    after = (tre_project / PATIENTS).read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments
    assert all(line in after.splitlines() for line in comments)
    assert 'description = "Year of birth."' in after
    assert check_catalogue(tre_project, data_dir=data_dir) == []


def test_metadata_service_answers_the_catalogue(tre_project: Path,
                                                trusted: tuple[Path, Path]) -> None:
    answer = {"status": "ok", "default_schema": "main", "schemas": [{"name": "main", "tables": [
        {"name": "patients", "columns": [{"name": n} for n in ("person_id", "birth_year",
                                                                "sex")]},
        {"name": "admissions", "columns": [{"name": n} for n in (
            "person_id", "admission_date", "diagnosis_code")]}]}]}

    def handle(path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        assert path == "/project/validate"
        assert "credentials" not in json.dumps(body)
        return 200, json.dumps(answer).encode()

    with json_service(handle, trusted) as (url, calls):
        set_executor(tre_project, kind="http", url=url, **{"api-key-secret": "TRE_API_KEY"})
        [finding] = check_catalogue(tre_project, env={"TRE_API_KEY": "k-123"})
    assert finding.rule == "catalogue.column"
    assert "'region'" in finding.message
    assert calls[0]["headers"]["authorization"] == "Bearer k-123"


def test_catalogue_command_exit_codes(tre_project: Path, data_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["catalogue", "check", str(tre_project), "--data-dir", str(data_dir)])
    assert ok.exit_code == 0, ok.output
    missing = runner.invoke(cli, ["catalogue", "check", str(tre_project)], env={
        "FIVESAFES_DATA_DIR": "", "SOURCE_DATABASE_URL": ""})
    assert missing.exit_code == 3
    rewrite(tre_project, '{ name = "region"', '{ name = "regoin"')
    bad = runner.invoke(cli, ["catalogue", "check", str(tre_project), "--data-dir", str(data_dir),
                              "--format", "json"])
    assert bad.exit_code == 1
    assert json.loads(bad.output)["findings"][0]["rule"] == "catalogue.column"


@pytest.mark.parametrize("answer", [b"not json", b"[]", b'{"schemas": [{"tables": []}]}'])
def test_metadata_service_answers_that_break_the_contract_are_refused(
        tre_project: Path, answer: bytes, trusted: tuple[Path, Path]) -> None:
    with json_service(lambda *_: (200, answer), trusted) as (url, _):
        set_executor(tre_project, kind="http", url=url, **{"api-key-secret": "TRE_API_KEY"})
        [finding] = check_catalogue(tre_project, env={"TRE_API_KEY": "k"})
    assert finding.rule == "catalogue.unavailable"


def test_validate_with_catalogue_reports_a_missing_column(tre_project: Path,
                                                          data_dir: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(tre_project), "--catalogue",
                             "--data-dir", str(data_dir)])
    assert ok.exit_code == 0, ok.output
    text = rewrite(tre_project, '{ name = "region"', '{ name = "regoin"')
    bad = runner.invoke(cli, ["validate", str(tre_project), "--catalogue", "--data-dir",
                              str(data_dir)])
    assert bad.exit_code == 1
    assert f"{PATIENTS}:{line_of(text, 'regoin')}" in bad.output
    plain = runner.invoke(cli, ["validate", str(tre_project)])
    assert plain.exit_code == 0, "without --catalogue the source is not consulted"


def test_catalogue_list_shows_schemas_tables_columns_and_types(tre_project: Path,
                                                               data_dir: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(cli, ["catalogue", "list", str(tre_project), "--data-dir", str(data_dir)])
    assert text.exit_code == 0, text.output
    assert "schema main: 2 table(s)" in text.output
    assert "main.patients" in text.output
    assert any(line.split()[:2] == ["postcode", "TEXT"] for line in text.output.splitlines())
    as_json = runner.invoke(cli, ["catalogue", "list", str(tre_project), "--data-dir",
                                  str(data_dir), "--json"])
    assert as_json.exit_code == 0, as_json.output
    found = json.loads(as_json.output)
    [main] = found["schemas"]
    tables = {t["name"]: t for t in main["tables"]}
    assert {c["name"]: c["datatype"] for c in tables["patients"]["columns"]}["birth_year"] == (
        "INTEGER")


def test_catalogue_list_without_a_data_folder_is_a_usage_error(tre_project: Path,
                                                               tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"FIVESAFES_DATA_DIR": "", "SOURCE_DATABASE_URL": ""}
    none = runner.invoke(cli, ["catalogue", "list", str(tre_project)], env=env)
    assert none.exit_code == 2
    assert "--data-dir" in none.output
    gone = runner.invoke(cli, ["catalogue", "list", str(tre_project), "--data-dir",
                               str(tmp_path / "no-such-folder")], env=env)
    assert gone.exit_code == 2
    assert "does not exist" in gone.output
    not_project = runner.invoke(cli, ["catalogue", "list", str(tmp_path)], env=env)
    assert not_project.exit_code == 2


def test_catalogue_list_from_the_metadata_service(tre_project: Path,
                                                  trusted: tuple[Path, Path]) -> None:
    from fivesafes.adapters.catalogue.run import list_catalogue

    answer = {"status": "ok", "default_schema": "main", "schemas": [{"name": "main", "tables": [
        {"name": "patients", "description": "Demographics.", "columns": [
            {"name": "person_id", "datatype": "INTEGER", "description": "Pseudonym."}]}]}]}

    def handle(path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        return 200, json.dumps(answer).encode()

    with json_service(handle, trusted) as (url, _):
        set_executor(tre_project, kind="http", url=url, **{"api-key-secret": "TRE_API_KEY"})
        found = list_catalogue(tre_project, env={"TRE_API_KEY": "k"})
    patients = found.schemas["main"]["patients"]
    assert patients.description == "Demographics."
    assert [(c.name, c.datatype, c.description) for c in patients.columns] == [
        ("person_id", "INTEGER", "Pseudonym.")]
