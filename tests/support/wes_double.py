"""A small in-process GA4GH WES 1.0 service for the wes executor's tests.

It stores each run's attachments and form fields, answers ``service-info``, ``runs``,
``runs/{id}``, ``runs/{id}/status`` and ``runs/{id}/cancel``, and plays a scripted run: a list
of states returned one per status call, then the run log with an outputs object. A test sets
``behaviour`` to make the run complete (writing an output file into the shared folder),
fail, hang until cancelled, or point an output outside the shared folder.
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.support.execution import serve

TOKEN = "wes-test-token-7f3a"


@dataclass
class Run:
    id: str
    fields: dict[str, str]
    files: dict[str, bytes]
    states: list[str]
    outputs: dict[str, Any] = field(default_factory=dict)
    task_logs: list[dict[str, Any]] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class Double:
    shared: Path
    token: str | None = TOKEN
    versions: tuple[str, ...] = ("v1.0", "v1.1", "v1.2")
    behaviour: str = "complete"  # complete, fail, hang, outside, other-run, create-500
    content: bytes = b"region,count\nnorth,2\n"
    runs: dict[str, Run] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    unavailable: int = 0  # answer this many status calls with 503 first
    auth: list[str | None] = field(default_factory=list)

    def create(self, fields: dict[str, str], files: dict[str, bytes]) -> Run:
        run_id = f"run-{len(self.runs) + 1}"
        run = Run(run_id, fields, files, ["QUEUED", "RUNNING"])
        folder = self.shared / run_id / "outputs"
        folder.mkdir(parents=True)
        target = folder / "counts.csv"
        target.write_bytes(self.content)
        out = {"class": "File", "location": target.as_uri(), "basename": "counts.csv",
               "size": len(self.content), "format":
               "https://www.iana.org/assignments/media-types/text/csv",
               "checksum": "sha1$" + hashlib.sha1(self.content).hexdigest()}
        if self.behaviour == "complete":
            run.states.append("COMPLETE")
            run.outputs = {"counts": out, "note": "a plain value"}
        elif self.behaviour == "other-run":
            other = self.shared / "run-0" / "outputs" / "theirs.csv"
            other.parent.mkdir(parents=True)
            other.write_bytes(b"another request's data\n")
            run.states.append("COMPLETE")
            run.outputs = {"counts": {**out, "location": other.as_uri(), "basename":
                                      "theirs.csv", "size": other.stat().st_size}}
        elif self.behaviour == "outside":
            run.states.append("COMPLETE")
            run.outputs = {"counts": {**out, "location": "file:///etc/passwd"}}
        elif self.behaviour == "fail":
            run.states.append("EXECUTOR_ERROR")
            run.task_logs = [{"name": "counts.cwl", "exit_code": 1},
                             {"name": "counts.cwl.tally.tally.cwl", "exit_code": 1}]
        self.runs[run_id] = run
        return run

    def state(self, run: Run) -> str:
        if run.cancelled:
            return "CANCELED"
        if len(run.states) > 1:
            return run.states.pop(0)
        return run.states[0]

    def log(self, run: Run) -> dict[str, Any]:
        state = self.state(run)
        return {"run_id": run.id, "state": state, "request": run.fields,
                "run_log": {"stdout": f"../../../../toil/wes/v1/logs/{run.id}/stdout",
                            "stderr": "https://elsewhere.example/stderr", "exit_code": 0},
                "task_logs": run.task_logs,
                "outputs": run.outputs if state == "COMPLETE" else {}}


def _multipart(headers: Any, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    head = f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        raw = part.get_payload(decode=True)
        payload = raw if isinstance(raw, bytes) else b""
        filename = part.get_filename()
        if filename:
            files[filename] = payload
        else:
            fields[str(name)] = payload.decode()
    return fields, files


@contextmanager
def wes_double(shared: Path, **settings: Any) -> Iterator[tuple[str, Double]]:
    double = Double(shared, **settings)
    base = "/ga4gh/wes/v1/"

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, data: Any, kind: str = "application/json") -> None:
            raw = data if isinstance(data, bytes) else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _allowed(self) -> bool:
            given = self.headers.get("Authorization")
            double.auth.append(given)
            if double.token and given != f"Bearer {double.token}":
                self._answer(401, {"msg": "no", "status_code": 401})
                return False
            return True

        def do_GET(self) -> None:
            double.calls.append(("GET", self.path))
            if not self._allowed():
                return
            path = self.path.removeprefix(base)
            if path == "service-info":
                return self._answer(200, {
                    "workflow_type_versions": {"CWL": {"workflow_type_version":
                                                       list(double.versions)}},
                    "workflow_engine_versions": {"toil": "9.6.0"},
                    "supported_wes_versions": ["1.0.0"]})
            if self.path.startswith("/toil/wes/v1/logs/"):
                return self._answer(200, b"engine says hello\n", "text/plain")
            parts = path.split("/")
            run = double.runs.get(parts[1]) if len(parts) > 1 else None
            if parts[0] != "runs" or run is None:
                return self._answer(404, {"msg": "not found", "status_code": 404})
            if parts[2:] == ["status"] and double.unavailable:
                double.unavailable -= 1
                return self._answer(503, {"msg": "busy", "status_code": 503})
            if parts[2:] == ["status"]:
                return self._answer(200, {"run_id": run.id, "state": double.state(run)})
            return self._answer(200, double.log(run))

        def do_POST(self) -> None:
            double.calls.append(("POST", self.path))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not self._allowed():
                return
            path = self.path.removeprefix(base)
            if path == "runs":
                if double.behaviour == "create-500":
                    return self._answer(500, {"msg": "internal", "status_code": 500})
                fields, files = _multipart(self.headers, body)
                return self._answer(200, {"run_id": double.create(fields, files).id})
            parts = path.split("/")
            if len(parts) == 3 and parts[2] == "cancel" and parts[1] in double.runs:
                if self.headers.get("Content-Type") != "application/json":
                    return self._answer(415, {"msg": "expected application/json"})
                double.runs[parts[1]].cancelled = True
                return self._answer(200, {"run_id": parts[1]})
            return self._answer(404, {"msg": "not found", "status_code": 404})

        def log_message(self, *args: Any) -> None:
            pass

    with serve(Handler, None) as url:
        yield url + "/ga4gh/wes/v1", double
