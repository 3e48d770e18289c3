"""The layout keeps its promises: imports only point down the layers, no crowded folder.

Layers, top to bottom (docs/architecture.md): cli, demo, services, adapters, core, models,
errors. A module may import its own layer and the layers below it, never one above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import fivesafes

PACKAGE = Path(fivesafes.__file__).parent
LAYERS = ["cli", "demo", "services", "adapters", "core", "models", "errors"]
BELOW_ANY = {"fivesafes", "fivesafes.__init__"}  # the package's face: its version
MAX_MODULES = 20


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "fivesafes":
        return None
    return parts[1] if parts[1] in LAYERS else None


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_point_down_the_layers(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    own = _layer("fivesafes." + ".".join(rel.with_suffix("").parts))
    if own is None:
        return
    allowed = set(LAYERS[LAYERS.index(own):])
    for line, module in _imports(path):
        target = _layer(module)
        if target is not None and module not in BELOW_ANY:
            assert target in allowed, f"{rel}:{line}: {own} imports {module} ({target} is above)"


def test_no_folder_is_crowded() -> None:
    for folder in sorted({p.parent for p in MODULES}):
        if folder.name == "cli":
            continue  # one module per command, by design
        count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
        assert count <= MAX_MODULES, f"{folder.relative_to(PACKAGE)} holds {count} modules"


def test_no_test_folder_is_crowded() -> None:
    tests = Path(__file__).parent
    for folder in sorted({p.parent for p in tests.rglob("*.py")}):
        count = len([p for p in folder.glob("*.py") if p.name not in ("__init__.py",
                                                                       "conftest.py")])
        assert count <= MAX_MODULES, f"tests/{folder.relative_to(tests)} holds {count} modules"


RENAMES_INTO_PLACE = ("os.replace(", "tempfile.mkstemp(", "NamedTemporaryFile(")


def test_only_the_atomic_module_moves_files_into_place() -> None:
    """One atomic writer: nothing else picks temporary names or renames files into place."""
    home = PACKAGE / "adapters" / "files" / "atomic.py"
    for path in MODULES:
        if path == home:
            continue
        text = path.read_text(encoding="utf-8")
        for call in RENAMES_INTO_PLACE:
            assert call not in text, (f"{path.relative_to(PACKAGE)} calls {call[:-1]}: "
                                      "write through fivesafes.adapters.files.atomic")


def test_exit_codes_are_defined_once_and_no_command_picks_one_for_an_error() -> None:
    """fivesafes.errors defines the codes; an error's class carries its code; only the CLI's
    handler (cli/errors.py) builds the click exception that exits with it."""
    for path in MODULES:
        rel = path.relative_to(PACKAGE).as_posix()
        text = path.read_text(encoding="utf-8")
        if rel != "errors.py":
            for name in ("OK", "FINDINGS", "USAGE", "EXTERNAL", "BUG"):
                assert f"\n{name} = " not in text, f"{rel} defines exit code {name} again"
        if rel != "cli/errors.py":
            assert "CommandError(" not in text, f"{rel} builds a CommandError with a code"


def test_commands_share_helpers_through_helper_modules_not_each_other() -> None:
    """A command module (``*_cmd.py``) holds one command; what two commands share lives in a
    helper module (cli/event_io.py, cli/reconciling.py, a service), so no command imports
    another. The one exception registers subcommands: ``org`` adds ``org doctor|upgrade``."""
    allowed = {("org_cmd", "org_bulk_cmd")}
    for path in sorted((PACKAGE / "cli").glob("*_cmd.py")):
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[:2] == ["fivesafes", "cli"] and len(parts) > 2 and \
                    parts[2].endswith("_cmd") and (path.stem, parts[2]) not in allowed:
                raise AssertionError(f"cli/{path.name}:{line} imports {module}")


def test_the_cli_writes_nothing_to_github_itself() -> None:
    """GitHub writes live in adapters/github (through services); the CLI only calls them."""
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for call in ('"POST"', '"PUT"', '"PATCH"', '"DELETE"', "GitHubApi("):
            assert call not in text, f"cli/{path.name} calls GitHub itself ({call})"


def test_the_engine_parses_toml_only_where_the_context_is_built() -> None:
    """plan_event parses the policy and record (planner.py), and the context parses the pull
    request's files (context.py, disclosure_files.py); no rule deeper down parses bytes again.
    The request files are parsed by validation (core/request), called once by the checks."""
    parsers = {"engine/planner.py", "decisions/context.py", "decisions/disclosure_files.py"}
    for folder in ("engine", "decisions"):
        for path in sorted((PACKAGE / "core" / folder).glob("*.py")):
            rel = f"{folder}/{path.name}"
            if rel not in parsers:
                assert "tomllib" not in path.read_text(encoding="utf-8"), (
                    f"core/{rel} parses TOML: read the context instead")


def test_the_architecture_page_names_only_modules_that_exist() -> None:
    """docs/architecture.md stays current: every module path and dotted name it gives (in
    backticks, under core/, adapters/, cli/, services/ or demo/) is a file of the package."""
    import re

    page = (PACKAGE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    rooms = ("core", "adapters", "cli", "services", "demo", "models")
    pattern = r"`((?:" + "|".join(rooms) + r")/[a-z_/]+?)(?:\.py)?[.`(]"
    named = set(re.findall(pattern, page))
    assert len(named) > 20
    for name in sorted(named):
        target = PACKAGE / name
        assert target.with_suffix(".py").is_file() or target.is_dir(), (
            f"docs/architecture.md names {name}, which is not in src/fivesafes")
