"""Toil's real WES server on a free loopback port, for the wes executor's engine tests.

Toil is installed by ``.ci/run`` in its own virtual environment (``.venv-toil``, or the folder
``FIVESAFES_TOIL_VENV`` names): its pins clash with ours. The server runs with
``--bypass_celery`` (Celery mode is broken in Toil 9.6.0) and one gunicorn worker (runs are
tracked per worker process, so a second worker could not cancel them), with Toil's ``bin`` on
``PATH`` (it starts ``toil-cwl-runner``), and with every proxy variable pointing at a closed
loopback port, so its probe of the cloud metadata address fails at once instead of waiting.
With ``tls`` the certificate options reach gunicorn through ``GUNICORN_CMD_ARGS``. It is
stopped by its process id (its process group: the runs it started go too).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("FIVESAFES_TOIL_VENV") or REPO / ".venv-toil")
START_WAIT = 120.0


def toil_bin() -> Path | None:
    folder = VENV / "bin"
    return folder if (folder / "toil").is_file() else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ToilServer:
    url: str  # the WES base URL
    work_dir: Path  # where runs keep their outputs: the shared folder
    pid: int


def _ready(url: str, cafile: Path | None) -> bool:
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                         urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(url + "/service-info", timeout=5) as answer:
            return "workflow_type_versions" in json.load(answer)
    except (OSError, ValueError):
        return False


@contextmanager
def toil_server(folder: Path, tls: tuple[Path, Path] | None = None) -> Iterator[ToilServer]:
    binaries = toil_bin()
    assert binaries is not None, "no Toil virtual environment"
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "workflows"
    port, closed = free_port(), free_port()
    proxy = f"http://127.0.0.1:{closed}"
    env = {"PATH": f"{binaries}:{os.environ.get('PATH', '/usr/bin:/bin')}",
           "HOME": str(folder), "TMPDIR": str(folder), "LANG": "C.UTF-8",
           "no_proxy": "127.0.0.1,localhost", "NO_PROXY": "127.0.0.1,localhost"}
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        env[name] = proxy
    if tls is not None:
        env["GUNICORN_CMD_ARGS"] = f"--certfile={tls[0]} --keyfile={tls[1]}"
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [str(binaries / "toil"), "server", "--bypass_celery", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--work_dir", str(work)],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    scheme = "https" if tls else "http"
    url = f"{scheme}://127.0.0.1:{port}/ga4gh/wes/v1"
    try:
        deadline = time.monotonic() + START_WAIT
        while not _ready(url, tls[0] if tls else None):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the Toil server did not start: "
                                   + (folder / "server.log").read_text()[-2000:])
            time.sleep(0.5)
        yield ToilServer(url, work, process.pid)
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
                process.wait(timeout=15)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()
