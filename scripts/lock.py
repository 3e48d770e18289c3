"""Write or check the hash-pinned locks the setup action installs from (docs/supply-chain.md).

    locks/py3.X.txt        the runtime dependencies of fivesafes-gitops on CPython 3.X
    locks/build-py3.X.txt  the build backend ([build-system] requires), to build the package
                           from the action's checkout without fetching anything unpinned

One pair per Python of the ``Programming Language :: Python :: 3.X`` classifiers. Each lock is
``uv pip compile --universal --generate-hashes`` for that Python: every pin carries the sha256
of every file the index has for it, so ``pip install --require-hashes`` accepts it on Linux
(x86_64, aarch64), macOS and Windows alike. The runtime lock is constrained by the versions
the ``test`` and ``cwl`` extras resolve to beside it, so CI's environment (the lock, then the
extras) keeps exactly the locked versions.

Each lock's header records the sha256 of its inputs from pyproject.toml. ``--check`` needs no
network: it fails when a lock is missing or extra, when its inputs changed since it was
written, or when a pin lacks a hash or no longer satisfies a direct requirement.

    python scripts/lock.py          # resolve (needs the index) and write locks/
    python scripts/lock.py --check  # offline: exit 1 when a lock is out of date
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "actions" / "setup"))

import lockfile  # noqa: E402  (the one reader of the lock format, shared with the action)

CONSTRAINING_EXTRAS = ("test", "cwl")
CLASSIFIER = "Programming Language :: Python :: "
RUNTIME_HEADER = """\
# Runtime dependencies of fivesafes-gitops for CPython {python}, every file hash-pinned.
# Written by scripts/lock.py (docs/supply-chain.md): do not edit; `scripts/lock.py --check`
# fails in CI once pyproject.toml changes without it. Constrained by the extras: {extras}.
# input-sha256: {digest}
"""
BUILD_HEADER = """\
# Build backend of fivesafes-gitops for CPython {python}, every file hash-pinned.
# Written by scripts/lock.py (docs/supply-chain.md): do not edit; `scripts/lock.py --check`
# fails in CI once pyproject.toml changes without it.
# input-sha256: {digest}
"""


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def pythons(project: dict[str, Any]) -> list[str]:
    """The supported Pythons: the ``3.X`` classifiers of pyproject.toml."""
    found = [c.removeprefix(CLASSIFIER) for c in project["project"].get("classifiers", [])
             if c.startswith(CLASSIFIER) and c.removeprefix(CLASSIFIER).count(".") == 1]
    if not found:
        raise SystemExit("pyproject.toml names no `Programming Language :: Python :: 3.X`")
    return sorted(found, key=lambda tag: tuple(int(part) for part in tag.split(".")))


def digest(kind: str, python: str, project: dict[str, Any]) -> str:
    """sha256 over everything in pyproject.toml that the lock is resolved from."""
    if kind == "build":
        inputs: dict[str, Any] = {"requires": project["build-system"]["requires"]}
    else:
        extras = project["project"].get("optional-dependencies", {})
        inputs = {"dependencies": project["project"]["dependencies"],
                  "requires-python": project["project"]["requires-python"],
                  "constraints": {name: extras.get(name, []) for name in CONSTRAINING_EXTRAS}}
    inputs |= {"kind": kind or "runtime", "python": python}
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def uv(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "uv", "pip", "compile", "--quiet",
                           "--no-header", "--universal", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())
    return done.stdout


def constraints(python: str, work: Path) -> tuple[Path, str]:
    """The versions the constraining extras resolve to beside the runtime dependencies.

    An extra that cannot resolve on this Python (a test tool without wheels for it) is left
    out, and the header says which extras constrained the lock."""
    for count in range(len(CONSTRAINING_EXTRAS), -1, -1):
        extras = CONSTRAINING_EXTRAS[len(CONSTRAINING_EXTRAS) - count:]
        flags = [flag for name in extras for flag in ("--extra", name)]
        try:
            text = uv("pyproject.toml", *flags, "--python-version", python, "--no-annotate")
        except RuntimeError:
            continue
        path = work / f"constraints-{python}.txt"
        path.write_text(text, encoding="utf-8")
        return path, ", ".join(extras) or "none"
    raise SystemExit(f"the runtime dependencies do not resolve on Python {python}")


def write(project: dict[str, Any]) -> None:
    (ROOT / lockfile.LOCKS).mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        for python in pythons(project):
            path, extras = constraints(python, Path(work))
            body = uv("pyproject.toml", "--python-version", python, "--generate-hashes",
                      "--constraint", str(path))
            # the constraints live in a temporary folder: its path is no part of the lock
            body = "".join(line for line in body.splitlines(keepends=True)
                           if not line.lstrip("# ").startswith(f"-c {path}"))
            header = RUNTIME_HEADER.format(python=python, extras=extras,
                                           digest=digest("", python, project))
            lockfile.lock_path(ROOT, python).write_text(header + body, encoding="utf-8")
            build = uv("-", "--python-version", python, "--generate-hashes",
                       stdin="\n".join(project["build-system"]["requires"]) + "\n")
            header = BUILD_HEADER.format(python=python, digest=digest("build", python, project))
            lockfile.lock_path(ROOT, python, "build").write_text(header + build,
                                                                 encoding="utf-8")
            print(f"locks for Python {python} written (constrained by: {extras})")


def problems_of(path: Path, kind: str, python: str, project: dict[str, Any]) -> list[str]:
    rel = path.relative_to(ROOT)
    if not path.is_file():
        return [f"{rel}: missing (run scripts/lock.py)"]
    try:
        lock = lockfile.read(path)
    except lockfile.LockError as exc:
        return [str(exc)]
    found = []
    if lock.input_digest != digest(kind, python, project):
        found.append(f"{rel}: pyproject.toml changed since it was written (run scripts/lock.py)")
    for pin in lock.pins:
        if not pin.hashes:
            found.append(f"{rel}: {pin.name}=={pin.version} has no --hash")
    names = [lockfile.canonical(pin.name) for pin in lock.pins]
    found += [f"{rel}: {name} pinned twice" for name in sorted(set(names))
              if names.count(name) > 1]
    direct = (project["build-system"]["requires"] if kind == "build"
              else project["project"]["dependencies"])
    return found + unmet(rel, direct, lock)


def unmet(rel: Path, requirements: list[str], lock: lockfile.Lock) -> list[str]:
    """Direct requirements the lock does not pin, or pins at a version they exclude."""
    from packaging.requirements import Requirement  # a dependency of the test tools

    pins = lock.versions()
    found = []
    for text in requirements:
        requirement = Requirement(text)
        pin = pins.get(lockfile.canonical(requirement.name))
        if pin is None:
            found.append(f"{rel}: {requirement.name} is not pinned")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            found.append(f"{rel}: {pin.name}=={pin.version} does not satisfy {text}")
    return found


def check(project: dict[str, Any]) -> int:
    expected = {lockfile.lock_path(ROOT, python, kind): (kind, python)
                for python in pythons(project) for kind in ("", "build")}
    found = [problem for path, (kind, python) in expected.items()
             for problem in problems_of(path, kind, python, project)]
    found += [f"{path.relative_to(ROOT)}: no supported Python of pyproject.toml uses it"
              for path in sorted((ROOT / lockfile.LOCKS).glob("*.txt")) if path not in expected]
    for problem in found:
        print(problem, file=sys.stderr)
    if not found:
        print(f"{len(expected)} locks up to date with pyproject.toml")
    return 1 if found else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only (offline)")
    args = parser.parse_args(argv)
    project = pyproject()
    if args.check:
        return check(project)
    write(project)
    return check(project)


if __name__ == "__main__":
    sys.exit(main())
