"""The CWL job (WES ``workflow_params``) built from the request's inputs, by name.

The request names each input by the workflow's parameter name, with a TOML value or a file of
the project. Values are coerced to the parameter's CWL type the way a reviewer would expect
(``"10"`` fills an ``int``, ``1`` fills a ``string`` as ``"1"``, a scalar fills an array of
one); anything ambiguous is refused. An input the workflow does not declare, a required
parameter left unfilled, or a file given where a value is expected (or the reverse) is refused
before anything is submitted, all problems in one message. Only the request's inputs go into
the job: nothing of the runner's environment, so no secret can reach an engine that stores and
echoes its parameters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fivesafes.core.cwl.interface import CwlError, CwlType, Interface, Parameter
from fivesafes.models.workflow import Input

Scalar = str | int | float | bool


class _Refused(ValueError):
    pass


def _int(value: Scalar) -> int:
    if isinstance(value, bool):
        raise _Refused("a boolean is not an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())
    raise _Refused(f"{value!r} is not an integer")


def _float(value: Scalar) -> float:
    if isinstance(value, bool):
        raise _Refused("a boolean is not a number")
    try:
        return float(value)
    except ValueError:
        raise _Refused(f"{value!r} is not a number") from None


def _boolean(value: Scalar) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _Refused(f"{value!r} is not true or false")


def _string(value: Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def coerce(value: Scalar, kind: CwlType) -> Any:
    """``value`` as the CWL type ``kind`` (a scalar type: File and Directory excluded)."""
    if kind.base in ("int", "long"):
        one: Any = _int(value)
    elif kind.base in ("float", "double"):
        one = _float(value)
    elif kind.base == "boolean":
        one = _boolean(value)
    elif kind.base == "string":
        one = _string(value)
    elif kind.base == "enum":
        one = _string(value)
        if one not in kind.symbols:
            raise _Refused(f"{one!r} is not one of {', '.join(kind.symbols)}")
    elif kind.base == "Any":
        one = value
    else:
        raise _Refused(f"type {kind.describe()} cannot be given in workflow.toml")
    return [one] if kind.array else one


def _one(item: Input, param: Parameter, locations: Mapping[str, dict[str, Any]]) -> Any:
    kind = param.type
    if kind.base in ("File", "Directory"):
        if item.file is None:
            raise _Refused(f"it is a {kind.describe()}: give file = \"<path in the "
                           "repository>\" instead of value")
        ref = dict(locations[item.name])
        if ref.get("class") != kind.base:
            raise _Refused(f"{item.file} is not a {kind.base}")
        return [ref] if kind.array else ref
    if item.file is not None:
        raise _Refused(f"it is a {kind.describe()}, not a file: give value instead")
    assert item.value is not None  # the model requires a value or a file
    return coerce(item.value, kind)


def build_job(iface: Interface, inputs: Sequence[Input],
              locations: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The job object: parameter name -> CWL value.

    ``locations`` maps the name of every file input to its CWL File or Directory object
    (``class`` and ``location`` or ``path``), made by the executor where it placed the file.
    """
    job: dict[str, Any] = {}
    problems: list[str] = []
    names = ", ".join(p.name for p in iface.inputs) or "none"
    for item in inputs:
        param = iface.input(item.name)
        if param is None:
            problems.append(f"input {item.name!r} is not an input of the workflow "
                            f"(its inputs: {names})")
            continue
        try:
            job[item.name] = _one(item, param, locations)
        except _Refused as exc:
            problems.append(f"input {item.name!r}: {exc}")
    for param in iface.inputs:
        if param.required and param.name not in job and all(
                i.name != param.name for i in inputs):
            problems.append(f"the workflow's required input {param.name!r} "
                            f"({param.type.describe()}) is not given in workflow.toml")
    if problems:
        raise CwlError("; ".join(problems))
    return job
