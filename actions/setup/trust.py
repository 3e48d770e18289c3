"""Whether an interpreter's installed environment may be used as it is (docs/supply-chain.md).

A TRE runner's interpreter may come with fivesafes-gitops installed. Nothing found on disk is
trusted as found: the environment is used only when every check below passes, otherwise the
setup action installs afresh. Runs with the standard library only, in the interpreter being
checked but started with ``-I -S``, so that none of the environment's code (``.pth`` files,
``sitecustomize``) runs before it has been checked.

- Every file of every distribution on the interpreter's site path matches the sha256 its
  RECORD gives; a distribution without a RECORD, or a file recorded without a hash (other
  than the RECORD itself and bytecode, which the job never reads: see below), fails.
- No code lies there unrecorded: every ``.py``, ``.pth`` and extension module outside
  ``__pycache__`` belongs to a distribution.
- Every distribution the lock for this Python names is at the locked version.
- fivesafes-gitops is at this action's version; when it is installed editable, the folder it
  points at holds exactly the action's own sources.

Bytecode (``__pycache__``) is recorded without hashes by pip, so it cannot be checked: the
action points ``PYTHONPYCACHEPREFIX`` at a fresh folder for the job, and Python then reads no
bytecode from the environment at all.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.machinery
import importlib.metadata
import json
import os
import site
import sys
import sysconfig
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import lockfile

DIST = "fivesafes-gitops"
CODE = (*importlib.machinery.all_suffixes(), ".pth")
UNHASHED_OK = ("RECORD", "RECORD.jws", "RECORD.p7s")


def venv_folder(executable: Path) -> Path | None:
    """The virtual environment ``executable`` belongs to, found as ``site`` finds it."""
    return next((folder for folder in (executable.parent, executable.parent.parent)
                 if (folder / "pyvenv.cfg").is_file()), None)


def site_dirs() -> list[Path]:
    """The folders this interpreter puts on ``sys.path`` for installed distributions.

    Worked out as ``site`` would, without running it (``-S``): the virtual environment's
    site-packages, the base interpreter's when the environment includes them (or when there
    is no environment), and the user's site-packages where Python would add them."""
    venv = venv_folder(Path(sys.executable))
    system_site = True
    dirs: list[str] = []
    if venv is not None:
        config = (venv / "pyvenv.cfg").read_text(encoding="utf-8").lower()
        system_site = any(line.replace(" ", "") == "include-system-site-packages=true"
                          for line in config.splitlines())
        paths = sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})
        dirs += [paths["purelib"], paths["platlib"]]
    if system_site:
        base = sysconfig.get_paths(vars={"base": sys.base_prefix,
                                         "platbase": sys.base_exec_prefix})
        dirs += [base["purelib"], base["platlib"], site.getusersitepackages(),
                 # what site itself adds (a distribution's Python may add dist-packages)
                 *site.getsitepackages([sys.base_prefix, sys.base_exec_prefix])]
    unique = dict.fromkeys(Path(folder).resolve() for folder in dirs)
    return [folder for folder in unique if folder.is_dir()]


def installed(name: str) -> bool:
    """Whether a distribution of that name is on the site path (read, not imported)."""
    paths = [str(folder) for folder in site_dirs()]
    return any(lockfile.canonical(dist.metadata["Name"] or "") == name
               for dist in importlib.metadata.distributions(path=paths))


