"""The setup action's own Python modules, loaded by path for the tests that check them.

``actions/setup`` runs before the product is installed, so its modules are plain files, not
part of the package; tests load them here instead of putting the folder on ``sys.path``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SETUP = Path(__file__).resolve().parents[2] / "actions" / "setup"


def load_setup_code(name: str) -> ModuleType:
    """``actions/setup/<name>.py`` as a module (loaded once)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SETUP / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module
