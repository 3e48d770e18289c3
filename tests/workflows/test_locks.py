"""The committed locks and ``scripts/lock.py --check``: offline, on a copy of the repository's
lock inputs, so each way a lock goes stale is seen to fail the check."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from tests.support.action_code import load_setup_code

ROOT = Path(__file__).resolve().parents[2]
lockfile = load_setup_code("lockfile")


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(root / "scripts" / "lock.py"), "--check"],
                          capture_output=True, text=True, check=False, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for rel in ("scripts/lock.py", "actions/setup/lockfile.py", "pyproject.toml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, tmp_path / rel)
    shutil.copytree(ROOT / "locks", tmp_path / "locks")
    return tmp_path


def supported() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    prefix = "Programming Language :: Python :: "
    return [c.removeprefix(prefix) for c in project["classifiers"]
            if c.startswith(prefix) and c.count(".") == 1]


def test_every_supported_python_has_both_locks_and_every_pin_is_hashed() -> None:
    assert supported() == ["3.11", "3.12", "3.13"]
    for python in supported():
        for kind in ("", "build"):
            lock = lockfile.read(lockfile.lock_path(ROOT, python, kind))
            assert lock.pins
            assert lock.input_digest
            assert all(pin.hashes for pin in lock.pins)
    runtime = lockfile.read(lockfile.lock_path(ROOT, "3.11")).versions()
    assert {"pydantic", "pyarrow", "ruamel-yaml", "click"} <= set(runtime)
    assert "pytest" not in runtime  # the test extras constrain the lock but are not in it
    assert "hatchling" in lockfile.read(lockfile.lock_path(ROOT, "3.11", "build")).versions()


def test_the_committed_locks_are_up_to_date(repo: Path) -> None:
    done = check(repo)
    assert done.returncode == 0, done.stderr


def test_a_changed_dependency_list_makes_every_runtime_lock_stale(repo: Path) -> None:
    pyproject = repo / "pyproject.toml"
    text = pyproject.read_text().replace('"click>=8.1",', '"click>=8.1",\n  "attrs",')
    pyproject.write_text(text)
    done = check(repo)
    assert done.returncode == 1
    for python in supported():
        assert f"locks/py{python}.txt: pyproject.toml changed since it was written" in done.stderr
        assert f"locks/build-py{python}.txt" not in done.stderr
    assert "attrs is not pinned" in done.stderr


def test_a_changed_build_backend_makes_the_build_locks_stale(repo: Path) -> None:
    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"hatchling>=1.18"', '"hatchling>=99"'))
    done = check(repo)
    assert done.returncode == 1
    assert "locks/build-py3.11.txt: pyproject.toml changed since it was written" in done.stderr
    assert "does not satisfy hatchling>=99" in done.stderr


def test_a_pin_without_hashes_or_a_stray_lock_fails(repo: Path) -> None:
    lock = repo / "locks" / "py3.12.txt"
    lines = lock.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("click=="))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].lstrip().startswith("--"))
    lock.write_text("".join([*lines[:start], lines[start].replace(" \\", ""), *lines[end:]]))
    (repo / "locks" / "py3.10.txt").write_text("")
    done = check(repo)
    assert done.returncode == 1
    assert "locks/py3.12.txt: click==8" in done.stderr
    assert "has no --hash" in done.stderr
    assert "locks/py3.10.txt: no supported Python of pyproject.toml uses it" in done.stderr


def test_a_missing_lock_fails(repo: Path) -> None:
    (repo / "locks" / "build-py3.13.txt").unlink()
    done = check(repo)
    assert done.returncode == 1
    assert "locks/build-py3.13.txt: missing" in done.stderr


def test_a_line_that_is_not_a_pin_is_refused() -> None:
    with pytest.raises(lockfile.LockError, match="not `name==version`"):
        lockfile.parse("click>=8\n")
    lock = lockfile.parse("# input-sha256: " + "a" * 64 + "\nRuamel.YAML==0.19.1 ; python_version"
                          " >= '3.11' \\\n    --hash=sha256:" + "b" * 64 + "\n    # via x\n")
    assert lock.input_digest == "a" * 64
    assert lock.versions()["ruamel-yaml"].marker == "python_version >= '3.11'"
    assert lock.versions()["ruamel-yaml"].hashes == ("b" * 64,)
