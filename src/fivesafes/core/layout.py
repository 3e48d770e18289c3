"""Where things live in a project repository (DESIGN.md section 2)."""

from __future__ import annotations

PROJECT = "resources/governance/project.toml"
ACTIONS = "resources/governance/actions.toml"
ACCESS = "resources/access/access.toml"
WORKFLOW = "resources/workflow.toml"
DATASETS_DIR = "resources/metadata"
DATASET_PREFIX = "dataset_"
INPUTS_DIR = "resources/inputs"  # workflow input files: request files, so signed off
POLICY = ".github/fivesafes.toml"
CRATE_DIR = "crate"
CRATE_METADATA = "crate/ro-crate-metadata.json"
CRATE_PREVIEW = "crate/ro-crate-preview.html"
OUTPUTS_MANIFEST = "outputs/manifest.toml"
# Paths a request pull request must never touch: the automation owns them.
AUTOMATION_OWNED = (ACTIONS, CRATE_DIR + "/", POLICY, ".github/")


def is_dataset_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return (
        path.startswith(DATASETS_DIR + "/")
        and path.count("/") == DATASETS_DIR.count("/") + 1
        and name.startswith(DATASET_PREFIX)
        and name.endswith(".toml")
    )


def is_automation_owned(path: str) -> bool:
    return any(path == p or (p.endswith("/") and path.startswith(p)) for p in AUTOMATION_OWNED)
