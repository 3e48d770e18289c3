"""GitHub-shaped JSON objects generated from the official schemas.

GitHub objects carry dozens of required fields nobody reads (``gists_url``, ``forks_count``...).
Writing them by hand invites drift; instead :meth:`Shapes.make` fills every REQUIRED field of a
named component schema with a neutral value (``None`` where nullable, ``0``, ``False``, ``[]``,
a URL on the server for ``*_url`` fields) and deep-merges the fields that matter on top. The
result is then validated like every other response, so a wrong override still fails loudly.
"""

from __future__ import annotations

from typing import Any

from tests.github_server.openapi import OpenApi

EPOCH = "2026-01-01T00:00:00Z"


class Shapes:
    def __init__(self, api: OpenApi, base_url: str) -> None:
        self.api = api
        self.base_url = base_url.rstrip("/")

    def make(self, schema: str, /, **fields: Any) -> dict[str, Any]:
        """A valid ``#/components/schemas/<schema>`` with ``fields`` over the defaults."""
        sample = self.sample({"$ref": f"#/components/schemas/{schema}"}, schema)
        assert isinstance(sample, dict), schema
        return merge(sample, fields)

    def sample(self, schema: dict[str, Any], field: str) -> Any:
        schema = self._deref(schema)
        if schema.get("nullable"):
            return None
        if "allOf" in schema:
            out: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.sample(part, field)
                if isinstance(value, dict):
                    out = merge(out, value)
            return out
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return self.sample(schema[key][0], field)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type", "object")
        if isinstance(kind, list):
            kind = kind[0]
        if kind == "object":
            props = schema.get("properties", {})
            return {p: self.sample(props.get(p, {}), p) for p in schema.get("required", [])}
        if kind == "array":
            return []
        if kind in ("integer", "number"):
            return schema.get("minimum", 0)
        if kind == "boolean":
            return False
        if schema.get("format") == "date-time" or field.endswith("_at"):
            return EPOCH
        if field == "url" or field.endswith("_url") or schema.get("format") == "uri":
            return f"{self.base_url}/_placeholder/{field}"
        return ""

    def _deref(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.api.doc
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``over`` deep-merged onto ``base`` (dicts merge, everything else replaces)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
