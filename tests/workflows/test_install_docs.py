"""The install commands of the documentation can work as written: the package is on no
package index, so each names this repository at the current release tag."""

from __future__ import annotations

import re
from pathlib import Path

from fivesafes import __version__

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
               *(ROOT / "templates").rglob("README.md")])
# `pip install fivesafes-gitops` or `pip install 'fivesafes-gitops[cwl]'`, not followed by `@ URL`
FROM_INDEX = re.compile(r"pip install ['\"]?fivesafes-gitops(?:\[[^\]]*\])?"
                        r"(?![\[\w-])['\"]?(?!\s*@)")
TAGGED = re.compile(r"fivesafes/fivesafes-gitops@(v[0-9][^\s\"'`]*)|--branch (v[0-9]\S*)")


def test_no_document_installs_the_package_from_an_index() -> None:
    found = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path in DOCS
             for match in FROM_INDEX.finditer(path.read_text(encoding="utf-8"))]
    assert found == []


def test_install_commands_name_the_current_release_tag() -> None:
    tags = {f"{path.relative_to(ROOT)}: {match.group(1) or match.group(2)}" for path in DOCS
            for match in TAGGED.finditer(path.read_text(encoding="utf-8"))}
    assert tags
    assert {tag for tag in tags if not tag.endswith(f": v{__version__}")} == set()
