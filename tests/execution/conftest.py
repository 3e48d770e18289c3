"""Fixtures of the execution tests: a template project, the synthetic source, decisions."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parents[1]

from tests.support.postgres import Server, binaries, running  # noqa: E402

from fivesafes.adapters.executors.bundle import (  # noqa: E402
    COUNTS_BY_REGION,
    COUNTS_BY_REGION_URL,
    add_to_mirror,
    bundled_workflow,
)
from fivesafes.adapters.files.template import render_project  # noqa: E402
from fivesafes.core.admin.init_plan import InitOptions  # noqa: E402
from fivesafes.demo.synthetic_source import generate  # noqa: E402

PROJECT_ID = "urn:uuid:0e1f0000-0000-4000-8000-000000000001"


@pytest.fixture(scope="session")
def source_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic SQLite source (generated once, never written to by any test)."""
    path = tmp_path_factory.mktemp("tre-data") / "synthetic_cohort.sqlite"
    generate(path)
    path.chmod(0o444)
    return path


@pytest.fixture
def data_dir(tmp_path: Path, source_db: Path) -> Path:
    folder = tmp_path / "tre-data"
    folder.mkdir()
    shutil.copyfile(source_db, folder / source_db.name)
    return folder


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    return tmp_path / "staging"


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """The TRE's workflow mirror, holding the approved crate of the template's workflow."""
    folder = tmp_path / "tre-workflows"
    add_to_mirror(folder, COUNTS_BY_REGION_URL, bundled_workflow(COUNTS_BY_REGION))
    return folder


@pytest.fixture
def tre_project(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh project rendered from the template (no git), with a fixed id; its policy names
    the TRE's workflow mirror (no test downloads from the internet)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767268800")
    monkeypatch.delenv("SOURCE_DATABASE_URL", raising=False)
    monkeypatch.delenv("FIVESAFES_WORKFLOW_MIRROR", raising=False)
    root = tmp_path / "project"
    render_project(root, InitOptions(project_id=PROJECT_ID))
    from tests.support.execution import set_executor

    set_executor(root, **{"workflow-mirror": str(mirror)})
    return root


@pytest.fixture
def shared_validator() -> Path:
    shared = Path(os.environ.get("FIVESAFES_SHARED", REPO.parent / "shared"))
    script = shared / "validator" / "validate"
    if not script.is_file():
        pytest.skip(f"no shared validator at {script} (set FIVESAFES_SHARED)")
    return script


@pytest.fixture(scope="session")
def tls_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.support.execution import self_signed

    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(tls_pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The test service's certificate, trusted by this process (SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_pair[0]))
    return tls_pair


@pytest.fixture(scope="session")
def postgres() -> Iterator[Server]:
    """A PostgreSQL server for this test session (see tests/support/postgres.py)."""
    bin_dir = binaries()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("no PostgreSQL binaries: install the test extras (pgserver)")
        pytest.skip("no PostgreSQL binaries (pip install pgserver, or the postgresql package)")
    with running(bin_dir) as server:
        yield server
