"""The setup action's installer with real pip, offline: a stand-in action root (an in-tree
build backend for the package, a small wheel as its one dependency, locks with that wheel's
sha256) served to pip with ``--no-index --find-links``."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "actions" / "setup" / "install.py"
TAG = f"{sys.version_info[0]}.{sys.version_info[1]}"

BACKEND = '''
import base64, hashlib, zipfile
def _record(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist = "fivesafes_gitops-9.9.9"
    files = {
        "fivesafes/__init__.py": open("src/fivesafes/__init__.py", "rb").read(),
        f"{dist}.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: fivesafes-gitops\\n"
            b"Version: 9.9.9\\nRequires-Dist: tiny-dep\\n",
        f"{dist}.dist-info/WHEEL":
            b"Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    name = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(f"{wheel_directory}/{name}", "w") as whl:
        lines = []
        for path, data in files.items():
            whl.writestr(path, data)
            lines.append(_record(path, data))
        lines.append(f"{dist}.dist-info/RECORD,,")
        whl.writestr(f"{dist}.dist-info/RECORD", "\\n".join(lines) + "\\n")
    return name
'''


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def tiny_wheel(folder: Path, version: str) -> Path:
    """A real wheel of ``tiny-dep``: one module and its dist-info."""
    dist = f"tiny_dep-{version}"
    files = {
        "tiny_dep/__init__.py": f"VERSION = {version!r}\n".encode(),
        f"{dist}.dist-info/METADATA":
            f"Metadata-Version: 2.1\nName: tiny-dep\nVersion: {version}\n".encode(),
        f"{dist}.dist-info/WHEEL":
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    path = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as whl:
        lines = [record_line(name, data) for name, data in files.items()]
        for name, data in files.items():
            whl.writestr(name, data)
        whl.writestr(f"{dist}.dist-info/RECORD", "\n".join([*lines, f"{dist}.dist-info/RECORD,,"]))
    return path


def write_lock(root: Path, text: str, kind: str = "") -> None:
    name = f"{kind}-py{TAG}.txt" if kind else f"py{TAG}.txt"
    (root / "locks").mkdir(exist_ok=True)
    (root / "locks" / name).write_text(f"# stand-in lock\n# input-sha256: {'0' * 64}\n{text}")


def pin(wheel: Path, version: str = "1.0") -> str:
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    return f"tiny-dep=={version} \\\n    --hash=sha256:{digest}\n"


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    tiny_wheel(folder, "1.0")
    return folder


def make_root(base: Path, wheelhouse: Path) -> Path:
    root = base / "action"
    (root / "src" / "fivesafes").mkdir(parents=True)
    (root / "src" / "fivesafes" / "__init__.py").write_text('__version__ = "9.9.9"\n')
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')
    (root / "backend.py").write_text(BACKEND)
    write_lock(root, pin(wheelhouse / "tiny_dep-1.0-py3-none-any.whl"))
    write_lock(root, "", "build")  # the stand-in backend needs nothing
    return root


@pytest.fixture
def root(tmp_path: Path, wheelhouse: Path) -> Path:
    return make_root(tmp_path, wheelhouse)


def base_env(root: Path, temp: Path, wheelhouse: Path) -> dict[str, str]:
    """What the action gives install.py, on a runner with this machine's pip config ignored."""
    files = {}
    for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"):
        path = temp / name.lower()
        path.write_text("")
        files[name] = str(path)
    (temp / "runner-temp").mkdir(exist_ok=True)
    return {**files, "FIVESAFES_ACTION_ROOT": str(root), "RUNNER_TEMP": str(temp / "runner-temp"),
            "FIVESAFES_PIP_OPTIONS": f"--no-index --find-links {wheelhouse}",
            "PIP_CONFIG_FILE": os.devnull, "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(temp)}


def run(python: str | Path, command: list[str],
        env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), "-I", "-S", str(INSTALL), *command], env=env,
                          capture_output=True, text=True, check=False, timeout=300)


def outputs(path: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in Path(path).read_text().splitlines())


