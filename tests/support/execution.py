"""Helpers of the execution tests: decisions recorded as the engine would record them."""

from __future__ import annotations

import hashlib
import json
import os
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import tomlkit

from fivesafes.adapters.executors.sandbox.probe import working
from fivesafes.adapters.files.project import read_tree
from fivesafes.adapters.ledger.append import append_entry
from fivesafes.adapters.ledger.file import read_record
from fivesafes.core import layout
from fivesafes.core.ids import derived_urn
from fivesafes.core.request.digest import request_files, sha512_files
from fivesafes.services.attempt import RunOptions
from fivesafes.services.publish import PublishOptions
from fivesafes.services.software import software

NOW = "2026-01-01T12:00:00Z"
# The validator kit lives under the real home's cache; tests run with an isolated HOME, so this
# is read when the test modules are imported, before the isolation fixture runs.
KIT = os.environ.get("FIVESAFES_VALIDATOR") or str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fivesafes-validator")


def decision(root: Path, phase: str, status: str, digest: str, logins: list[str]) -> None:
    n = len(read_record(root).action) + 1
    append_entry(root, {
        "id": derived_urn("test", phase, n), "phase": phase, "status": status, "start": NOW,
        "end": NOW, "reason": f"{phase} {status} in a test",
        "agents": [{"login": x, "kind": "person", "role": "approver"} for x in logins],
        "evidence": {"event": "pull_request", "delivery": f"test-{n}", "digest": digest},
    })


def sign_off(root: Path) -> None:
    """A completed sign-off bound to the request files now present."""
    decision(root, "sign-off", "completed", sha512_files(request_files(read_tree(root))),
             ["sam-signoff"])


def manifest_digest(root: Path) -> str:
    data = (root / layout.OUTPUTS_MANIFEST).read_bytes()
    return "sha512:" + hashlib.sha512(data).hexdigest()


def decide_disclosure(root: Path, status: str = "completed") -> None:
    decision(root, "disclosure", status, manifest_digest(root), ["olu-checker", "chris-checker"])


def need_sandbox(kind: str) -> None:
    """Skip where this machine has no such isolation (``none`` always works); on CI a missing
    sandbox fails instead, so the isolation tests never pass by being skipped there."""
    if kind == "none":
        return
    sandbox, why = working(kind)
    if sandbox is None:
        if os.environ.get("CI"):
            pytest.fail(f"no {kind} sandbox on this CI machine: {why}")
        pytest.skip(f"no {kind} sandbox here: {why}")


def set_executor(root: Path, **values: Any) -> None:
    """Change the policy's [executor] table (tomlkit, comments kept)."""
    path = root / layout.POLICY
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    for key, value in values.items():
        doc["executor"][key] = value
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")


def python_command(code: str) -> list[str]:
    """A policy argv running ``code`` with {outputs} as sys.argv[1]."""
    return [sys.executable, "-c", code, "{outputs}"]


Handler = Callable[[str, dict[str, Any], dict[str, str]], tuple[int, bytes]]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (the test trusts it through SSL_CERT_FILE)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(1).not_valid_before(start)
            .not_valid_after(start + dt.timedelta(days=36500))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "service.pem", folder / "service.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextmanager
def json_service(handle: Handler, tls: tuple[Path, Path] | None = None
                 ) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A local HTTPS service on 127.0.0.1; ``handle(path, body, headers) -> (status, bytes)``."""
    calls: list[dict[str, Any]] = []

    class _Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            calls.append({"path": self.path, "body": body, "headers": headers})
            status, data = handle(self.path, body, headers)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            pass

    with serve(_Handler, tls) as url:
        yield url, calls


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], tls: tuple[Path, Path] | None
          ) -> Iterator[str]:
    """Serve ``handler`` on 127.0.0.1 (https with ``tls``); yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def fake_github_release(monkeypatch: Any, folder: Path) -> list[Path]:
    """The github-release target replaced by a copy into ``folder``: the zips it was given."""
    import fivesafes.adapters.release.targets as targets

    sent: list[Path] = []

    def fake_release(zip_path: Path, sha512: str, **_: object) -> str:
        sent.append(folder / zip_path.name)
        folder.mkdir(exist_ok=True)
        sent[-1].write_bytes(zip_path.read_bytes())
        return "https://github.example/release"

    monkeypatch.setattr(targets, "to_github_release", fake_release)
    return sent


def publish_options(staging: Path, release: Path) -> PublishOptions:
    """``publish`` options for a test: the staging root, the release folder, no environment."""
    return PublishOptions(software=software(), run=RunOptions(staging_root=staging, env={}),
                          directory=release, env={})
