"""Workflow retrieval before execution: the TRE's mirror, https downloads, and what is recorded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from click.testing import CliRunner
from tests.support.execution import python_command, serve, set_executor, sign_off

from fivesafes.adapters.executors.bundle import (
    COUNTS_BY_REGION,
    COUNTS_BY_REGION_URL,
    add_to_mirror,
    bundled_workflow,
    zip_crate,
)
from fivesafes.adapters.executors.retrieval import RetrievalFailed, download
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.ledger.chain import verify_chain
from fivesafes.core.lifecycle.retrieval import mirror_name
from fivesafes.models.ledger import ActionEntry
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute
from fivesafes.services.software import software

ATTEMPTS = "0e1f0000-0000-4000-8000-000000000001"


def run(tre_project: Path, staging: Path, data_dir: Path | None = None, **options: Any
        ) -> ActionEntry:
    return execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={},
                                       **options))


def phases(tre_project: Path) -> list[tuple[str, str, int]]:
    return [(e.phase, e.status, e.attempt) for e in read_record(tre_project).action
            if e.phase in ("workflow-retrieval", "execution")]


def crate_graph(tre_project: Path) -> dict[str, dict[str, Any]]:
    refresh_crate(tre_project, software())
    data = json.loads((tre_project / layout.CRATE_DIR / "ro-crate-metadata.json").read_text())
    return {e["@id"]: e for e in data["@graph"]}


def zipped_crate(folder: Path, name: str = "Some workflow") -> bytes:
    """The bytes of a small Workflow RO-Crate zip (``name`` changes its content)."""
    crate = folder / "crate"
    crate.mkdir(parents=True, exist_ok=True)
    (crate / "ro-crate-metadata.json").write_text(json.dumps({"name": name}))
    return zip_crate(crate, folder / "crate.zip").read_bytes()


def test_retrieval_from_the_mirror_is_recorded_as_a_download_action(
        tre_project: Path, staging: Path, data_dir: Path, mirror: Path) -> None:
    sign_off(tre_project)
    entry = run(tre_project, staging, data_dir)
    assert entry.status == "completed", entry.reason
    assert phases(tre_project) == [("workflow-retrieval", "completed", 1),
                               ("execution", "active", 1), ("execution", "completed", 1)]
    zipped = mirror / mirror_name(COUNTS_BY_REGION_URL)
    sha = hashlib.sha512(zipped.read_bytes()).hexdigest()
    retrieval = read_record(tre_project).action[-3]
    assert retrieval.evidence.url == COUNTS_BY_REGION_URL
    assert retrieval.evidence.digest == f"sha512:{sha}"
    assert "workflow mirror" in retrieval.reason
    kept = staging / ATTEMPTS / "attempt-1" / "workflow" / "ro-crate.zip"
    assert kept.read_bytes() == zipped.read_bytes()
    graph = crate_graph(tre_project)
    (action,) = [e for e in graph.values() if e["@type"] == "DownloadAction"]
    assert action["actionStatus"] == "http://schema.org/CompletedActionStatus"
    assert action["object"] == {"@id": COUNTS_BY_REGION_URL}
    assert "endTime" in action
    copy = graph[action["result"]["@id"]]
    assert copy["sameAs"] == graph["./"]["mainEntity"]
    assert copy["distribution"] == action["object"]
    assert graph[copy["identifier"]["@id"]]["value"] == sha
    assert verify_chain(read_record(tre_project).action) == []


def test_missing_mirror_copy_fails_and_the_workflow_does_not_run(
        tre_project: Path, staging: Path, mirror: Path) -> None:
    (mirror / mirror_name(COUNTS_BY_REGION_URL)).unlink()
    sign_off(tre_project)
    marker = staging / "ran"
    set_executor(tre_project, command=python_command(
        f"import pathlib; pathlib.Path({str(marker)!r}).write_text('x')"))
    result = CliRunner().invoke(cli, ["execute", str(tre_project), "--staging-dir", str(staging)])
    assert result.exit_code == 3, result.output
    assert phases(tre_project) == [("workflow-retrieval", "failed", 1), ("execution", "failed", 1)]
    failed = read_record(tre_project).action[-2]
    assert mirror_name(COUNTS_BY_REGION_URL) in failed.reason
    assert str(mirror) not in failed.reason  # the TRE's folders stay out of the record
    assert failed.evidence.digest is None
    assert "was not retrieved, so it did not run" in read_record(tre_project).action[-1].reason
    assert not marker.exists()
    graph = crate_graph(tre_project)
    (action,) = [e for e in graph.values() if e["@type"] == "DownloadAction"]
    assert action["actionStatus"] == "http://schema.org/FailedActionStatus"
    assert "result" not in action


def test_a_workflow_that_changed_after_sign_off_does_not_run(
        tre_project: Path, staging: Path, data_dir: Path, mirror: Path, tmp_path: Path) -> None:
    """The mirror copy changes between two attempts: the signed-off sha512 refuses it (the
    record's first retrieval is the second line of defence, core/lifecycle/retrieval.py)."""
    sign_off(tre_project)
    set_executor(tre_project, command=python_command("import sys; sys.exit(3)"))
    assert run(tre_project, staging, data_dir).status == "failed"  # the run failed, not retrieval
    original = (mirror / mirror_name(COUNTS_BY_REGION_URL)).read_bytes()
    (mirror / mirror_name(COUNTS_BY_REGION_URL)).write_bytes(
        zipped_crate(tmp_path / "other", "A different workflow"))
    set_executor(tre_project, command=python_command(
        "import sys, pathlib; pathlib.Path(sys.argv[1], 'n.csv').write_text('n\\n12\\n')"))
    second = run(tre_project, staging, data_dir)
    assert (second.status, second.attempt) == ("failed", 2)
    assert "not the one signed off" in second.reason
    changed = read_record(tre_project).action[-2]
    assert (changed.phase, changed.status) == ("workflow-retrieval", "failed")
    assert changed.evidence.digest != read_record(tre_project).action[-6].evidence.digest
    (mirror / mirror_name(COUNTS_BY_REGION_URL)).write_bytes(original)
    assert run(tre_project, staging, data_dir).status == "completed"  # the approved bytes run
    assert phases(tre_project) == [
        ("workflow-retrieval", "completed", 1), ("execution", "active", 1),
        ("execution", "failed", 1), ("workflow-retrieval", "failed", 2),
        ("execution", "failed", 2), ("workflow-retrieval", "completed", 3),
        ("execution", "active", 3), ("execution", "completed", 3)]


def test_workflow_crate_placeholder_names_the_retrieved_zip(
        tre_project: Path, staging: Path, mirror: Path) -> None:
    sign_off(tre_project)
    copy = ("import sys, shutil, pathlib; "
            "shutil.copy(sys.argv[2], pathlib.Path(sys.argv[1], 'copy.zip'))")
    set_executor(tre_project, command=[*python_command(copy), "{workflow-crate}"])
    entry = run(tre_project, staging)
    assert entry.status == "completed", entry.reason
    zipped = (mirror / mirror_name(COUNTS_BY_REGION_URL)).read_bytes()
    assert entry.results[0].sha512 == hashlib.sha512(zipped).hexdigest()


def test_a_mirror_inside_the_checkout_is_refused(tre_project: Path, staging: Path) -> None:
    inside = tre_project / "workflows"
    add_to_mirror(inside, COUNTS_BY_REGION_URL, bundled_workflow(COUNTS_BY_REGION))
    sign_off(tre_project)
    entry = run(tre_project, staging, workflow_mirror=inside)
    assert entry.status == "failed"
    assert "overlaps the project checkout" in entry.reason


def test_extract_and_folder_workflows_retrieve_nothing(
        tre_project: Path, staging: Path, data_dir: Path) -> None:
    set_executor(tre_project, kind="extract", command=[])
    sign_off(tre_project)
    assert run(tre_project, staging, data_dir).status == "completed"
    assert [p for p, _, _ in phases(tre_project)] == ["execution", "execution"]


# https downloads -------------------------------------------------------------------------

Route = Callable[[str], tuple[int, dict[str, str], bytes]]


@contextmanager
def file_server(route: Route, tls: tuple[Path, Path] | None) -> Iterator[str]:
    """A local server answering GET with ``route(path) -> (status, headers, body)``."""

    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, headers, body = route(self.path)
            try:
                self.send_response(status)
                for key, value in {"Content-Length": str(len(body)), **headers}.items():
                    if value:  # an empty value leaves the header out
                        self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    with serve(_Handler, tls) as url:
        yield url


def use_download(tre_project: Path, base: str, body: bytes = b"") -> str:
    """workflow.toml names a crate at ``base`` (whose zip is ``body``); the policy allows it
    and names no mirror."""
    url = f"{base}/workflows/7/ro_crate?version=2"
    path = tre_project / layout.WORKFLOW
    text = path.read_text(encoding="utf-8").replace(
        "https://workflowhub.eu/workflows/1234?version=3", f"{base}/workflows/7?version=2")
    path.write_text(text.replace(COUNTS_BY_REGION_URL, url), encoding="utf-8")
    _pin_workflow(tre_project, hashlib.sha512(body).hexdigest())
    policy = tre_project / layout.POLICY
    doc = tomlkit.parse(policy.read_text(encoding="utf-8"))
    doc["workflows"]["allowed-sources"] = [f"{base}/workflows/"]
    del doc["executor"]["workflow-mirror"]
    policy.write_text(tomlkit.dumps(doc), encoding="utf-8")
    sign_off(tre_project)
    return url


def test_https_download_is_recorded_with_its_sha512(
        tre_project: Path, staging: Path, data_dir: Path, trusted: tuple[Path, Path],
        tmp_path: Path) -> None:
    body = zipped_crate(tmp_path)
    with file_server(lambda path: (200, {"Content-Type": "application/zip"}, body),
                     trusted) as base:
        url = use_download(tre_project, base, body)
        entry = run(tre_project, staging, data_dir)
    assert entry.status == "completed", entry.reason
    retrieval = read_record(tre_project).action[-3]
    assert (retrieval.phase, retrieval.status) == ("workflow-retrieval", "completed")
    assert retrieval.evidence.url == url
    assert retrieval.evidence.digest == "sha512:" + hashlib.sha512(body).hexdigest()
    assert "https download" in retrieval.reason


def test_no_mirror_and_no_network_fails_and_nothing_runs(
        tre_project: Path, staging: Path, trusted: tuple[Path, Path]) -> None:
    with file_server(lambda path: (404, {}, b""), trusted) as base:
        pass  # the server is gone: its port refuses connections
    use_download(tre_project, base)
    entry = run(tre_project, staging)
    assert entry.status == "failed"
    assert "cannot connect" in entry.reason
    assert phases(tre_project) == [("workflow-retrieval", "failed", 1), ("execution", "failed", 1)]


def test_download_refuses_http_oversize_redirects_to_http_and_non_crates(
        trusted: tuple[Path, Path], tmp_path: Path) -> None:
    body = zipped_crate(tmp_path)
    target = tmp_path / "out" / "ro-crate.zip"

    def route(path: str) -> tuple[int, dict[str, str], bytes]:
        if path == "/crate.zip":
            return 200, {}, body
        if path == "/to-http":
            return 302, {"Location": "http://127.0.0.1:1/crate.zip"}, b""
        if path == "/to-https":
            return 302, {"Location": "/crate.zip"}, b""
        if path == "/unsized":
            return 200, {"Content-Length": "", "Connection": "close"}, body
        return 200, {}, b"<html>not a crate</html>"

    with file_server(route, trusted) as base:
        got = download(f"{base}/to-https", target)
        assert (got.sha512, got.size) == (hashlib.sha512(body).hexdigest(), len(body))
        with pytest.raises(RetrievalFailed, match="not an https URL"):
            download(base.replace("https://", "http://") + "/crate.zip", target)
        with pytest.raises(RetrievalFailed, match="non-https"):
            download(f"{base}/to-http", target)
        with pytest.raises(RetrievalFailed, match="more than the 100 allowed"):
            download(f"{base}/crate.zip", target, limit=100)
        with pytest.raises(RetrievalFailed, match="larger than 100 bytes"):
            download(f"{base}/unsized", target, limit=100)
        with pytest.raises(RetrievalFailed, match="not a zip"):
            download(f"{base}/page.html", target)
    assert [p.name for p in target.parent.iterdir()] == ["ro-crate.zip"]  # no partial files


def test_download_verifies_tls(tls_pair: tuple[Path, Path], tmp_path: Path) -> None:
    with file_server(lambda path: (200, {}, b""), tls_pair) as base, \
            pytest.raises(RetrievalFailed, match="TLS verification failed"):
        download(f"{base}/crate.zip", tmp_path / "ro-crate.zip")


def test_the_mirror_is_the_option_then_the_environment_then_the_policy(tre_project: Path) -> None:
    from fivesafes.adapters.executors.retrieval import MIRROR_ENV, mirror_folder
    from fivesafes.adapters.files.project import load_project

    policy = load_project(tre_project).policy
    named = Path(str(policy.executor.workflow_mirror))
    assert mirror_folder(policy, None, {}) == named
    assert mirror_folder(policy, None, {MIRROR_ENV: "/tre/env"}) == Path("/tre/env")
    assert mirror_folder(policy, Path("/tre/option"), {MIRROR_ENV: "/tre/env"}) == Path(
        "/tre/option")
    bare = policy.model_copy(update={"executor": policy.executor.model_copy(
        update={"workflow_mirror": None})})
    assert mirror_folder(bare, None, {}) is None


def _pin_workflow(tre_project: Path, sha512: str) -> None:
    path = tre_project / layout.WORKFLOW
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    doc["workflow"]["sha512"] = sha512
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")


@pytest.mark.parametrize("matches", [True, False])
def test_a_signed_off_sha512_binds_the_workflow_bytes(
        tre_project: Path, staging: Path, data_dir: Path, mirror: Path, matches: bool) -> None:
    """workflow.toml's sha512 is part of what approvers sign off: other bytes never run."""
    real = hashlib.sha512((mirror / mirror_name(COUNTS_BY_REGION_URL)).read_bytes()).hexdigest()
    _pin_workflow(tre_project, real if matches else "0" * 128)
    sign_off(tre_project)
    set_executor(tre_project, command=python_command(
        "import sys, pathlib; pathlib.Path(sys.argv[1], 'n.csv').write_text('n\\n12\\n')"))
    entry = run(tre_project, staging, data_dir)
    if matches:
        assert entry.status == "completed", entry.reason
        return
    assert entry.status == "failed"
    assert "not the one signed off" in entry.reason
    retrieval = read_record(tre_project).action[-2]
    assert (retrieval.phase, retrieval.status) == ("workflow-retrieval", "failed")


def test_without_a_signed_off_digest_the_first_retrieval_binds_the_bytes() -> None:
    """A request recorded before workflow.toml had to carry its sha512: the first completed
    retrieval is what later attempts must match."""
    from fivesafes.core.lifecycle.retrieval import changed_since_first, retrieval_entry
    from fivesafes.models.ledger import ActionRecord

    url, first, other = COUNTS_BY_REGION_URL, "sha512:" + "a" * 128, "sha512:" + "b" * 128
    entry = retrieval_entry("urn:uuid:6d0c2a4e-8f1b-4c3d-9e2a-7b5f1d3c9a10", 1, "completed",
                            start="2026-01-01T00:00:00Z", end="2026-01-01T00:00:01Z",
                            evidence={"event": "cli", "delivery": "d", "url": url,
                                      "digest": first}, reason="retrieved")
    record = ActionRecord.model_validate({"action": [{**entry.fields(), "prev": "0" * 64,
                                                      "digest": "1" * 64}]})
    assert changed_since_first(record, url, first) is None
    refused = changed_since_first(record, url, other)
    assert refused is not None
    assert "changed since it was first retrieved" in refused
    assert changed_since_first(record, url, other, signed_off="b" * 128) is not None
