#!/usr/bin/env bash
# Fails when any generated file (JSON Schemas, actions README, phase diagram, OpenAPI subset)
# no longer matches the code it is generated from. CI runs it; run it before committing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
py=${PYTHON:-.venv/bin/python}
"$py" scripts/generate_schemas.py --check
"$py" scripts/generate_actions_readme.py --check
"$py" -m fivesafes phases --mermaid --check docs/phases.md
"$py" scripts/vendor_openapi.py --check --offline
