"""actions/README.md is generated from the action files and committed up to date."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def generator() -> ModuleType:  # the script, imported by path (scripts/ is not a package)
    spec = importlib.util.spec_from_file_location(
        "generate_actions_readme", ROOT / "scripts/generate_actions_readme.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_is_current() -> None:
    assert generator().main(["--check"]) == 0


def test_readme_lists_every_input_and_output(tmp_path: Path) -> None:
    action = tmp_path / "demo" / "action.yml"
    action.parent.mkdir()
    action.write_text(
        "name: Demo\ndescription: Does | things\nbranding: {icon: x, color: green}\n"
        "inputs:\n  who:\n    description: Who\n    required: true\n"
        "  how:\n    description: How\n    default: ''\n"
        "outputs:\n  said:\n    description: What was said\n    value: x\n"
        "runs: {using: composite, steps: []}\n", encoding="utf-8")
    text = generator().render(tmp_path)
    assert "## `demo`: Demo" in text
    assert "Does \\| things" in text
    assert "| `who` | yes |  | Who |" in text
    assert '| `how` | no | `""` | How |' in text
    assert "| `said` | What was said |" in text
