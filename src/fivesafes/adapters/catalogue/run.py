"""Runs the source catalogue check of a project folder, and writes the enrichment.

Chooses where the catalogue comes from (the TRE's metadata service when the policy runs an
``http`` executor, SQL inspection otherwise), compares, and for ``enrich`` edits the dataset
files in place with tomlkit so the researcher's comments and layout survive. ``list`` reads
the whole catalogue, for a researcher preparing a request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from fivesafes.adapters.catalogue import http as catalogue_http
from fivesafes.adapters.catalogue import sql as catalogue_sql
from fivesafes.adapters.catalogue.http_json import Service, ServiceError
from fivesafes.adapters.files import toml_edit
from fivesafes.adapters.files.project import LoadedProject, load_project
from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.core.request import catalogue
from fivesafes.core.request.parsed import Request
from fivesafes.core.request.toml_doc import load, validate_model
from fivesafes.core.request.validate import validate_policy
from fivesafes.errors import ExternalError, UsageError
from fivesafes.models.access import AccessFile
from fivesafes.models.policy import Policy


class CatalogueUnavailable(ExternalError):
    """The catalogue could not be read (source or service unreachable, or not configured)."""


def dataset_texts(project: LoadedProject) -> dict[str, str]:
    return {path: project.files[path].decode("utf-8") for path, _ in project.request.datasets
            if path in project.files}


def service_for(policy: Policy, env: Mapping[str, str]) -> Service | None:
    """The TRE service of an ``http`` executor, with its API key from the environment."""
    executor = policy.executor
    if executor.kind != "http" or not executor.url:
        return None
    key_name = executor.api_key_secret
    return Service(executor.url, api_key=env.get(key_name) if key_name else None,
                   api_key_name=key_name or "(none configured)")


def load_catalogue(request: Request, policy: Policy | None, *,
                   env: Mapping[str, str] | None = None,
                   data_dir: Path | None = None) -> catalogue.Catalogue:
    environment = os.environ if env is None else env
    try:
        service = service_for(policy, environment) if policy else None
        if service is not None:
            return catalogue_http.read_catalogue(service, request)
        wanted: dict[str | None, set[str]] = {}
        for _, dataset_file in request.datasets:
            dataset = dataset_file.dataset
            wanted.setdefault(dataset.schema_, set()).update(t.name for t in dataset.tables)
        url = catalogue_sql.source_url(request.access, environment, data_dir)
        return catalogue_sql.read_catalogue(url, request.access.source.name, wanted)
    except (catalogue_sql.SourceUnavailable, ServiceError) as exc:
        raise CatalogueUnavailable(str(exc)) from None


def run_check(root: Path, *, env: Mapping[str, str] | None = None,
              data_dir: Path | None = None) -> list[Finding]:
    """Catalogue findings of the project at ``root``; CatalogueUnavailable when unreachable."""
    project = load_project(root)
    found = load_catalogue(project.request, project.policy, env=env, data_dir=data_dir)
    return catalogue.check(project.request.datasets, dataset_texts(project), found)


def check_catalogue(root: Path, *, env: Mapping[str, str] | None = None,
                    data_dir: Path | None = None) -> list[Finding]:
    """Catalogue findings of the project at ``root``.

    An unreachable source is one warning finding on access.toml (validation can run where the
    source is not reachable, e.g. in a pull-request job without secrets).
    """
    try:
        return run_check(root, env=env, data_dir=data_dir)
    except CatalogueUnavailable as exc:
        return [Finding(layout.ACCESS, None, None, "catalogue.unavailable",
                        f"the source catalogue was not checked: {exc}",
                        "run `fivesafes catalogue check` where the source is reachable",
                        "warning")]


def enrich_files(root: Path, plan: list[catalogue.ColumnEnrichment]) -> list[str]:
    """Apply an enrichment plan to the dataset files; the files changed."""
    edits: dict[str, list[toml_edit.Edit]] = {}
    for item in plan:
        base = ("dataset", "tables", item.table_index, "columns", item.column_index)
        if item.datatype:
            edits.setdefault(item.file, []).append(((*base, "datatype"), item.datatype))
        if item.description:
            edits.setdefault(item.file, []).append(((*base, "description"), item.description))
    for file, file_edits in sorted(edits.items()):
        toml_edit.edit_file(root / file, file_edits)
    return sorted(edits)


def enrich(root: Path, *, env: Mapping[str, str] | None = None,
           data_dir: Path | None = None) -> tuple[list[Finding], list[catalogue.ColumnEnrichment]]:
    """Check, then write the column types and descriptions the catalogue knows."""
    project = load_project(root)
    found = load_catalogue(project.request, project.policy, env=env, data_dir=data_dir)
    findings = catalogue.check(project.request.datasets, dataset_texts(project), found)
    plan = catalogue.enrichment(project.request.datasets, found)
    enrich_files(root, plan)
    return findings, plan


class CatalogueUsage(UsageError):
    """The command cannot run as given (no data folder, unreadable access.toml): exit 2."""


def _access(root: Path) -> AccessFile:
    path = root / layout.ACCESS
    if not path.is_file():
        raise CatalogueUsage(f"{layout.ACCESS} not found in {root}: give the project folder")
    doc, found = load(layout.ACCESS, path.read_bytes())
    access = validate_model(doc, AccessFile)[0] if doc is not None else None
    if access is None:
        problem = found[0].render() if found else f"{layout.ACCESS} is not valid"
        raise CatalogueUsage(f"{problem}; fix it, then list the catalogue")
    return access


def list_catalogue(root: Path, *, env: Mapping[str, str] | None = None,
                   data_dir: Path | None = None) -> catalogue.Catalogue:
    """Everything the source holds (schemas, tables, columns), for preparing a request.

    Needs only ``access.toml`` (a request still being written need not validate), unless the
    policy names the TRE's metadata service, which answers for a whole request.
    """
    environment = os.environ if env is None else env
    policy_file = root / layout.POLICY
    policy = validate_policy(policy_file.read_bytes())[0] if policy_file.is_file() else None
    try:
        if policy is not None and service_for(policy, environment) is not None:
            project = load_project(root)
            return load_catalogue(project.request, project.policy, env=environment)
        access = _access(root)
        url = catalogue_sql.source_url(access, environment, data_dir)
        return catalogue_sql.read_catalogue(url, access.source.name, None)
    except catalogue_sql.DataFolderMissing as exc:
        raise CatalogueUsage(str(exc)) from None
    except catalogue_sql.SourceUnavailable as exc:
        raise CatalogueUnavailable(str(exc)) from None
