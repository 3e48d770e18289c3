"""Fetches a Workflow RO-Crate into an attempt's staging folder, hashing it as it streams.

TREs often have no internet: when the runner names a workflow mirror (``--workflow-mirror``,
``$FIVESAFES_WORKFLOW_MIRROR`` or the policy's ``executor.workflow-mirror``), the crate is
read from that folder, where TRE staff place approved crates under a name derived from the
distribution URL (:func:`fivesafes.core.lifecycle.retrieval.mirror_name`), and the network is never
used. Otherwise it is downloaded over https: TLS verified against the system's trust store
(``SSL_CERT_FILE`` names another), redirects followed only to https, a timeout on every read
and on the whole transfer, and a size bound. Either way the bytes are hashed with sha-512 as
they are written, land in a temporary file renamed into place, and must be a zip holding
``ro-crate-metadata.json``. Failure reasons name the URL and the expected file name, never a
folder of the TRE.
"""

from __future__ import annotations

import hashlib
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from fivesafes import __version__
from fivesafes.adapters.files import atomic
from fivesafes.core.lifecycle.retrieval import mirror_name
from fivesafes.models.policy import Policy

MIRROR_ENV = "FIVESAFES_WORKFLOW_MIRROR"
MAX_BYTES = 100 * 1024 * 1024
TIMEOUT = 60.0
DEADLINE = 600.0
CHUNK = 1024 * 1024
CRATE_METADATA = "ro-crate-metadata.json"


class RetrievalFailed(Exception):
    """The workflow could not be retrieved; ``str(exc)`` is the reason for the record."""


@dataclass(frozen=True)
class Retrieved:
    """A retrieved crate: where it is now, its sha-512 (hex), size and where it came from."""

    path: Path
    sha512: str
    size: int
    source: str

    @property
    def digest(self) -> str:
        return "sha512:" + self.sha512


def mirror_folder(policy: Policy, override: Path | None = None,
                  env: Mapping[str, str] | None = None) -> Path | None:
    """--workflow-mirror, else $FIVESAFES_WORKFLOW_MIRROR, else the policy's; None: download."""
    if override is not None:
        return override
    value = (env if env is not None else os.environ).get(MIRROR_ENV)
    if value:
        return Path(value)
    return Path(policy.executor.workflow_mirror) if policy.executor.workflow_mirror else None


def check_mirror(project_root: Path, mirror: Path) -> None:
    """Refuse a mirror inside (or around) the checkout: a pull request could change it."""
    folder, checkout = mirror.expanduser().resolve(), project_root.resolve()
    if folder == checkout or folder.is_relative_to(checkout) or checkout.is_relative_to(folder):
        raise RetrievalFailed("the workflow mirror overlaps the project checkout; approved "
                              "crates must be kept by the TRE outside the repository")


def _store(stream: IO[bytes], target: Path, limit: int, deadline: float | None = None
           ) -> tuple[str, int]:
    """Stream into ``target`` (temp file, then rename): (hex sha-512, size), at most ``limit``."""
    digest, size = hashlib.sha512(), 0
    with atomic.atomic_path(target) as part:
        with part.open("xb") as handle:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise RetrievalFailed(f"the workflow crate is larger than {limit} bytes")
                if deadline is not None and time.monotonic() > deadline:
                    raise RetrievalFailed(f"the download did not finish within {DEADLINE:g} s")
                digest.update(chunk)
                handle.write(chunk)
        if not zipfile.is_zipfile(part):
            raise RetrievalFailed("what was retrieved is not a zip file (a Workflow RO-Crate "
                                  "zip is expected)")
        try:
            with zipfile.ZipFile(part) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        if CRATE_METADATA not in names:
            raise RetrievalFailed(f"the retrieved zip holds no {CRATE_METADATA} at its top: "
                                  "it is not an RO-Crate")
    return digest.hexdigest(), size


def from_mirror(folder: Path, url: str, target: Path, limit: int = MAX_BYTES) -> Retrieved:
    """The crate of ``url`` copied from the TRE's workflow mirror."""
    name = mirror_name(url)
    path = folder / name
    if not path.is_file():
        raise RetrievalFailed(f"the TRE's workflow mirror holds no copy of {url}: TRE staff "
                              f"place the approved Workflow RO-Crate zip there as {name}")
    try:
        with path.open("rb") as stream:
            sha, size = _store(stream, target, limit)
    except OSError as exc:
        raise RetrievalFailed(f"the copy of {url} in the TRE's workflow mirror ({name}) could "
                              f"not be read ({exc.strerror or type(exc).__name__})") from None
    return Retrieved(target, sha, size, f"the TRE's workflow mirror (file {name})")


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        if urllib.parse.urlsplit(newurl).scheme != "https":
            raise RetrievalFailed(f"the download of {req.full_url} was redirected to a "
                                  "non-https address, which is refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        _HttpsOnlyRedirects())


def download(url: str, target: Path, limit: int = MAX_BYTES, timeout: float = TIMEOUT
             ) -> Retrieved:
    """The crate of ``url`` downloaded over verified https."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise RetrievalFailed(f"workflow distribution {url} is not an https URL; only https "
                              "downloads are made")
    # The scheme was checked above; redirects are held to https by the opener.
    request = urllib.request.Request(url, headers={  # noqa: S310
        "User-Agent": f"fivesafes/{__version__}", "Accept": "application/zip"})
    try:
        with _opener().open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise RetrievalFailed(f"the workflow crate at {url} is {declared} bytes, more "
                                      f"than the {limit} allowed")
            sha, size = _store(response, target, limit, time.monotonic() + DEADLINE)
    except urllib.error.HTTPError as exc:
        raise RetrievalFailed(f"the download of {url} failed: HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, ssl.SSLError):
            raise RetrievalFailed(f"the download of {url} failed: TLS verification failed "
                                  f"({exc.reason})") from None
        raise RetrievalFailed(f"the download of {url} failed: cannot connect "
                              f"({exc.reason})") from None
    except TimeoutError:
        raise RetrievalFailed(f"the download of {url} failed: no answer within "
                              f"{timeout:g} s") from None
    except OSError as exc:
        raise RetrievalFailed(f"the download of {url} failed "
                              f"({exc.strerror or type(exc).__name__})") from None
    return Retrieved(target, sha, size, "an https download")


def retrieve(url: str, target: Path, mirror: Path | None, project_root: Path) -> Retrieved:
    """From the mirror when there is one (never the network then), else by https."""
    if mirror is not None:
        check_mirror(project_root, mirror)
        return from_mirror(mirror.expanduser(), url, target)
    return download(url, target)
