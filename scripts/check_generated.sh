#!/usr/bin/env bash
# Fails when any generated file (JSON Schemas, actions README, phase diagram, OpenAPI subset,
# the hash-pinned locks) no longer matches what it is generated from. CI runs it; run it
# before committing. Offline: the locks are checked against pyproject.toml, not the index.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py=${PYTHON:-.venv/bin/python}
"$py" scripts/generate_schemas.py --check
"$py" scripts/generate_actions_readme.py --check
"$py" -m fivesafes phases --mermaid --check docs/phases.md
"$py" scripts/vendor_openapi.py --check --offline
"$py" scripts/lock.py --check
