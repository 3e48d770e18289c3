"""The first process inside util-linux ``unshare``'s namespaces: builds the sandbox, runs the
workflow in it without capabilities, and stays PID 1 until the workflow ends.

Started as ``python -I -S init.py SPEC`` (standard library only: nothing of the runner's
import path is read) by ``unshare --user --map-root-user --mount --pid --fork ...``, it holds
every capability of the new user namespace, and uses them only to:

1. mount a tmpfs on the empty folder ``SPEC["root"]`` and build the plan of mounts in it,
   exactly as ``bwrap`` would (binds are remounted read-only, no set-uid, no devices, keeping
   the flags the kernel locks; ``/dev`` gets the six harmless devices; ``/proc`` is a new
   proc of this PID namespace);
2. ``pivot_root`` into it and detach the old root, so no path leads back to the runner's
   files, then make ``/`` read-only;
3. fork the workflow, which drops every capability (bounding, ambient, permitted, effective,
   inheritable), sets ``no_new_privs`` and a new session, then execs: it cannot remount,
   mount, chroot or regain anything.

PID 1 reaps orphans and exits with the workflow's status; its exit ends the namespace, so no
process outlives the workflow. Any failure before the exec exits 125 with the reason on
stderr, which goes to the attempt's log.
"""

from __future__ import annotations

import ctypes
import json
import os
import platform
import sys
from typing import Any

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND = 32, 1024, 2048, 4096
MS_REC, MS_PRIVATE, MS_RELATIME = 16384, 1 << 18, 1 << 21
MNT_DETACH = 2
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 38, 47, 4
CAP_V3 = 0x20080522
PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
LINKS = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1",
         "stderr": "/proc/self/fd/2"}
# statvfs flag -> mount flag, for the flags a bind mount must keep when it is remounted
LOCKED = {os.ST_RDONLY: MS_RDONLY, os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV,
          os.ST_NOEXEC: MS_NOEXEC, os.ST_NOATIME: MS_NOATIME, os.ST_NODIRATIME: MS_NODIRATIME,
          os.ST_RELATIME: MS_RELATIME}

libc = ctypes.CDLL(None, use_errno=True)


class Failed(Exception):
    pass


def _b(text: str | None) -> bytes | None:
    return None if text is None else os.fsencode(text)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise Failed(f"{what}: {os.strerror(errno)}")


def mount(source: str | None, target: str, fstype: str | None, flags: int,
          data: str | None = None) -> None:
    _check(libc.mount(_b(source), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)),
           f"mount {target}")


def _place(target: str, like_folder: bool) -> None:
    if like_folder:
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            with open(target, "w", encoding="utf-8"):
                pass


def bind(source: str, target: str, read_only: bool) -> None:
    _place(target, os.path.isdir(source))
    mount(source, target, None, MS_BIND)
    kept = os.statvfs(target).f_flag
    flags = MS_NOSUID | MS_NODEV | sum(m for s, m in LOCKED.items() if kept & s)
    mount(None, target, None, MS_REMOUNT | MS_BIND | flags | (MS_RDONLY if read_only else 0))


def devices(target: str) -> None:
    _place(target, True)
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755")
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            _place(f"{target}/{name}", False)
            mount(f"/dev/{name}", f"{target}/{name}", None, MS_BIND)
    for name, points_to in LINKS.items():
        os.symlink(points_to, f"{target}/{name}")
    _place(f"{target}/shm", True)
    mount("tmpfs", f"{target}/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")


def build(root: str, plan: list[dict[str, str]]) -> None:
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755")
    for item in plan:
        kind, target = item["kind"], root + item["path"]
        if kind in ("ro", "rw"):
            bind(item["source"], target, kind == "ro")
        elif kind == "symlink":
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(item["source"], target)
        elif kind == "tmpfs":
            _place(target, True)
            mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")
        elif kind == "proc":
            _place(target, True)
            mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        elif kind == "dev":
            devices(target)
        elif kind != "remount-ro":
            raise Failed(f"unknown mount kind {kind!r}")


def pivot(root: str) -> None:
    number = PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise Failed(f"pivot_root is not known on {platform.machine()}")
    os.chdir(root)
    _check(libc.syscall(ctypes.c_long(number), b".", b"."), "pivot_root")
    _check(libc.umount2(b".", MNT_DETACH), "detach the old root")
    os.chdir("/")
    mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as handle:
        last = int(handle.read())
    for cap in range(last + 1):
        _check(libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    _check(libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0), "clear ambient")
    data = (_CapData * 2)()
    _check(libc.capset(ctypes.byref(_CapHeader(CAP_V3, 0)), data), "capset")
    _check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def start(argv: list[str]) -> int:
    """Fork the workflow (it drops everything, then execs); wait as PID 1."""
    child = os.fork()
    if child == 0:
        try:
            os.setsid()
            drop_capabilities()
            os.execvp(argv[0], argv)  # noqa: S606 (an argv, never a shell string)
        except (OSError, Failed) as exc:
            print(f"sandbox: cannot run {argv[0]}: {exc}", file=sys.stderr, flush=True)
        os._exit(127)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            return 125
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            return code if code >= 0 else 128 - code


def main(spec: dict[str, Any]) -> int:
    try:
        build(spec["root"], spec["mounts"])
        pivot(spec["root"])
        os.chdir(spec["cwd"])
    except (OSError, Failed) as exc:
        print(f"sandbox: {exc}", file=sys.stderr, flush=True)
        return 125
    return start(spec["argv"])


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
