"""The setup action's installer: finds a ready interpreter, or builds the environment from the
action's own sources (offline here: an in-tree build backend stands in for hatchling)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "actions" / "setup" / "install.py"

BACKEND = '''
import base64, hashlib, zipfile
def _record(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"
def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist = "fivesafes_gitops-9.9.9"
    files = {
        "fivesafes/__init__.py": open("src/fivesafes/__init__.py", "rb").read(),
        f"{dist}.dist-info/METADATA":
            b"Metadata-Version: 2.1\\nName: fivesafes-gitops\\nVersion: 9.9.9\\n",
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


def action_root(tmp_path: Path) -> Path:
    root = tmp_path / "action"
    (root / "src" / "fivesafes").mkdir(parents=True)
    (root / "src" / "fivesafes" / "__init__.py").write_text('__version__ = "9.9.9"\n')
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n')
    (root / "backend.py").write_text(BACKEND)
    return root


def run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(INSTALL), command], env=env, capture_output=True,
                          text=True, check=False)


@pytest.fixture
def github_files(tmp_path: Path) -> dict[str, str]:
    files = {}
    for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH"):
        path = tmp_path / name.lower()
        path.write_text("")
        files[name] = str(path)
    return files


def outputs(path: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in Path(path).read_text().splitlines())


def test_ready_interpreter_is_used_as_it_is(github_files: dict[str, str]) -> None:
    env = {**github_files, "FIVESAFES_ACTION_ROOT": str(ROOT),
           "FIVESAFES_SETUP_INTERPRETER": sys.executable, "RUNNER_OS": "Linux",
           "RUNNER_ARCH": "X64", "PATH": "/usr/bin:/bin"}
    located = run("locate", env)
    assert located.returncode == 0, located.stderr
    found = outputs(github_files["GITHUB_OUTPUT"])
    assert found["ready"] == "true"
    assert found["key"].startswith("fivesafes-gitops-Linux-X64-py3.")
    installed = run("install", {**env, "FIVESAFES_SETUP_READY": "true"})
    assert installed.returncode == 0, installed.stderr
    assert Path(github_files["GITHUB_ENV"]).read_text() == f"FIVESAFES_PYTHON={sys.executable}\n"
    assert Path(github_files["GITHUB_PATH"]).read_text().strip() == str(Path(sys.executable).parent)


def test_environment_is_built_from_the_action_sources(tmp_path: Path,
                                                      github_files: dict[str, str]) -> None:
    root = action_root(tmp_path)
    env = {**github_files, "FIVESAFES_ACTION_ROOT": str(root),
           "FIVESAFES_SETUP_INTERPRETER": sys.executable, "RUNNER_TOOL_CACHE": str(tmp_path),
           "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    assert run("locate", env).returncode == 0
    located = outputs(github_files["GITHUB_OUTPUT"])
    assert located["ready"] == "false"
    assert located["venv"].startswith(str(tmp_path / "fivesafes-gitops" / "9.9.9-"))
    env |= {"FIVESAFES_SETUP_READY": "false", "FIVESAFES_SETUP_VENV": located["venv"],
            "FIVESAFES_PIP_OPTIONS": "--no-index --no-build-isolation"}
    installed = run("install", env)
    assert installed.returncode == 0, installed.stderr
    python = Path(located["venv"]) / "bin" / "python"
    assert outputs(github_files["GITHUB_OUTPUT"])["python"] == str(python)
    assert f"FIVESAFES_PYTHON={python}" in Path(github_files["GITHUB_ENV"]).read_text()
    # A warm runner (the cache restored the environment) installs nothing.
    again = run("install", {**env, "FIVESAFES_PIP_OPTIONS": "--definitely-not-an-option"})
    assert again.returncode == 0, again.stderr


def test_digest_follows_the_sources(tmp_path: Path, github_files: dict[str, str]) -> None:
    root = action_root(tmp_path)
    env = {**github_files, "FIVESAFES_ACTION_ROOT": str(root),
           "FIVESAFES_SETUP_INTERPRETER": sys.executable, "PATH": "/usr/bin:/bin"}
    run("locate", env)
    (root / "src" / "fivesafes" / "extra.py").write_text("X = 1\n")
    run("locate", env)
    keys = [line for line in Path(github_files["GITHUB_OUTPUT"]).read_text().splitlines()
            if line.startswith("key=")]
    assert len(keys) == 2
    assert keys[0] != keys[1]
