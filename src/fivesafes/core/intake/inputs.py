"""A submitted crate's workflow inputs as ``workflow.toml`` entries, credentials kept out.

The inputs of a request are part of what approvers sign off and are committed to git, so an
input that carries a credential (its name says password, token, secret or key, or its value
is a connection string or looks like a token) is never imported: it becomes a FILL IN naming
the secret the TRE must provide instead, with a finding. A file input is imported with its
bytes under ``resources/inputs/`` when the submitted crate carries them; the service reads
them (this module only says which file goes where).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from fivesafes.core import layout
from fivesafes.core.crate.graph import Entity, Graph
from fivesafes.core.findings import Finding
from fivesafes.core.release.zip_rules import name_problems
from fivesafes.core.request.secret_scan import credential_kind, looks_secret_key

_DEFAULT_INPUT = re.compile(r"^Input .+ of the workflow\.$")
_CONNECTION = re.compile(
    r"(?i)^(jdbc:|odbc:|(postgres(ql)?|mysql|mariadb|mssql|sqlserver|oracle|mongodb(\+srv)?|"
    r"redis|amqp|snowflake|databricks)(\+\w+)?://)|;\s*(pwd|password|uid|user id)\s*=")


@dataclass(frozen=True)
class Missing:
    """A value the crate does not give; rendered as an empty value with a FILL IN comment."""

    hint: str


@dataclass(frozen=True)
class Secret(Missing):
    """A credential the crate carried and the import left out: the TRE provides it."""


@dataclass
class InputsDraft:
    inputs: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # project path -> crate path
    findings: list[Finding] = field(default_factory=list)


def secret_name(name: str) -> str:
    """The upper-case secret NAME suggested for a credential input (``db-password`` ->
    ``WORKFLOW_INPUT_DB_PASSWORD``)."""
    return "WORKFLOW_INPUT_" + (re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "X")


def credential(name: str, value: Any) -> str | None:
    """Why an input is a credential, or None."""
    if looks_secret_key(name):
        return f"its name {name!r} says it is a secret"
    if isinstance(value, str):
        if _CONNECTION.search(value.strip()):
            return "its value is a connection string"
        kind = credential_kind(value, name)
        if kind:
            return f"its value looks like {kind}"
    return None


def _file_target(obj: Entity) -> tuple[str | None, str]:
    """(crate path of the bytes or None, project path to write them to)."""
    local = obj.get("localPath") if isinstance(obj.get("localPath"), str) else None
    oid = str(obj["@id"])
    source = None if oid.startswith("#") or "://" in oid or oid.startswith("/") else oid
    rel = (local or source or oid.removeprefix("#input/")).lstrip("/")
    if rel.startswith(layout.INPUTS_DIR + "/"):
        rel = rel[len(layout.INPUTS_DIR) + 1:]
    if not rel or name_problems(rel):
        rel = rel.rsplit("/", 1)[-1] if rel and not name_problems(rel.rsplit("/", 1)[-1]) \
            else "input"
    return source, f"{layout.INPUTS_DIR}/{rel}"


def workflow_inputs(g: Graph, action: Entity | None, file: str) -> InputsDraft:
    draft = InputsDraft()
    for obj in (g.get(i) for i in g.ids(action, "object")):
        if obj is None or g.types(obj) == {"CreativeWork"}:
            continue  # a CreativeWork object is the approved data (the dataset files), no input
        parameter = next((g.get(i) for i in g.ids(obj, "exampleOfWork")), None)
        pname = parameter.get("name") if parameter else None
        oname = obj.get("name")
        name = next((n.strip() for n in (pname, oname) if isinstance(n, str) and n.strip()),
                    str(obj["@id"]))
        item: dict[str, Any] = {"name": name}
        if g.is_a(obj["@id"], "File", "MediaObject"):
            source, target = _file_target(obj)
            item["file"] = target
            if source is not None:
                draft.files[target] = source
        else:
            value = obj.get("value")
            value = value if isinstance(value, str | int | float | bool) else str(value)
            why = next((w for w in (credential(n, value) for n in {name, str(oname or "")} if n)
                        if w), None)
            if why:
                secret = secret_name(name)
                item["value"] = Secret(f"a credential; the TRE provides it as its secret "
                                       f"{secret} (the submitted value was not imported)")
                draft.findings.append(Finding(
                    file, None, None, "import.credential",
                    f"workflow input {name!r} was not imported: {why}",
                    f"store the credential as the TRE secret {secret} (it must not be in git "
                    "or a crate); tell the requester it was seen, and rotate it", "warning"))
            else:
                item["value"] = value
        text = parameter.get("description") if parameter else None
        if isinstance(text, str) and text.strip() and not _DEFAULT_INPUT.match(text.strip()):
            item["description"] = text.strip()
        draft.inputs.append(item)
    return draft