@pytest.fixture(scope="module")
def provisioned(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> tuple[Path, Path]:
    """(action root, venv): a TRE runner's environment, made once by ``install.py venv``."""
    base = tmp_path_factory.mktemp("provisioned")
    root = make_root(base, wheelhouse)
    env = base_env(root, base, wheelhouse)
    done = run(sys.executable, ["venv", str(base / "tre")], env)
    assert done.returncode == 0, done.stdout + done.stderr
    return root, base / "tre"


def copy_of(provisioned: tuple[Path, Path], tmp_path: Path) -> Path:
    """A copy of the provisioned environment that a test may tamper with."""
    venv = tmp_path / "tre"
    shutil.copytree(provisioned[1], venv, symlinks=True)
    return venv


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def test_fresh_install_from_the_lock_with_hashes(root: Path, tmp_path: Path,
                                                 wheelhouse: Path) -> None:
    env = base_env(root, tmp_path, wheelhouse)
    done = run(sys.executable, ["install"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "--require-hashes" in done.stdout
    assert str(root / "locks" / f"py{TAG}.txt") in done.stdout
    found = outputs(env["GITHUB_OUTPUT"])
    python = Path(found["python"])
    assert found["source"] == "fresh"
    assert found["version"] == "9.9.9"
    assert python.is_relative_to(tmp_path / "runner-temp")
    assert f"FIVESAFES_PYTHON={python}" in Path(env["GITHUB_ENV"]).read_text()
    assert Path(env["GITHUB_PATH"]).read_text().strip() == str(python.parent)
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"],
                            capture_output=True, text=True, check=True).stdout
    assert "tiny-dep==1.0" in listed
    assert "fivesafes-gitops==9.9.9" in listed
    # the build environment and the wheel are gone; only the job's environment stays
    assert [p.name for p in (tmp_path / "runner-temp").iterdir()] == [python.parents[2].name]


def test_an_environment_on_disk_is_never_reused(root: Path, tmp_path: Path,
                                                wheelhouse: Path) -> None:
    env = base_env(root, tmp_path, wheelhouse)
    first = run(sys.executable, ["install"], env)
    second = run(sys.executable, ["install"], env)
    assert first.returncode == second.returncode == 0, second.stdout + second.stderr
    pythons = [line.split("=", 1)[1] for line in Path(env["GITHUB_OUTPUT"]).read_text().splitlines()
               if line.startswith("python=")]
    assert len(set(pythons)) == 2


def test_a_pin_without_a_hash_is_refused(root: Path, tmp_path: Path, wheelhouse: Path) -> None:
    write_lock(root, "tiny-dep==1.0\n")
    done = run(sys.executable, ["install"], base_env(root, tmp_path, wheelhouse))
    assert done.returncode != 0
    assert "hash" in (done.stdout + done.stderr).lower()


def test_a_wheel_that_differs_from_its_locked_hash_is_refused(root: Path, tmp_path: Path,
                                                              wheelhouse: Path) -> None:
    write_lock(root, "tiny-dep==1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n")
    done = run(sys.executable, ["install"], base_env(root, tmp_path, wheelhouse))
    assert done.returncode != 0
    assert "do not match" in (done.stdout + done.stderr).lower()


def test_a_python_without_a_lock_is_refused(root: Path, tmp_path: Path, wheelhouse: Path) -> None:
    (root / "locks" / f"py{TAG}.txt").unlink()
    done = run(sys.executable, ["install"], base_env(root, tmp_path, wheelhouse))
    assert done.returncode != 0
    assert f"no lock for Python {TAG}" in done.stdout + done.stderr


def test_a_checked_environment_is_used_as_it_is(provisioned: tuple[Path, Path], tmp_path: Path,
                                                wheelhouse: Path) -> None:
    root, venv = provisioned
    python = venv / "bin" / "python"
    env = base_env(root, tmp_path, wheelhouse) | {"FIVESAFES_SETUP_GIVEN_PYTHON": str(python)}
    done = run(python, ["install"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    found = outputs(env["GITHUB_OUTPUT"])
    assert found["source"] == "checked"
    assert found["python"] == str(python)
    exported = outputs(env["GITHUB_ENV"])
    assert exported["FIVESAFES_PYTHON"] == str(python)
    # the job reads no bytecode of the environment, only its own
    assert Path(exported["PYTHONPYCACHEPREFIX"]).is_relative_to(tmp_path / "runner-temp")
    assert "--require-hashes" not in done.stdout


def test_a_tampered_file_is_refused(provisioned: tuple[Path, Path], tmp_path: Path,
                                    wheelhouse: Path) -> None:
    root = provisioned[0]
    venv = copy_of(provisioned, tmp_path)
    python = venv / "bin" / "python"
    module = site_packages(venv) / "tiny_dep" / "__init__.py"
    module.write_text(module.read_text().replace("1.0", "6.6"))
    env = base_env(root, tmp_path, wheelhouse) | {"FIVESAFES_SETUP_GIVEN_PYTHON": str(python)}
    checked = run(python, ["check"], env)
    assert checked.returncode == 1
    assert f"{module}: differs from its RECORD hash" in checked.stdout
    done = run(python, ["install"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"::warning title=fivesafes setup: not using the installed environment::{module}" \
        in done.stdout
    found = outputs(env["GITHUB_OUTPUT"])
    assert found["source"] == "fresh"
    assert found["python"] != str(python)


def test_unrecorded_code_is_refused(provisioned: tuple[Path, Path], tmp_path: Path,
                                    wheelhouse: Path) -> None:
    venv = copy_of(provisioned, tmp_path)
    planted = site_packages(venv) / "zz_startup.pth"
    planted.write_text("import os\n")
    env = base_env(provisioned[0], tmp_path, wheelhouse)
    checked = run(venv / "bin" / "python", ["check"], env)
    assert checked.returncode == 1
    assert f"{planted}: code no distribution records" in checked.stdout


def test_a_version_other_than_the_locked_one_is_refused(provisioned: tuple[Path, Path],
                                                        tmp_path: Path, wheelhouse: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(provisioned[0], root)
    write_lock(root, pin(tiny_wheel(tmp_path, "2.0"), "2.0"))
    checked = run(provisioned[1] / "bin" / "python", ["check"],
                  base_env(root, tmp_path, wheelhouse))
    assert checked.returncode == 1
    assert "tiny-dep: 1.0 installed, 2.0 locked" in checked.stdout


def test_an_editable_install_must_point_at_the_action_sources(tmp_path: Path) -> None:
    """The test environment has this repository installed editable: it is trusted with this
    tree as the action, and refused with an action whose sources differ."""
    env = {"FIVESAFES_ACTION_ROOT": str(ROOT), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    same = run(sys.executable, ["check"], env)
    if same.returncode != 0:
        pytest.skip("the test environment differs from the lock: " + same.stdout.strip())
    other = tmp_path / "action"
    for name in ("src", "templates", "locks"):
        shutil.copytree(ROOT / name, other / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", other / "pyproject.toml")
    (other / "src" / "fivesafes" / "extra.py").write_text("X = 1\n")
    differs = run(sys.executable, ["check"], env | {"FIVESAFES_ACTION_ROOT": str(other)})
    assert differs.returncode == 1
    assert f"fivesafes-gitops: installed editable from {ROOT}, not this action's sources" \
        in differs.stdout


def test_the_action_caches_nothing_and_checks_before_running_installed_code() -> None:
    action = YAML(typ="safe").load((ROOT / "actions" / "setup" / "action.yml").read_text())
    steps = action["runs"]["steps"]
    assert not [step for step in steps if str(step.get("uses", "")).startswith("actions/cache")]
    assert "ignored" in action["inputs"]["cache"]["description"]
    install = next(step for step in steps if step.get("id") == "install")
    assert '"$FIVESAFES_SETUP_INTERPRETER" -I -S' in install["run"]
    assert install["env"]["FIVESAFES_SETUP_GIVEN_PYTHON"] == "${{ inputs.python }}"
