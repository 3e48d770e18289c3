"""The http executor against a local HTTPS service: the contract, and every way it fails."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from tests.support.execution import json_service, set_executor, sign_off

from fivesafes.adapters.catalogue.http_json import Service, ServiceError, post_json
from fivesafes.adapters.executors.base import ExecutorFailed
from fivesafes.adapters.executors.http import HttpExecutor, publish_remote
from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.ledger.file import read_record
from fivesafes.models.ledger import ActionEntry, Result
from fivesafes.services.attempt import RunOptions
from fivesafes.services.execute import execute

KEY = "tre-key-0123456789"
OUTPUT = {"path": "patients/patients.csv", "size": 10, "sha512": "a" * 128,
          "media_type": "text/csv", "rows": 3}


def ok(path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
    if path == "/project/package":
        return 200, json.dumps({"status": "ok", "outputs": [OUTPUT]}).encode()
    return 200, b'{"status": "ok"}'


def run_with(tre_project: Path, staging: Path, url: str) -> ActionEntry:
    set_executor(tre_project, kind="http", url=url, timeout=1,
                 **{"api-key-secret": "TRE_API_KEY", "command": []})
    sign_off(tre_project)
    options = RunOptions(staging_root=staging, env={"TRE_API_KEY": KEY},
                         executor=HttpExecutor(sleep=lambda _: None))
    return execute(tre_project, options)


def test_validate_then_package_and_the_outputs_are_recorded(
        tre_project: Path, staging: Path, trusted: tuple[Path, Path]) -> None:
    with json_service(ok, trusted) as (url, calls):
        entry = run_with(tre_project, staging, url)
    assert entry.status == "completed", entry.reason
    assert [c["path"] for c in calls] == ["/project/validate", "/project/package"]
    assert all(c["headers"]["authorization"] == f"Bearer {KEY}" for c in calls)
    assert calls[0]["headers"]["idempotency-key"] != calls[1]["headers"]["idempotency-key"]
    body = calls[1]["body"]
    assert body["project"]["id"] == load_project(tre_project).request.id
    assert "SOURCE_DATABASE_URL" not in json.dumps(body)  # secret names stay in the TRE
    assert [r.path for r in entry.results] == ["patients/patients.csv"]
    assert KEY not in (tre_project / "resources/governance/actions.toml").read_text()


def test_server_errors_are_retried(
        tre_project: Path, staging: Path, trusted: tuple[Path, Path]) -> None:
    failures = {"left": 2}

    def flaky(path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        if path == "/project/package" and failures["left"]:
            failures["left"] -= 1
            return 500, b'{"detail": "busy"}'
        return ok(path, body, headers)

    with json_service(flaky, trusted) as (url, calls):
        entry = run_with(tre_project, staging, url)
    assert entry.status == "completed"
    assert [c["path"] for c in calls].count("/project/package") == 3


@pytest.mark.parametrize(("status", "body", "reason"), [
    (401, b'{"detail": "bad key"}', "refused the API key (HTTP 401); check the secret named "
                                    "TRE_API_KEY"),
    (500, b"{}", "HTTP 500 after 3 attempts"),
    (200, b"<html>oops</html>", "the answer is not JSON"),
    (422, b'{"detail": "unknown source"}', "HTTP 422: unknown source"),
])
def test_service_failures_are_recorded_with_the_reason(
        tre_project: Path, staging: Path, trusted: tuple[Path, Path], status: int, body: bytes,
        reason: str) -> None:
    with json_service(lambda *_: (status, body), trusted) as (url, calls):
        entry = run_with(tre_project, staging, url)
    assert entry.status == "failed"
    assert reason in entry.reason
    assert read_record(tre_project).action[-1].status == "failed"
    assert len(calls) == (3 if status == 500 else 1)


def test_a_refusing_service_fails_the_run(
        tre_project: Path, staging: Path, trusted: tuple[Path, Path]) -> None:
    answer = {"status": "invalid", "findings": [{"message": "table patients is not approved"}]}
    with json_service(lambda *_: (200, json.dumps(answer).encode()), trusted) as (url, _):
        entry = run_with(tre_project, staging, url)
    assert "table patients is not approved" in entry.reason


def test_timeouts_are_retried_then_recorded(tre_project: Path, staging: Path,
                                            trusted: tuple[Path, Path]) -> None:
    def slow(*_: Any) -> tuple[int, bytes]:
        time.sleep(1.5)
        return 200, b'{"status": "ok"}'

    with json_service(slow, trusted) as (url, calls):
        service = Service(url, api_key=KEY, timeout=0.3, attempts=2, sleep=lambda _: None)
        with pytest.raises(ServiceError, match=r"no answer within 0\.3 s after 2 attempts"):
            post_json(service, "project/validate", {}, "key")
    assert len(calls) == 2


def test_missing_api_key_is_a_recorded_failure(tre_project: Path, staging: Path,
                                               trusted: tuple[Path, Path]) -> None:
    with json_service(ok, trusted) as (url, calls):
        set_executor(tre_project, kind="http", url=url, **{"api-key-secret": "TRE_API_KEY"})
        sign_off(tre_project)
        entry = execute(tre_project, RunOptions(staging_root=staging, env={}))
    assert "TRE_API_KEY" in entry.reason
    assert calls == []


def test_tls_is_verified(tls_pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with json_service(ok, tls_pair) as (url, calls), pytest.raises(
            ServiceError, match="TLS verification failed"):
        post_json(Service(url, sleep=lambda _: None), "project/validate", {}, "k")
    assert calls == []


def test_plain_http_is_refused() -> None:
    with pytest.raises(ServiceError, match="must be an https URL"):
        Service("http://tre.example.org")


def test_publish_refuses_files_that_differ_from_the_approved_manifest(
        tre_project: Path, trusted: tuple[Path, Path]) -> None:
    approved = [Result.model_validate(OUTPUT)]
    other = {**OUTPUT, "sha512": "b" * 128}
    answer = json.dumps({"status": "ok", "outputs": [other], "location": "workspace"}).encode()
    with json_service(lambda *_: (200, answer), trusted) as (url, _):
        set_executor(tre_project, kind="http", url=url, **{"api-key-secret": "TRE_API_KEY"})
        loaded = load_project(tre_project)
        with pytest.raises(ExecutorFailed, match="differ from the approved manifest"):
            publish_remote(loaded.policy, {"TRE_API_KEY": KEY}, loaded.request, approved,
                           "sha512:00", sleep=lambda _: None)
