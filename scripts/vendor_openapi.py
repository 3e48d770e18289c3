"""Vendor the GitHub REST operations the test server implements from GitHub's own description.

The local GitHub API server (tests/github_server) validates every response it sends, and every
JSON request body it receives, against GitHub's official OpenAPI description. Only the operations
listed in ``tests/github_server/operations.txt`` and the components they reference are kept,
so the vendored file stays small and reviewable; examples and prose are dropped.

Source: the npm package ``@octokit/openapi`` (``generated/api.github.com.json``), pinned below.

    python scripts/vendor_openapi.py [--source PKG.tgz|api.github.com.json]   # write
    python scripts/vendor_openapi.py --check [--source ...]                    # compare, exit 1
    python scripts/vendor_openapi.py --check --offline                         # self-consistency

Without ``--source`` the script runs ``npm pack @octokit/openapi@VERSION`` in a temporary
folder (network). ``--offline`` checks, without the source, that the vendored file holds exactly
the listed operations, that every reference resolves and that it is in canonical form.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
MEMBER = "package/generated/api.github.com.json"
ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "tests" / "github_server" / "operations.txt"
SUBSET = ROOT / "tests" / "github_server" / "openapi-subset.json"
DROPPED = {"examples", "example", "description", "externalDocs"}
METHODS = {"get", "put", "post", "patch", "delete", "head"}


def read_operations(path: Path = OPERATIONS) -> list[tuple[str, str]]:
    ops = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            method, route = line.split()
            ops.append((method.lower(), route))
    return ops


def load_source(source: Path | None) -> tuple[bytes, str]:
    """The description's bytes and a label naming where they came from."""
    if source is None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(
                ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp],
                check=True, capture_output=True,
            )
            (tgz,) = Path(tmp).glob("*.tgz")
            return load_source(tgz)
    if source.suffix == ".tgz":
        with tarfile.open(source) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{source}: no {MEMBER} inside")
            return member.read(), f"npm {PACKAGE}@{VERSION} {MEMBER.removeprefix('package/')}"
    return source.read_bytes(), f"npm {PACKAGE}@{VERSION} generated/{source.name}"


def strip(node: Any, in_properties: bool = False) -> Any:
    """Drop examples and prose; names of properties are kept whatever they are called."""
    if isinstance(node, dict):
        return {
            k: strip(v, in_properties=(k == "properties" and not in_properties))
            for k, v in node.items()
            if in_properties or k not in DROPPED
        }
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                found.add(v)
            else:
                found |= refs(v)
    elif isinstance(node, list):
        for v in node:
            found |= refs(v)
    return found


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def extract(full: dict[str, Any], ops: list[tuple[str, str]], label: str,
            digest: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, route in ops:
        try:
            operation = full["paths"][route][method]
        except KeyError:
            raise SystemExit(
                f"{OPERATIONS.name}: {method.upper()} {route} is not in {label}") from None
        paths.setdefault(route, {})[method] = strip(operation)
    components: dict[str, dict[str, Any]] = {}
    pending = sorted(refs(paths))
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        if ref in seen:
            continue
        seen.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = strip(resolve(full, ref))
        components.setdefault(kind, {})[name] = node
        pending.extend(sorted(refs(node) - seen))
    return {
        "openapi": full["openapi"],
        "info": {
            "title": full["info"]["title"],
            "version": full["info"]["version"],
            "x-vendored-from": label,
            "x-source-sha256": digest,
            "x-generated-by": "scripts/vendor_openapi.py",
        },
        "paths": {k: paths[k] for k in sorted(paths)},
        "components": {k: dict(sorted(v.items())) for k, v in sorted(components.items())},
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def check_offline(text: str, ops: list[tuple[str, str]]) -> list[str]:
    problems = []
    doc = json.loads(text)
    if render(doc) != text:
        problems.append("not in canonical form (re-run the script)")
    have = {(m, p) for p, item in doc["paths"].items() for m in item if m in METHODS}
    for method, route in sorted(set(ops) - have):
        problems.append(f"missing operation {method.upper()} {route}")
    for method, route in sorted(have - set(ops)):
        problems.append(f"operation {method.upper()} {route} is not listed in {OPERATIONS.name}")
    for ref in sorted(refs(doc)):
        try:
            resolve(doc, ref)
        except KeyError:
            problems.append(f"unresolved reference {ref}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="npm pack tarball or api.github.com.json")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--offline", action="store_true", help="with --check: no source needed")
    args = parser.parse_args(argv)
    ops = read_operations()
    if args.check and args.offline:
        problems = check_offline(SUBSET.read_text(encoding="utf-8"), ops)
        for problem in problems:
            print(f"{SUBSET.relative_to(ROOT)}: {problem}", file=sys.stderr)
        return 1 if problems else 0
    data, label = load_source(args.source)
    text = render(extract(json.loads(data), ops, label, hashlib.sha256(data).hexdigest()))
    if args.check:
        current = SUBSET.read_text(encoding="utf-8") if SUBSET.exists() else ""
        if current != text:
            print(f"{SUBSET.relative_to(ROOT)} is stale: run scripts/vendor_openapi.py",
                  file=sys.stderr)
            return 1
        return 0
    tmp = SUBSET.with_suffix(".json.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(SUBSET)
    print(f"wrote {SUBSET.relative_to(ROOT)}: {len(ops)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
