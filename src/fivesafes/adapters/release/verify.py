"""Verifies a release zip end to end: archive safety, bag, crate, profile, and every action.

This is what anyone receiving a release runs. It reads the zip once as a stream (see
:mod:`release_reader`), then judges the bag (:mod:`fivesafes.core.release.bag_rules`), the crate
against the Five Safes RO-Crate 0.4 rules (:mod:`fivesafes.core.crate.profile`) and the
status of every recorded action (:mod:`fivesafes.core.release.action_audit`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivesafes.adapters.release.folder_reader import read_folder
from fivesafes.adapters.release.reader import Limits, ReadResult, Unreadable, read_zip
from fivesafes.core.crate.profile import check_crate
from fivesafes.core.crate.profile_versions import profile_findings
from fivesafes.core.findings import Finding, errors
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.action_audit import audit_actions
from fivesafes.core.release.bag_rules import check_bag

__all__ = ["Limits", "Unreadable", "VerifyReport", "verify_release"]

CRATE = bt.PAYLOAD_DIR + "ro-crate-metadata.json"


@dataclass
class VerifyReport:
    """The verdict on one release zip."""

    file: str
    bag: str
    findings: list[Finding] = field(default_factory=list)
    payload_files: int = 0
    payload_bytes: int = 0
    external_id: str | None = None
    # sha-512 of the bag's tagmanifest-sha512.txt (what the record binds the content by)
    bag_sha512: str | None = None
    crate: Any = None
    # what was checked beyond integrity (the record, the checksum file); see ``authentic``
    checked: dict[str, Any] = field(default_factory=lambda: {"record": None})

    @property
    def ok(self) -> bool:
        return not errors(self.findings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "bag": self.bag, "ok": self.ok,
            "external_identifier": self.external_id,
            "payload": {"files": self.payload_files, "bytes": self.payload_bytes},
            "errors": len(errors(self.findings)),
            "warnings": len(self.findings) - len(errors(self.findings)),
            "findings": [f.as_dict() for f in self.findings],
            "bag_sha512": self.bag_sha512, "checked": self.checked,
        }


def _keep(limits: Limits) -> Any:
    tags = {bt.BAGIT_TXT, bt.BAG_INFO, bt.MANIFEST, bt.TAGMANIFEST, "fetch.txt"}

    def keep(path: str) -> int:
        if path == CRATE:
            return limits.max_crate_bytes
        tag = path in tags or ("/" not in path and bt.manifest_kind(path) is not None)
        return limits.max_tag_bytes if tag else 0

    return keep


def load_crate(read: ReadResult, path: str) -> tuple[Any, list[Finding]]:
    """The parsed crate metadata at ``path`` (bag-relative), or None and a finding."""
    where = f"{read.file}:{read.root}/{path}" if read.root else f"{read.file}:{path}"
    raw = read.kept.get(path)
    if raw is None:
        message = "is missing" if path not in read.digests else "is too large to read"
        return None, [Finding(where, None, None, "crate.missing", f"the crate metadata {message}",
                              "the bag payload must be an RO-Crate (data/ro-crate-metadata.json)")]
    try:
        return json.loads(raw.decode("utf-8")), []
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        return None, [Finding(where, line, None, "crate.json", f"not valid JSON: {exc}",
                              "the crate metadata must be UTF-8 JSON-LD")]


def verify_release(
    path: Path, limits: Limits | None = None, *, progress: bool | None = None
) -> VerifyReport:
    """Every finding on the zip (or unpacked bag folder) at ``path``; raises
    :class:`Unreadable` if it is neither."""
    limits = limits or Limits()
    if path.is_dir():  # an unpacked bag: the same rules, read from the folder
        read = read_folder(path, limits, _keep(limits))
        report = VerifyReport(read.file, path.name, list(read.findings))
    else:
        read = read_zip(path, limits, _keep(limits), progress=progress)
        report = VerifyReport(read.file, read.root, list(read.findings))
    if not read.complete:
        return report
    bag_findings, info = check_bag(read.file, read.root, read.digests, read.kept,
                                   others=read.others)
    report.findings += bag_findings
    report.external_id = bt.first(info, "External-Identifier")
    if bt.TAGMANIFEST in read.digests:
        report.bag_sha512 = read.digests[bt.TAGMANIFEST][0]
    # Form differences from our writer (a re-zip by another tool) are warnings: the BagIt
    # manifests judge the content, the record judges authenticity (verify --record).
    report.findings += read.form
    payload = {
        p.removeprefix(bt.PAYLOAD_DIR): d for p, d in read.digests.items()
        if p.startswith(bt.PAYLOAD_DIR)
    }
    report.payload_files = len(payload)
    report.payload_bytes = sum(size for _, size in payload.values())
    crate, found = load_crate(read, CRATE)
    report.findings += found
    report.crate = crate
    if crate is not None:
        where = f"{read.file}:{read.root}/{CRATE}" if read.root else f"{read.file}:{CRATE}"
        version = profile_findings(crate, where, "crate.profile-version")
        report.findings += version
        if errors(version):
            return report  # a version this product cannot read is never read as 0.4
        report.findings += check_crate(crate, where, payload)
        if isinstance(crate, dict) and isinstance(crate.get("@graph"), list):
            report.findings += audit_actions(crate, where, set(payload))
    return report
