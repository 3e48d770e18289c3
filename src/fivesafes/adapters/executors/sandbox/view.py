"""What a sandboxed workflow sees of the runner: one plan of mounts, the same for every backend.

Read-only: the system folders (``/usr`` and the ``/bin``, ``/sbin``, ``/lib*`` beside it), a
short list of ``/etc`` entries programs need (users, name resolution, time zone, CA
certificates, the dynamic linker's cache; never ``/etc/ssl/private`` or ``/etc/shadow``), the
Python installation fivesafes runs under, folders the policy names, and what the executor
grants (the approved workflow folder, a SQLite source). Read-write: the attempt's staging
folder only. Fresh: ``/proc`` of the sandbox's own PID namespace, a minimal ``/dev`` and an
empty ``/tmp``. Nothing else is there: not the runner's home, the checkout, the runner's work
and temporary folders, the rest of the data folder, nor any other attempt's staging folder.

A folder shown whole may not be or hold a protected folder (the runner's home, work and
temporary folders, the checkout, the staging root, the data folder), and a Python path inside
the checkout, the staging root or the data folder is left out: a ``python -m`` started in the
checkout must not bring the checkout with it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import fivesafes

SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
ETC = ("passwd", "group", "nsswitch.conf", "host.conf", "hosts", "resolv.conf", "gai.conf",
       "protocols", "services", "localtime", "timezone", "ld.so.cache", "ld.so.conf",
       "ld.so.conf.d", "alternatives", "mime.types", "fonts", "ssl/certs", "ssl/openssl.cnf",
       "ca-certificates.conf", "pki/tls/certs", "pki/ca-trust", "crypto-policies")
RUNNER_FOLDERS = ("RUNNER_TEMP", "RUNNER_WORKSPACE", "GITHUB_WORKSPACE")

MountKind = Literal["ro", "rw", "symlink", "tmpfs", "proc", "dev", "remount-ro"]


class PathRefused(Exception):
    """A folder the sandbox was asked to show would show a protected folder."""


@dataclass(frozen=True)
class Mount:
    kind: MountKind
    path: str
    source: str = ""  # what a bind shows, or where a symbolic link points


@dataclass(frozen=True)
class View:
    """What the workflow sees: ``cwd``, the ``writable`` and ``readable`` paths granted to it,
    the folders that must never be shown whole, and whether it has the runner's network."""

    cwd: Path
    writable: tuple[Path, ...] = ()
    readable: tuple[Path, ...] = ()
    protected: tuple[Path, ...] = ()  # never shown, never held by a folder shown
    private: tuple[Path, ...] = ()  # also: nothing inside is shown unless granted
    extra: tuple[str, ...] = ()  # the policy's sandbox-read-only
    network: bool = False
    python: tuple[Path, ...] = field(default_factory=lambda: python_paths())


def runner_folders(home: str | None = None) -> tuple[Path, ...]:
    """The runner's home and its work and temporary folders (environment of this process)."""
    found = [os.environ.get(name) for name in RUNNER_FOLDERS]
    found.append(home if home is not None else os.environ.get("HOME"))
    return tuple(Path(p).absolute() for p in found if p)


def python_paths() -> tuple[Path, ...]:
    """The interpreter fivesafes runs under: its prefixes (a virtual environment and the
    installation it was made from), this package's folder (an editable install keeps it
    elsewhere) and the folders of ``PYTHONPATH``. Not the rest of ``sys.path``: its first entry
    is the folder of the script or the current folder, which may be anything."""
    paths = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             str(Path(fivesafes.__file__).parent)]
    paths += [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if os.path.isabs(p)]
    return tuple(dict.fromkeys(Path(os.path.abspath(p)) for p in paths if os.path.exists(p)))


def _holds(outer: Path, inner: Path) -> bool:
    return inner == outer or inner.is_relative_to(outer)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _system_covered(path: Path) -> bool:
    real = _real(path)
    return any(_holds(_real(Path(s)), real) for s in SYSTEM if os.path.isdir(s))


def _hides(view: View, path: Path) -> bool:
    """Whether showing ``path`` whole would show a protected or private folder."""
    return any(_holds(path, p) or _holds(_real(path), _real(p))
               for p in (*view.protected, *view.private))


def _inside_private(view: View, path: Path) -> bool:
    return any(_holds(p, path) or _holds(_real(p), _real(path)) for p in view.private)


def check_shown(view: View, path: Path, what: str) -> None:
    """Refuse a path that is, or holds, a folder the sandbox hides."""
    if _hides(view, path):
        raise PathRefused(f"{what} {path} is or holds a folder the sandbox hides (the runner's "
                          "home, work or temporary folder, the checkout, staging or data)")


def _python_binds(view: View) -> list[Path]:
    """The Python paths to show: none that holds a hidden folder or lies in a private one."""
    return [p for p in view.python
            if not _system_covered(p) and not _hides(view, p) and not _inside_private(view, p)]


def _system() -> list[Mount]:
    mounts: list[Mount] = []
    for name in SYSTEM:
        if os.path.islink(name):
            mounts.append(Mount("symlink", name, os.readlink(name)))
        elif os.path.isdir(name):
            mounts.append(Mount("ro", name, name))
    for name in ETC:
        path = f"/etc/{name}"
        if os.path.exists(path):
            mounts.append(Mount("ro", path, path))
    return mounts


def _nested_once(paths: Iterable[tuple[Path, MountKind]]) -> list[Mount]:
    """Binds sorted parents first; one nested in another of the same kind is left out."""
    chosen: dict[Path, MountKind] = {}
    for path, kind in sorted(paths, key=lambda item: (len(item[0].parts), str(item[0]))):
        if any(_holds(p, path) and k == kind for p, k in chosen.items()):
            continue
        chosen[path] = kind
    return [Mount(kind, str(path), str(path)) for path, kind in chosen.items()]


def mounts(view: View) -> list[Mount]:
    """The whole plan, in order: system, /dev, /proc, /tmp, then every bind, root read-only."""
    plan = _system()
    plan += [Mount("dev", "/dev"), Mount("proc", "/proc"),
             Mount("tmpfs", "/tmp")]  # noqa: S108 (a fresh tmpfs inside the sandbox)
    binds: list[tuple[Path, MountKind]] = [(p, "ro") for p in _python_binds(view)]
    for extra in view.extra:
        path = Path(extra)
        if not path.is_absolute():
            raise PathRefused(f"executor.sandbox-read-only: {extra!r} is not an absolute path")
        check_shown(view, path, "executor.sandbox-read-only:")
        if _inside_private(view, path):
            raise PathRefused(f"executor.sandbox-read-only: {path} lies in the checkout, "
                              "staging or data folder")
        if path.exists():
            binds.append((path, "ro"))
    for path in view.readable:
        check_shown(view, path, "the granted path")
        binds.append((Path(os.path.abspath(path)), "ro"))
    binds += [(Path(os.path.abspath(p)), "rw") for p in view.writable]
    plan += _nested_once(b for b in binds if not _system_covered(b[0]))
    plan.append(Mount("remount-ro", "/"))
    return plan


def shows(plan: Sequence[Mount], path: Path) -> bool:
    """Whether ``path`` (a program the workflow starts) exists inside the sandbox."""
    real = _real(path)
    for mount in plan:
        if mount.kind in ("ro", "rw") and _holds(_real(Path(mount.source)), real):
            return True
    return False
