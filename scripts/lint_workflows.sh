#!/usr/bin/env bash
# Lints every GitHub Actions file this repository ships: its own workflows, the composite
# actions, and the project repository template's workflow and Dependabot configuration.
#   zizmor --offline            security audit (every relaxation in .github/zizmor.yml is explained)
#   check-jsonschema            GitHub's workflow, action and Dependabot schemas, as vendored in
#                               the check-jsonschema package (no network)
# Exits non-zero on any finding. CI runs it; run it before committing workflow changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${VENV_BIN:-.venv/bin}

workflows=(.github/workflows/*.yml templates/project-repo/.github/workflows/*.yml
           templates/org-repo/.github/workflows/*.yml)
actions=(actions/*/action.yml)
dependabot=(templates/project-repo/.github/dependabot.yml)
[[ -f .github/dependabot.yml ]] && dependabot+=(.github/dependabot.yml)

echo "zizmor (offline): .github/workflows actions templates/project-repo/.github templates/org-repo/.github"
"$bin/zizmor" --offline --quiet --config .github/zizmor.yml --strict-collection \
  .github/workflows actions templates/project-repo/.github templates/org-repo/.github

echo "check-jsonschema: ${#workflows[@]} workflows, ${#actions[@]} actions, ${#dependabot[@]} Dependabot files"
"$bin/check-jsonschema" --builtin-schema vendor.github-workflows "${workflows[@]}"
"$bin/check-jsonschema" --builtin-schema vendor.github-actions "${actions[@]}"
"$bin/check-jsonschema" --builtin-schema vendor.dependabot "${dependabot[@]}"
