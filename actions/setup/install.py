"""Locate or install the fivesafes command for the Five Safes ``setup`` action.

Runs on the job's interpreter with the standard library only (fivesafes is not there yet), so
the action stays a few declarative steps and this logic stays testable.

``locate``  reads the version from the action's own sources, digests those sources, and says
            where the environment lives, under which cache key, and whether the interpreter
            already has exactly this version (``ready``: nothing to install).
``install`` reuses that interpreter, or the (restored) environment when it has this version,
            or creates a virtual environment and pip-installs the action's sources into it.

Results go where GitHub Actions reads them: step outputs (``GITHUB_OUTPUT``), the job's
environment (``FIVESAFES_PYTHON`` via ``GITHUB_ENV``) and ``PATH`` (``GITHUB_PATH``).
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

DIST = "fivesafes-gitops"
DIGESTED = ("pyproject.toml", "src", "templates")
VERSION_RE = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.MULTILINE)


def action_root() -> Path:
    root = os.environ.get("FIVESAFES_ACTION_ROOT") or str(Path(__file__).resolve().parents[2])
    return Path(root).resolve()


def source_version(root: Path) -> str:
    init = root / "src" / "fivesafes" / "__init__.py"
    match = VERSION_RE.search(init.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{init}: no __version__ line; the action's sources are incomplete")
    return match.group(1)


def source_digest(root: Path) -> str:
    """sha-256 over the relative path and bytes of every file pip would install from."""
    digest = hashlib.sha256()
    for top in DIGESTED:
        base = root / top
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            rel = path.relative_to(root).as_posix()
            if "__pycache__" in rel.split("/") or rel.endswith(".pyc"):
                continue
            digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def installed_version(python: str) -> str | None:
    """The fivesafes-gitops version ``python`` has installed, or None."""
    code = f"import importlib.metadata as m; print(m.version({DIST!r}))"
    try:
        done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def python_tag(python: str) -> str:
    code = "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def scripts_dir(python: str) -> str:
    code = "import sysconfig; print(sysconfig.get_path('scripts'))"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def append(variable: str, lines: list[str]) -> None:
    """Append ``lines`` to the file GitHub names in ``variable`` (stdout when unset)."""
    target = os.environ.get(variable)
    text = "".join(line + "\n" for line in lines)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(f"{variable}:\n{text}")


def interpreter() -> str:
    python = os.environ.get("FIVESAFES_SETUP_INTERPRETER", "").strip()
    if not python:
        raise SystemExit("no interpreter: give the `python` input or let setup-python run")
    return python


def locate() -> int:
    root = action_root()
    python = interpreter()
    version = source_version(root)
    digest = source_digest(root)[:16]
    tag = python_tag(python)
    runner = f"{os.environ.get('RUNNER_OS', platform.system())}-" + os.environ.get(
        "RUNNER_ARCH", platform.machine()
    )
    key = f"{DIST}-{runner}-py{tag}-{version}-{digest}"
    base = Path(os.environ.get("RUNNER_TOOL_CACHE") or Path.home() / ".cache")
    venv = base / DIST / f"{version}-{digest}-py{tag}"
    ready = installed_version(python) == version
    append("GITHUB_OUTPUT", [f"ready={str(ready).lower()}", f"venv={venv}", f"key={key}",
                             f"version={version}"])
    print(f"fivesafes {version} (sources {digest}) for Python {tag}: "
          + ("already installed" if ready else f"environment {venv}"))
    return 0


def install() -> int:
    root = action_root()
    version = source_version(root)
    if os.environ.get("FIVESAFES_SETUP_READY") == "true":
        python = interpreter()
    else:
        venv = Path(os.environ["FIVESAFES_SETUP_VENV"])
        python = str(venv_python(venv))
        if installed_version(python) != version:
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([interpreter(), "-m", "venv", str(venv)], check=True)
            options = shlex.split(os.environ.get("FIVESAFES_PIP_OPTIONS", ""))
            subprocess.run(
                [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                 *options, str(root)],
                check=True,
            )
        found = installed_version(python)
        if found != version:
            raise SystemExit(f"{python} has fivesafes-gitops {found}, expected {version}")
    append("GITHUB_OUTPUT", [f"python={python}", f"version={version}"])
    append("GITHUB_ENV", [f"FIVESAFES_PYTHON={python}"])
    append("GITHUB_PATH", [scripts_dir(python)])
    print(f"fivesafes {version}: {python}")
    return 0


def main(argv: list[str]) -> int:
    commands = {"locate": locate, "install": install}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: install.py locate|install", file=sys.stderr)
        return 2
    return commands[argv[0]]()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
