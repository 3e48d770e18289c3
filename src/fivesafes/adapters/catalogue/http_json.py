"""A small JSON-over-HTTPS client for the TRE's services (metadata and publisher).

One place decides how the product talks to a service: https only, TLS always verified against
the system's trust store (``SSL_CERT_FILE`` names another), no redirects followed (a redirect
could downgrade or leak the API key to another host), an explicit timeout on every call,
retries with backoff for 5xx, 429, timeouts and refused connections (every call carries an
``Idempotency-Key`` so a retry is safe), bounded response size, and error messages that name
the service endpoint and the NAME of the API-key variable, never the key.
"""

from __future__ import annotations

import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fivesafes import __version__
from fivesafes.errors import ExternalError

MAX_RESPONSE = 10 * 1024 * 1024
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class ServiceError(ExternalError):
    """A service call failed; the message says which endpoint, why, and what to check."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> None:
        raise urllib.error.HTTPError(req.full_url, code, f"redirect to {newurl} refused",
                                     headers, fp)


@dataclass(frozen=True)
class Service:
    """Where a service is and how to reach it."""

    base_url: str
    api_key: str | None = None
    api_key_name: str = "the API key variable"
    timeout: float = 30.0
    attempts: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.base_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ServiceError(f"service URL {self.base_url!r} must be an https URL")

    def endpoint(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path.lstrip("/")


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context()), _NoRedirect()
    )


def _detail(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    if isinstance(data, dict):
        text = data.get("detail") or data.get("message") or data.get("error") or ""
        return f": {str(text)[:200]}" if text else ""
    return ""


def post_json(service: Service, path: str, body: dict[str, Any],
              idempotency_key: str) -> dict[str, Any]:
    """POST ``body`` to ``path``; the JSON object answered, or :class:`ServiceError`."""
    url = service.endpoint(path)
    headers = {"Content-Type": "application/json", "Accept": "application/json",
               "User-Agent": f"fivesafes/{__version__}", "Idempotency-Key": idempotency_key}
    if service.api_key:
        headers["Authorization"] = f"Bearer {service.api_key}"
    data = json.dumps(body, sort_keys=True).encode()
    opener = _opener()
    last = ""
    for attempt in range(1, service.attempts + 1):
        # The scheme was checked in Service.__post_init__ (https only).
        request = urllib.request.Request(  # noqa: S310
            url, data=data, headers=headers, method="POST")
        try:
            with opener.open(request, timeout=service.timeout) as response:
                raw = response.read(MAX_RESPONSE + 1)
        except urllib.error.HTTPError as exc:
            payload = exc.read(4096) if exc.fp else b""
            if exc.code in (401, 403):
                raise ServiceError(f"{url}: the service refused the API key (HTTP {exc.code}); "
                                   f"check the secret named {service.api_key_name}") from None
            if exc.code not in RETRY_STATUS:
                raise ServiceError(f"{url}: HTTP {exc.code}{_detail(payload)}") from None
            last = f"HTTP {exc.code}{_detail(payload)}"
        except TimeoutError:
            last = f"no answer within {service.timeout:g} s"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ssl.SSLError):
                raise ServiceError(f"{url}: TLS verification failed ({exc.reason})") from None
            if isinstance(exc.reason, TimeoutError):
                last = f"no answer within {service.timeout:g} s"
            else:
                last = f"cannot connect ({exc.reason})"
        else:
            return _parse(url, raw)
        if attempt < service.attempts:
            service.sleep(service.backoff * 2 ** (attempt - 1))
    raise ServiceError(f"{url}: {last} after {service.attempts} attempts")


def _parse(url: str, raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_RESPONSE:
        raise ServiceError(f"{url}: answer larger than {MAX_RESPONSE} bytes")
    try:
        data = json.loads(raw)
    except ValueError:
        raise ServiceError(f"{url}: the answer is not JSON") from None
    if not isinstance(data, dict):
        raise ServiceError(f"{url}: the answer is not a JSON object")
    return data
