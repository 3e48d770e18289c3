"""Helpers shared by the crate tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fivesafes.adapters.files.project import load_project
from fivesafes.core.crate.spec import build_crate
from fivesafes.services.software import software

Validator = Callable[[Path, str], dict[str, Any]]


def build(root: Path, **kwargs: Any) -> dict[str, Any]:
    """The crate of the project folder ``root`` (``record=`` replaces its record)."""
    project = load_project(root)
    return build_crate(project.request, kwargs.pop("record", project.record),
                       kwargs.pop("policy", project.policy),
                       software=kwargs.pop("software", software()), **kwargs)


def by_id(crate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(e["@id"]): e for e in crate["@graph"]}


def ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [str(i["@id"]) for i in items]


def issues(report: dict[str, Any]) -> list[str]:
    return [f"{i['severity']} {i['check']['identifier']}: {i['message']} "
            f"({i.get('violatingEntity')})" for i in report["issues"]]
