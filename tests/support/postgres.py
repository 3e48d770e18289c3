"""A PostgreSQL server of the tests' own: a temporary folder, a unix socket, no TCP port.

The binaries come from the ``pgserver`` wheel (a test dependency, so ``pip install`` is
enough), else from the distribution's ``initdb`` on PATH. PostgreSQL refuses to run as root,
so under root the server runs as ``nobody``; when ``nobody`` cannot reach the binaries (a
checkout under a private home folder), they are copied into the server's folder first. It
is stopped at the end by its pid.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg


def binaries() -> Path | None:
    """The wheel's binaries (found without importing pgserver, which has side effects)."""
    spec = importlib.util.find_spec("pgserver")
    if spec and spec.submodule_search_locations:
        bin_dir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (bin_dir / "initdb").is_file():
            return bin_dir
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


@dataclass(frozen=True)
class Server:
    socket_dir: Path
    pid: int

    def url(self, database: str = "postgres", driver: str = "") -> str:
        """A SQLAlchemy URL (``driver`` e.g. ``+psycopg``; none: the bare form TREs give)."""
        return f"postgresql{driver}://postgres@/{database}?host={self.socket_dir}"

    def conninfo(self, database: str = "postgres") -> str:
        return f"dbname={database} user=postgres host={self.socket_dir}"

    def create_database(self, name: str, setup_sql: str = "") -> str:
        with psycopg.connect(self.conninfo(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
        if setup_sql:
            with psycopg.connect(self.conninfo(name), autocommit=True) as connection:
                connection.execute(setup_sql)
        return self.url(name)


def _reachable(bin_dir: Path, folder: Path, user: str) -> Path:
    """``bin_dir``, or a copy of its installation inside ``folder`` when ``user`` cannot run it."""
    try:
        subprocess.run([str(bin_dir / "postgres"), "--version"], user=user,
                       capture_output=True, check=True)
        return bin_dir
    except (OSError, subprocess.CalledProcessError):
        pass
    # Keep the layout the binaries' relative library paths expect: the wheel's
    # pgserver/pginstall/{bin,lib,share} beside pgserver.libs.
    install = bin_dir.parent
    copy = folder / "pg" / install.parent.name / install.name
    for part in ("bin", "lib", "share"):
        if (install / part).is_dir():
            shutil.copytree(install / part, copy / part, symlinks=True)
    libs = install.parent.parent / f"{install.parent.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, folder / "pg" / libs.name, symlinks=True)
    for path in (folder / "pg", *(folder / "pg").rglob("*")):
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | (0o555 if path.is_dir() else 0o444))
    return copy / "bin"


@contextmanager
def running(bin_dir: Path) -> Iterator[Server]:
    folder = Path(tempfile.mkdtemp(prefix="fivesafes-pg-"))
    user = None
    if os.geteuid() == 0:
        user = "nobody"
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data = folder / "data"
    process: subprocess.Popen[bytes] | None = None
    try:
        if user is not None:
            bin_dir = _reachable(bin_dir, folder, user)
        subprocess.run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"],
                       check=True, user=user, stdout=subprocess.DEVNULL)
        with (folder / "log").open("wb") as log:
            process = subprocess.Popen(
                [str(bin_dir / "postgres"), "-D", str(data), "-k", str(folder),
                 "-c", "listen_addresses=", "-c", "fsync=off", "-c", "full_page_writes=off"],
                user=user, stdout=log, stderr=subprocess.STDOUT)
        server = Server(folder, process.pid)
        for _ in range(300):
            try:
                psycopg.connect(server.conninfo(), connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if process.poll() is not None:
                    raise RuntimeError((folder / "log").read_text()) from None
                time.sleep(0.1)
        yield server
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)  # fast shutdown of this server (its pid)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)