def record_digest(path: str, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def _editable_target(dist: importlib.metadata.Distribution) -> Path | None:
    text = dist.read_text("direct_url.json")
    if not text:
        return None
    direct = json.loads(text)
    if not direct.get("dir_info", {}).get("editable"):
        return None
    return Path(urllib.parse.unquote(urllib.parse.urlparse(str(direct.get("url", ""))).path))


Hashed = tuple[str, str, str, int]  # path, algorithm, recorded digest, recorded size


def _files(dist: importlib.metadata.Distribution, name: str, problems: list[str]) -> list[Hashed]:
    """Every hashed file of the RECORD; problems for what cannot be checked.

    The RECORD is read as text (CSV rows of path, ``algorithm=digest``, size): the parsed
    form of importlib.metadata costs seconds in a large environment, this one a fraction."""
    text = dist.read_text("RECORD")
    if text is None:
        problems.append(f"{name}: no RECORD, so its files cannot be checked")
        return []
    base = str(dist.locate_file(""))
    hashed = []
    for row in csv.reader(text.splitlines()):
        if not row:
            continue
        rel, recorded = row[0], row[1] if len(row) > 1 else ""
        path = os.path.normpath(os.path.join(base, rel))
        if "=" in recorded:
            algorithm, value = recorded.split("=", 1)
            size = int(row[2]) if len(row) > 2 and row[2].isdigit() else -1
            hashed.append((path, algorithm, value, size))
        elif rel.rsplit("/", 1)[-1] not in UNHASHED_OK and "__pycache__" not in rel.split("/"):
            problems.append(f"{name}: {rel} is recorded without a hash")
    return hashed


def check_files(hashed: list[Hashed], problems: list[str]) -> None:
    """Each file's sha256 against its RECORD, four threads over a quarter of the files each
    (hashlib lets go of the interpreter lock while it digests)."""
    def part(items: list[Hashed]) -> list[str]:
        found = []
        for path, algorithm, expected, size in items:
            try:
                if size >= 0 and os.stat(path).st_size != size:
                    found.append(f"{path}: differs from its RECORD (size)")
                elif record_digest(path, algorithm) != expected:
                    found.append(f"{path}: differs from its RECORD hash")
            except (OSError, ValueError) as exc:
                found.append(f"{path}: recorded but unreadable ({exc.__class__.__name__})")
        return found

    with ThreadPoolExecutor(max_workers=4) as pool:
        for found in pool.map(part, [hashed[start::4] for start in range(4)]):
            problems += found


def unrecorded_code(dirs: list[Path], recorded: set[str]) -> list[str]:
    found = []
    for folder in dirs:
        for parent, children, names in os.walk(folder):
            children[:] = [child for child in children if child != "__pycache__"]
            for name in names:
                path = os.path.normpath(os.path.join(parent, name))
                if name.endswith(CODE) and path not in recorded:
                    found.append(f"{path}: code no distribution records")
    return found


def problems(root: Path, version: str, python: str,
             same_sources: Callable[[Path], bool]) -> list[str]:
    """Everything that keeps this interpreter's environment from being used as it is."""
    lock_file = lockfile.lock_path(root, python)
    if not lock_file.is_file():
        return [f"no lock for Python {python} ({lock_file.name}): not a supported Python"]
    dirs = site_dirs()
    found: list[str] = []
    seen: dict[str, str] = {}
    hashed: list[Hashed] = []
    for dist in importlib.metadata.distributions(path=[str(folder) for folder in dirs]):
        name = lockfile.canonical(dist.metadata["Name"] or "")
        if name in seen:
            found.append(f"{name}: installed twice ({seen[name]} and {dist.version})")
        seen[name] = dist.version
        hashed += _files(dist, name, found)
        target = _editable_target(dist)
        if target is not None and (name != DIST or not same_sources(target)):
            found.append(f"{name}: installed editable from {target}, not this action's sources")
    recorded = {path for path, _, _, _ in hashed}
    found += unrecorded_code(dirs, recorded)
    check_files(hashed, found)
    for key, pin in lockfile.read(lock_file).versions().items():
        if key in seen and seen[key] != pin.version:
            found.append(f"{key}: {seen[key]} installed, {pin.version} locked")
        elif key not in seen and not pin.marker:
            found.append(f"{key}: locked at {pin.version} but not installed")
    if seen.get(DIST) != version:
        found.append(f"{DIST}: {seen.get(DIST)} installed, this action is {version}")
    return found
