"""The engine's view of request and policy validation.

The engine needs two answers: is the policy usable, and what is wrong with the request files at
the head commit. :mod:`fivesafes.core.validate` gives the full answers (schema, semantics,
catalogue); this module calls it, and when it is not importable falls back to schema-only
parsing with the models, so the engine always fails closed rather than crashing.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.core.request import Request
from fivesafes.models.access import AccessFile
from fivesafes.models.dataset import DatasetFile
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile
from fivesafes.models.workflow import WorkflowFile


def _validate_module() -> Any:
    try:
        return importlib.import_module("fivesafes.core.validate")
    except ModuleNotFoundError as exc:
        if exc.name != "fivesafes.core.validate":
            raise
        return None


def check_policy(data: bytes | None) -> tuple[Policy | None, list[Finding]]:
    """The policy from the default branch, or None with findings saying why not."""
    module = _validate_module()
    if module is not None:
        policy, findings = module.validate_policy(data)
        return policy, list(findings)
    if data is None:
        return None, [Finding(layout.POLICY, None, None, "policy.missing",
                              "no policy on the default branch",
                              "commit .github/fivesafes.toml to the default branch")]
    model, findings = _parse(layout.POLICY, data, Policy)
    return (model if isinstance(model, Policy) else None), findings


def check_request(
    files: Mapping[str, bytes], policy: Policy | None
) -> tuple[Request | None, list[Finding]]:
    """The parsed request (None when it cannot be parsed) and every finding."""
    module = _validate_module()
    if module is not None:
        result = module.validate_request(files, policy)
        return result.request, list(result.findings)
    findings: list[Finding] = []
    parsed: dict[str, BaseModel | None] = {}
    for path, model in ((layout.PROJECT, ProjectFile), (layout.ACCESS, AccessFile),
                        (layout.WORKFLOW, WorkflowFile)):
        if path not in files:
            findings.append(Finding(path, None, None, "request.missing", f"{path} is missing",
                                    f"add {path} (see the project template)"))
            parsed[path] = None
            continue
        parsed[path], found = _parse(path, files[path], model)
        findings += found
    datasets: list[tuple[str, DatasetFile]] = []
    for path in sorted(p for p in files if layout.is_dataset_file(p)):
        dataset, found = _parse(path, files[path], DatasetFile)
        findings += found
        if isinstance(dataset, DatasetFile):
            datasets.append((path, dataset))
    project, access, workflow = (parsed[layout.PROJECT], parsed[layout.ACCESS],
                                 parsed[layout.WORKFLOW])
    if (isinstance(project, ProjectFile) and isinstance(access, AccessFile)
            and isinstance(workflow, WorkflowFile)):
        return Request(project, access, workflow, tuple(datasets)), findings
    return None, findings


def _parse(
    path: str, data: bytes, model: type[BaseModel]
) -> tuple[BaseModel | None, list[Finding]]:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [Finding(path, None, None, "toml.syntax", f"not valid TOML: {exc}",
                              "fix the TOML syntax")]
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            Finding(path, None, None, "schema",
                    f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}",
                    "see the JSON Schema of this file")
            for err in exc.errors()
        ]
