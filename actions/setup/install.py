"""Install the fivesafes command for the Five Safes ``setup`` action (docs/supply-chain.md).

Runs on the job's interpreter as ``python -I -S install.py``: the standard library only
(fivesafes is not there yet), and none of that interpreter's installed code runs first.

``install``  the action's one step. When the ``python`` input named an interpreter that has
             fivesafes-gitops installed, that environment is used only if every installed
             file matches its RECORD and every version its lock (trust.py). Otherwise, and
             always with setup-python's interpreter, a fresh virtual environment is made under
             ``RUNNER_TEMP``: the lock for this Python with ``pip install --require-hashes``
             (wheels only), then the package built from the action's own checkout with the
             hash-pinned build backend and no index. No environment is ever reused from disk.
``check``    whether this interpreter's own environment would be used, and if not why not.
``venv DIR`` the same fresh install into DIR, for a machine of your own.

Results go where GitHub Actions reads them: step outputs (``GITHUB_OUTPUT``), the job's
environment (``FIVESAFES_PYTHON`` via ``GITHUB_ENV``) and ``PATH`` (``GITHUB_PATH``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # -I leaves the script's folder out

import lockfile
import trust

DIST = trust.DIST
DIGESTED = ("pyproject.toml", "src", "templates")
VERSION_RE = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.MULTILINE)
PIP = ("-I", "-m", "pip", "--disable-pip-version-check", "--no-input")
HASHED = ("install", "--require-hashes", "--no-deps", "--only-binary", ":all:")
SHOWN = 20


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
    """sha-256 over the relative path and bytes of every file the package is built from."""
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


def python_tag() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*command: str) -> None:
    print("+ " + shlex.join(command), flush=True)
    subprocess.run(command, check=True)


def installed_version(python: str) -> str | None:
    code = f"import importlib.metadata as m; print(m.version({DIST!r}))"
    done = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True,
                          check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def install_lock(python: Path, lock: Path, options: list[str]) -> None:
    """``pip install --require-hashes`` of every pin; a lock that pins nothing is skipped."""
    if not lock.is_file():
        raise SystemExit(f"no lock for Python {python_tag()} ({lock.name}): use a supported "
                         "Python (pyproject.toml's classifiers)")
    if lockfile.read(lock).pins:
        run(str(python), *PIP, *HASHED, *options, "--requirement", str(lock))


def fresh(root: Path, venv: Path, options: list[str]) -> Path:
    """A new environment at ``venv`` (which must not exist) from the locks and the sources."""
    work = Path(tempfile.mkdtemp(prefix="fivesafes-build-", dir=os.environ.get("RUNNER_TEMP")))
    try:
        run(sys.executable, "-I", "-S", "-m", "venv", str(venv))
        python = venv_python(venv)
        install_lock(python, lockfile.lock_path(root, python_tag()), options)
        run(sys.executable, "-I", "-S", "-m", "venv", str(work / "build"))
        builder = venv_python(work / "build")
        install_lock(builder, lockfile.lock_path(root, python_tag(), "build"), options)
        run(str(builder), *PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
            "--wheel-dir", str(work / "wheel"), str(root))
        wheels = sorted((work / "wheel").glob("*.whl"))
        run(str(python), *PIP, "install", "--no-deps", "--no-index", *map(str, wheels))
        run(str(python), *PIP, "check")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return python


def scripts_dir(python: Path) -> Path:
    venv = trust.venv_folder(python)
    if venv is not None:
        return venv_python(venv).parent
    import sysconfig

    return Path(sysconfig.get_path("scripts"))


def append(variable: str, lines: list[str]) -> None:
    """Append ``lines`` to the file GitHub names in ``variable`` (stdout when unset)."""
    target = os.environ.get(variable)
    text = "".join(line + "\n" for line in lines)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(f"{variable}:\n{text}")


def problems(root: Path, version: str) -> list[str]:
    """What keeps this interpreter's own environment from being used (trust.py)."""
    if not trust.installed(DIST):
        return [f"{sys.executable} has no {DIST}"]
    same = source_digest(root)
    return trust.problems(root, version, python_tag(), lambda tree: source_digest(tree) == same)


def trusted(root: Path, version: str) -> bool:
    """Whether the ``python`` input's interpreter may be used with its own environment."""
    if not os.environ.get("FIVESAFES_SETUP_GIVEN_PYTHON", "").strip():
        return False
    found = problems(root, version)
    for problem in found[:SHOWN]:
        print(f"::warning title=fivesafes setup: not using the installed environment::{problem}")
    if len(found) > SHOWN:
        print(f"::warning title=fivesafes setup::and {len(found) - SHOWN} more")
    if found:
        print(f"{sys.executable}: its environment is not used as it is: installing afresh")
    return not found


def check() -> int:
    """Say whether this interpreter's environment would be used as it is, and why not."""
    found = problems(action_root(), source_version(action_root()))
    for problem in found:
        print(problem)
    print(f"{sys.executable}: " + ("would be installed afresh" if found else "would be used"))
    return 1 if found else 0


def install() -> int:
    root = action_root()
    version = source_version(root)
    options = shlex.split(os.environ.get("FIVESAFES_PIP_OPTIONS", ""))
    env_lines = []
    if trusted(root, version):
        python = Path(sys.executable)
        source = "checked"
        # pip records bytecode without hashes: the job reads none of the environment's, only
        # what it compiles itself into a folder of its own (written even where the runner
        # sets PYTHONDONTWRITEBYTECODE, or every command would compile everything again)
        cache = tempfile.mkdtemp(prefix="fivesafes-pycache-", dir=os.environ.get("RUNNER_TEMP"))
        env_lines += [f"PYTHONPYCACHEPREFIX={cache}", "PYTHONDONTWRITEBYTECODE="]
    else:
        home = tempfile.mkdtemp(prefix="fivesafes-setup-", dir=os.environ.get("RUNNER_TEMP"))
        python = fresh(root, Path(home) / "venv", options)
        source = "fresh"
        found = installed_version(str(python))
        if found != version:
            raise SystemExit(f"{python} has {DIST} {found}, expected {version}")
    append("GITHUB_OUTPUT", [f"python={python}", f"version={version}", f"source={source}"])
    append("GITHUB_ENV", [f"FIVESAFES_PYTHON={python}", *env_lines])
    append("GITHUB_PATH", [str(scripts_dir(python))])
    print(f"fivesafes {version} ({source} environment): {python}")
    return 0


def venv(target: str) -> int:
    path = Path(target).resolve()
    if path.exists():
        raise SystemExit(f"{path} exists: the environment is always made afresh")
    path.parent.mkdir(parents=True, exist_ok=True)
    options = shlex.split(os.environ.get("FIVESAFES_PIP_OPTIONS", ""))
    python = fresh(action_root(), path, options)
    print(f"fivesafes {installed_version(str(python))}: {python}")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["install"]:
        return install()
    if argv == ["check"]:
        return check()
    if len(argv) == 2 and argv[0] == "venv":
        return venv(argv[1])
    print("usage: install.py install | check | venv DIR", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
