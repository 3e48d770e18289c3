"""The hash-pinned locks under ``locks/``, read with the standard library only.

The setup action installs from them (``pip install --require-hashes``) and checks a
pre-provisioned environment's versions against them; ``scripts/lock.py`` writes them and checks
them in CI. Both read them here, so there is one reading of the format:

    # header comments; one of them is ``# input-sha256: <hex>``
    name==version ; optional marker \\
        --hash=sha256:<hex> \\
        --hash=sha256:<hex>
        # via ... (annotations, ignored)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

LOCKS = "locks"
PIN_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]*?))?\s*\\?\s*$")
HASH_RE = re.compile(r"^--hash=sha256:([0-9a-f]{64})\s*\\?\s*$")
INPUT_RE = re.compile(r"^#\s*input-sha256:\s*([0-9a-f]{64})\s*$")


class LockError(ValueError):
    """A lock file that does not have the format above."""


def canonical(name: str) -> str:
    """The normalised distribution name (PEP 503): ``ruamel.yaml`` and ``Ruamel_YAML`` agree."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_path(root: Path, python: str, kind: str = "") -> Path:
    """``locks/py3.12.txt`` (runtime) or ``locks/build-py3.12.txt`` (``kind="build"``)."""
    prefix = f"{kind}-" if kind else ""
    return root / LOCKS / f"{prefix}py{python}.txt"


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str
    hashes: tuple[str, ...]


@dataclass
class Lock:
    pins: list[Pin] = field(default_factory=list)
    input_digest: str = ""

    def versions(self) -> dict[str, Pin]:
        return {canonical(pin.name): pin for pin in self.pins}


def parse(text: str, source: str = "lock") -> Lock:
    """Every pin with its hashes; raises LockError on a line it cannot place."""
    lock = Lock()
    current: dict[str, object] | None = None
    hashes: list[str] = []

    def close() -> None:
        if current is not None:
            lock.pins.append(Pin(str(current["name"]), str(current["version"]),
                                 str(current["marker"]), tuple(hashes)))

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        found_input = INPUT_RE.match(line)
        if found_input:
            lock.input_digest = found_input.group(1)
            continue
        if not line or line.startswith("#"):
            continue
        hashed = HASH_RE.match(line)
        if hashed:
            if current is None:
                raise LockError(f"{source}:{number}: a hash before any requirement")
            hashes.append(hashed.group(1))
            continue
        pinned = PIN_RE.match(line)
        if not pinned:
            raise LockError(f"{source}:{number}: not `name==version`, a hash or a comment: {line}")
        close()
        current = {"name": pinned.group(1), "version": pinned.group(2),
                   "marker": (pinned.group(3) or "").strip()}
        hashes = []
    close()
    return lock


def read(path: Path) -> Lock:
    return parse(path.read_text(encoding="utf-8"), str(path))
