"""Helpers of the release tests: action records, packaging, and zips rewritten to order.

Shared through the tests.support package.
"""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.release.crate_writer import render_crate
from fivesafes.adapters.release.writer import ReleaseInfo, write_release
from fivesafes.cli.main import cli
from fivesafes.core.crate.spec import build_crate
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.release.bagit_text import bag_name
from fivesafes.models.ledger import ActionRecord, Result
from fivesafes.services.software import software

HERE = Path(__file__).parents[1] / "release"
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
BOT = {"login": "fivesafes[bot]", "kind": "automation", "name": "fivesafes automation"}
APPROVER = {"login": "sam-approver", "name": "Sam Approver", "role": "approver",
            "id": "https://orcid.org/0000-0001-5109-3700"}
CHECKERS = [{"login": "chris-checker", "name": "Chris Checker", "role": "checker"},
            {"login": "dana-checker", "name": "Dana Checker", "role": "checker"}]
FILE_MODE = 0o100644 << 16


def record(*, sign_off: str = "completed", disclosure: str | None = "completed",
           execution: str = "completed") -> ActionRecord:
    """A record through disclosure with the given statuses (None: no disclosure yet)."""
    plan: list[tuple[str, str, list[dict[str, Any]]]] = [
        ("check", "completed", [BOT]), ("validation", "completed", [BOT]),
        ("workflow-retrieval", "completed", [BOT]), ("sign-off", sign_off, [APPROVER]),
    ]
    if sign_off == "completed":
        plan.append(("execution", execution, [BOT]))
        if disclosure is not None:
            plan.append(("disclosure", disclosure, CHECKERS))
    result = ActionRecord()
    for n, (phase, status, agents) in enumerate(plan, start=1):
        start = f"2026-03-01T{10 + n:02d}:00:00Z"
        fields: dict[str, Any] = {
            "id": derived_urn("release-test", n), "phase": phase, "status": status,
            "start": start, "agents": agents,
            "evidence": {"event": "pull_request", "delivery": f"d{n}", "pr": 3},
        }
        if status in ("completed", "failed"):
            fields["end"] = start.replace(":00:00Z", ":30:00Z")
        if status == "failed":
            fields["reason"] = "rejected in review"
        result = ledger.append(result, fields)
    return result


def package(root: Path, outputs: Path | None, out: Path, *, rec: ActionRecord | None = None,
            include_data: bool = True) -> ReleaseInfo:
    """Package ``root`` (optionally with another record) the way `fivesafes package` does."""
    project = load_project(root)
    used = rec if rec is not None else project.record

    def crate_for(results: list[Result]) -> dict[str, bytes]:
        crate = build_crate(project.request, used, project.policy, software=software(),
                            results=results if outputs else None,
                            attached_results=include_data and outputs is not None)
        return render_crate(crate)

    request = project.request
    return write_release(out, bag_name=bag_name(request.project.project.title, request.id),
                         external_id=request.id, outputs=outputs, crate_for=crate_for,
                         include_data=include_data, progress=False)


def run(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; (exit code, stdout and stderr)."""
    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return done.exit_code, done.output


def verify_rules(path: Path, *extra: str) -> tuple[int, set[str]]:
    """Exit code of `fivesafes verify --json` and the rules of its error findings."""
    code, output = run("verify", str(path), "--json", *extra)
    report = json.loads(output[output.index("{"):])
    return code, {f["rule"] for f in report.get("findings", []) if f["severity"] == "error"}


def warning_rules(path: Path, *extra: str) -> set[str]:
    """The rules of the warnings `fivesafes verify --json` reports."""
    _, output = run("verify", str(path), "--json", *extra)
    report = json.loads(output[output.index("{"):])
    return {f["rule"] for f in report.get("findings", []) if f["severity"] == "warning"}


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_members(path: Path, files: dict[str, bytes],
                  attrs: dict[str, int] | None = None) -> None:
    """A zip in the release's form (stored entries, fixed times and modes) of ``files``."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = (attrs or {}).get(name, FILE_MODE)
            archive.writestr(info, data, zipfile.ZIP_STORED)


def sha(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest()


def reseal(files: dict[str, bytes], bag: str) -> dict[str, bytes]:
    """Recompute Payload-Oxum, the manifest and the tag manifest after an edit."""
    prefix = f"{bag}/"
    payload = {k[len(prefix):]: v for k, v in files.items() if k.startswith(prefix + "data/")}
    manifest = "".join(f"{sha(v)}  {k}\n" for k, v in sorted(payload.items()))
    files[prefix + "manifest-sha512.txt"] = manifest.encode()
    info = files[prefix + "bag-info.txt"].decode()
    oxum = f"{sum(len(v) for v in payload.values())}.{len(payload)}"
    info = "\n".join(f"Payload-Oxum: {oxum}" if line.startswith("Payload-Oxum") else line
                     for line in info.splitlines()) + "\n"
    files[prefix + "bag-info.txt"] = info.encode()
    tags = {k[len(prefix):]: v for k, v in files.items()
            if k.startswith(prefix) and not k.startswith(prefix + "data/")
            and not k.startswith(prefix + "tagmanifest-")}
    files[prefix + "tagmanifest-sha512.txt"] = "".join(
        f"{sha(v)}  {k}\n" for k, v in sorted(tags.items())).encode()
    return files


def rewrite(src: Path, dst: Path, edit: Callable[[dict[str, bytes], str], None],
            *, seal: bool = True) -> Path:
    """Copy a release with ``edit(files, bag)`` applied, resealed unless ``seal`` is False."""
    files = members(src)
    bag = next(iter(files)).split("/", 1)[0]
    edit(files, bag)
    write_members(dst, reseal(files, bag) if seal else files)
    return dst


def edit_crate(files: dict[str, bytes], bag: str, change: Callable[[dict[str, Any]], None]) -> None:
    name = f"{bag}/data/ro-crate-metadata.json"
    crate = json.loads(files[name])
    change(crate)
    files[name] = json.dumps(crate, indent=2).encode()


def patch(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) >= 1, old
    return data.replace(old, new)


def central_offsets(data: bytes) -> list[int]:
    """Where each central directory header starts (from the end record)."""
    end = data.rfind(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HLL", data, end + 10)
    offsets = []
    for _ in range(count):
        offsets.append(start)
        name, extra, comment = struct.unpack_from("<HHH", data, start + 28)
        start += 46 + name + extra + comment
    return offsets


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# Runs the shared offline validator on a release and returns its JSON report.
Validator = Callable[[Path, str], dict[str, Any]]
