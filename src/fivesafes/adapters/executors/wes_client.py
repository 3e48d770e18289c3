"""A GA4GH WES 1.0 client: service-info, create a run, its status and log, cancel, log files.

https only, except on loopback (a WES server on the runner itself, as in tests); TLS verified
against the system's trust store (``SSL_CERT_FILE`` names another, e.g. the TRE's CA). Proxy
variables are ignored (urllib would send even loopback calls through them, and the engine is
inside the TRE); redirects are refused, so the bearer token never follows to another host.
Reads are retried with backoff on 429, 5xx, timeouts and refused connections. Creating a run is
never retried: a second POST could start the workflow twice, so an unclear answer fails with a
message that says to look at the service's runs first. Messages name the endpoint path and the
NAME of the token variable, never the service's host or the token.
"""

from __future__ import annotations

import json
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from fivesafes import __version__
from fivesafes.adapters.files import atomic
from fivesafes.core.request.values import engine_url_problem
from fivesafes.errors import ExternalError

MAX_ANSWER = 20 * 1024 * 1024
RETRY = frozenset({429, 500, 502, 503, 504})


class WesError(ExternalError):
    """A WES call failed. ``definite``: the service surely did not act on it (False when it
    may have, e.g. a timeout after sending); ``passing``: a read may succeed if retried."""

    def __init__(self, message: str, definite: bool = True, passing: bool = False) -> None:
        super().__init__(message)
        self.definite = definite
        self.passing = passing


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: the token must never follow to another address."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> None:
        raise urllib.error.HTTPError(req.full_url, code, "redirect refused", headers, fp)


def check_url(url: str) -> str:
    """The base URL, or WesError: https, or http only to a loopback address."""
    if engine_url_problem(url) is None:
        return url.rstrip("/")
    raise WesError("executor.url must be an https URL (plain http only on loopback): "
                   "a WES service carries the bearer token and the workflow")


def _detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    text = (data.get("msg") or data.get("detail") or data.get("message")) \
        if isinstance(data, dict) else None
    return f": {str(text)[:200]}" if text else ""


@dataclass
class WesClient:
    base_url: str
    token: str | None = None
    token_name: str | None = None
    timeout: float = 60.0
    attempts: int = 3
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        self.base_url = check_url(self.base_url)
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),
            urllib.request.HTTPSHandler(context=ssl.create_default_context()), _NoRedirect())

    def _headers(self, accept: str = "application/json") -> dict[str, str]:
        headers = {"Accept": accept, "User-Agent": f"fivesafes/{__version__}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")

    def _open(self, request: urllib.request.Request, path: str) -> bytes:
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw: bytes = response.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as exc:
            payload = exc.read(4096) if exc.fp else b""
            if exc.code in (401, 403):
                raise WesError(f"the WES service refused the token at {path} (HTTP {exc.code});"
                               f" check the secret named {self.token_name or '(none set)'}"
                               ) from None
            transient = exc.code in RETRY
            raise WesError(f"the WES service answered {path} with HTTP {exc.code}"
                           f"{_detail(payload)}", definite=not transient or exc.code == 429,
                           passing=transient) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, ssl.SSLError):
                raise WesError(f"TLS verification of the WES service failed ({reason})") \
                    from None
            refused = isinstance(reason, ConnectionRefusedError)
            raise WesError(f"the WES service did not answer {path} "
                           f"({type(reason).__name__})", definite=refused, passing=True) from None
        if len(raw) > MAX_ANSWER:
            raise WesError(f"the WES service's answer to {path} is too large")
        return raw

    def _json(self, raw: bytes, path: str) -> dict[str, Any]:
        try:
            data = json.loads(raw)
        except ValueError:
            raise WesError(f"the WES service's answer to {path} is not JSON") from None
        if not isinstance(data, dict):
            raise WesError(f"the WES service's answer to {path} is not a JSON object")
        return data

    def get(self, path: str) -> dict[str, Any]:
        """GET a JSON object, retried with backoff when the failure may pass."""
        for attempt in range(1, self.attempts + 1):
            # check_url allowed only https, or http to loopback
            request = urllib.request.Request(self.url(path), headers=self._headers())  # noqa: S310
            try:
                return self._json(self._open(request, path), path)
            except WesError as exc:
                if not exc.passing or attempt == self.attempts:
                    raise
            self.sleep(2.0 ** (attempt - 1))
        raise AssertionError("unreachable")

    def post(self, path: str, body: bytes | IO[bytes] = b"", content_type: str | None = None,
             length: int | None = None) -> dict[str, Any]:
        """POST once (never retried)."""
        headers = self._headers()
        if content_type:
            headers["Content-Type"] = content_type
        if length is not None:
            headers["Content-Length"] = str(length)
        request = urllib.request.Request(  # noqa: S310
            self.url(path), data=body, headers=headers, method="POST")
        return self._json(self._open(request, path), path)

    def service_info(self) -> dict[str, Any]:
        return self.get("service-info")

    def create_run(self, fields: Sequence[tuple[str, str]],
                   files: Sequence[tuple[str, Path]]) -> str:
        """POST /runs (multipart, ``workflow_attachment`` files); the run id. Never retried."""
        boundary = "fivesafes-" + uuid.uuid4().hex
        with tempfile.TemporaryFile() as body:
            for name, value in fields:
                body.write(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\""
                           f"\r\n\r\n".encode() + value.encode() + b"\r\n")
            for filename, path in files:
                body.write(f"--{boundary}\r\nContent-Disposition: form-data; "
                           f"name=\"workflow_attachment\"; filename=\"{filename}\"\r\n"
                           "Content-Type: application/octet-stream\r\n\r\n".encode())
                with path.open("rb") as source:
                    while chunk := source.read(1024 * 1024):
                        body.write(chunk)
                body.write(b"\r\n")
            body.write(f"--{boundary}--\r\n".encode())
            length = body.tell()
            body.seek(0)
            answer = self.post("runs", body, f"multipart/form-data; boundary={boundary}", length)
        run_id = answer.get("run_id")
        if not isinstance(run_id, str) or not run_id:
            raise WesError("the WES service's answer to runs holds no run_id", definite=False)
        return run_id

    def status(self, run_id: str) -> str:
        return str(self.get(f"runs/{urllib.parse.quote(run_id, safe='')}/status").get("state"))

    def run_log(self, run_id: str) -> dict[str, Any]:
        return self.get(f"runs/{urllib.parse.quote(run_id, safe='')}")

    def cancel(self, run_id: str) -> None:
        self.post(f"runs/{urllib.parse.quote(run_id, safe='')}/cancel", b"{}",
                  "application/json")

    def download(self, reference: str, target: Path, limit: int) -> bool:
        """A log file the run log names (relative or same-origin URL) into ``target``."""
        url = urllib.parse.urljoin(self.base_url + "/runs/x", reference)
        if urllib.parse.urlsplit(url)[:2] != urllib.parse.urlsplit(self.base_url)[:2]:
            return False  # never send the token to another origin
        request = urllib.request.Request(url, headers=self._headers("*/*"))  # noqa: S310
        try:
            with self._opener.open(request, timeout=self.timeout) as response, \
                    atomic.atomic_output(target) as sink:
                sink.write(response.read(limit))
        except (OSError, urllib.error.URLError):
            return False
        return True
