"""GitHub's own OpenAPI description as the judge of every byte the test server exchanges.

A fake that drifts from the real API makes contract tests worthless, so each response the
server sends (and each JSON request body it receives) is validated against the operations
vendored by ``scripts/vendor_openapi.py``. OpenAPI 3.0 schemas are JSON Schema draft 4 plus
``nullable``; :func:`to_json_schema` rewrites ``nullable`` so ``jsonschema`` understands it.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

SUBSET = Path(__file__).with_name("openapi-subset.json")
SLASHED = {"ref", "tag", "branch", "path"}


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema -> JSON Schema draft 4 (``nullable`` becomes a ``null`` type)."""
    if isinstance(node, list):
        return [to_json_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: (to_json_schema(v) if k != "properties" else
               {p: to_json_schema(s) for p, s in v.items()})
           for k, v in node.items() if k != "nullable"}
    if not node.get("nullable"):
        return out
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    if "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        return out
    return {"anyOf": [{"type": "null"}, out]}


class SchemaViolation(AssertionError):
    """The server sent, or was sent, something the real GitHub API would not."""


class RequestViolation(SchemaViolation):
    """The client sent a body GitHub would refuse (answered 422)."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    operation_id: str
    spec: dict[str, Any]
    pattern: re.Pattern[str]
    greedy: re.Pattern[str]  # the last parameter may hold slashes (refs, tags, paths)
    params: tuple[str, ...]


class OpenApi:
    """The vendored subset: routing by path template and schema validation."""

    def __init__(self, path: Path = SUBSET) -> None:
        self.doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        self.root = {"components": to_json_schema(self.doc["components"])}
        self.operations = [self._operation(m, t, spec)
                           for t, item in self.doc["paths"].items()
                           for m, spec in item.items()]
        # literal segments first, so /releases/tags/{tag} wins over /releases/{release_id}
        self.operations.sort(key=lambda op: (-op.template.count("/"), op.template.count("{")))

    @staticmethod
    def _operation(method: str, template: str, spec: dict[str, Any]) -> Operation:
        multi = {p["name"] for p in spec.get("parameters", [])
                 if isinstance(p, dict) and p.get("x-multi-segment")}
        names: list[str] = []

        def group(match: re.Match[str]) -> str:
            names.append(match.group(1))
            return "(.+)" if match.group(1) in multi else "([^/]+)"

        regex = re.sub(r"\\\{(\w+)\\\}", group, re.escape(template))
        # refs, tags and branches may hold slashes even where the description does not say so
        greedy = (re.sub(r"\(\[\^/\]\+\)$", "(.+)", regex)
                  if names and names[-1] in SLASHED else regex)
        return Operation(method.upper(), template, spec["operationId"], spec,
                         re.compile(f"^{regex}$"), re.compile(f"^{greedy}$"), tuple(names))

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        for greedy in (False, True):
            for op in self.operations:
                if op.method != method:
                    continue
                found = (op.greedy if greedy else op.pattern).match(path)
                if found:
                    values = [urllib.parse.unquote(v) for v in found.groups()]
                    return op, dict(zip(op.params, values, strict=True))
        return None

    def templates(self) -> set[tuple[str, str]]:
        return {(op.method, op.template) for op in self.operations}

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self._pointer(node["$ref"])
        return node

    def _pointer(self, ref: str) -> dict[str, Any]:
        node: Any = self.doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert isinstance(node, dict)
        return node

    def response_schema(self, op: Operation, status: int) -> dict[str, Any] | None:
        """The JSON schema of a response; None when the response has no JSON body.

        Statuses GitHub sends on any operation without listing them (502, 429, secondary rate
        limits) must carry GitHub's generic ``basic-error`` body.
        """
        responses = op.spec["responses"]
        entry = responses.get(str(status), responses.get("default"))
        if entry is None:
            if status >= 400:
                return {"$ref": "#/components/schemas/basic-error"}
            raise SchemaViolation(f"{op.operation_id}: status {status} is not documented")
        content = self._resolve(entry).get("content")
        if not content:
            # GitHub documents some error statuses without a body but sends its error JSON
            return {"$ref": "#/components/schemas/basic-error"} if status >= 400 else None
        media = content.get("application/json") or next(iter(content.values()))
        schema = media.get("schema")
        return schema if isinstance(schema, dict) else None

    def request_schema(self, op: Operation) -> dict[str, Any] | None:
        body = op.spec.get("requestBody")
        if not body:
            return None
        media = self._resolve(body).get("content", {}).get("application/json")
        return media.get("schema") if media else None

    def validate(self, schema: dict[str, Any], instance: Any, what: str,
                 error: type[SchemaViolation] = SchemaViolation) -> None:
        validator = Draft4Validator({**self.root, "allOf": [to_json_schema(schema)]})
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            lines = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}"
                     for e in errors[:5]]
            raise error(f"{what} does not match GitHub's OpenAPI description:\n  "
                                  + "\n  ".join(lines))

    def has_status(self, op: Operation, status: int) -> bool:
        return str(status) in op.spec["responses"]
