"""The last checks before an import writes anything: input files, and no secret in the text.

File inputs of the submitted crate become files under ``resources/inputs/`` when the crate
carries their bytes (read and checked against the digest of the single pass by the caller's
``fetch``); otherwise the input is a FILL IN. Then every TOML file about to be written is
scanned as a request file is (:mod:`fivesafes.core.request.secret_scan`): whatever a crate
smuggled past the input rules (a token in a description, a password in a name), the import
refuses rather than commit it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable

from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.core.intake.from_crate import RequestDraft
from fivesafes.core.intake.inputs import Missing
from fivesafes.core.request.secret_scan import scan


def attach_inputs(draft: RequestDraft,
                  fetch: Callable[[str], bytes | None]) -> dict[str, str | bytes]:
    """Project path -> bytes of each file input the crate carries; the others become FILL INs."""
    files: dict[str, str | bytes] = {}
    for item in draft.workflow.get("workflow", {}).get("inputs", []):
        target = item.get("file")
        if not isinstance(target, str):
            continue
        source = draft.input_files.get(target)
        data = fetch(source) if source is not None else None
        if data is not None:
            files[target] = data
            continue
        item["file"] = Missing(f"input {item['name']!r}: a file under {layout.INPUTS_DIR}/ "
                               "(the submitted crate does not carry it)")
        draft.findings.append(Finding(
            layout.WORKFLOW, None, None, "import.input-file",
            f"file input {item['name']!r} ({source or target}) is not in the submitted crate",
            f"add the file under {layout.INPUTS_DIR}/ and name it here; approvers sign off "
            "its bytes", "warning"))
    return files


def scan_rendered(texts: dict[str, str]) -> list[Finding]:
    """Secret findings (errors) in the TOML files an import is about to write."""
    found: list[Finding] = []
    for path, text in sorted(texts.items()):
        if path == layout.ACCESS:
            continue  # the fixed placeholder; nothing from the crate
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:  # never expected: rendered by tomlkit
            found.append(Finding(path, None, None, "import.render", str(exc), "report a bug"))
            continue
        found += scan(path, text, data)
    return found
