"""Reads a submitted request (zip, folder or bare metadata file) and writes its TOML files.

A request zip is as hostile as any received release: it goes through the same reader as
``fivesafes verify`` (one pass, nothing extracted, every structural rule), and when it is a
BagIt bag its manifests must match, with the known defects of the official examples
tolerated as warnings. An unpacked bag folder is read and checked the same way. The declared
profile version must be one this product reads; credentials among the workflow inputs never
reach the files; file inputs come with their (verified) bytes. The files are written only
when everything was read, each to a temporary file first and then renamed, so a refusal
leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivesafes.adapters.files import atomic
from fivesafes.adapters.release.folder_reader import read_folder, read_member
from fivesafes.adapters.release.reader import Limits, ReadResult, Unreadable, read_zip
from fivesafes.core.crate.profile_versions import profile_findings
from fivesafes.core.findings import Finding, errors
from fivesafes.core.intake.from_crate import request_from_crate
from fivesafes.core.intake.guard import attach_inputs, scan_rendered
from fivesafes.core.intake.repair import intake
from fivesafes.core.intake.to_toml import render_request
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.bag_rules import check_bag
from fivesafes.errors import UsageError

__all__ = ["ImportResult", "Unreadable", "import_request", "read_request", "write_files"]

METADATA = "ro-crate-metadata.json"
CANDIDATES = (METADATA, bt.PAYLOAD_DIR + METADATA)
TAGS = (bt.BAGIT_TXT, bt.BAG_INFO, bt.MANIFEST, bt.TAGMANIFEST)


class ImportConflict(UsageError):
    """Files the import would write are already in the project (and --force was not given)."""


@dataclass
class ImportResult:
    """The files to write (repository path -> TOML text or input bytes) and every finding."""

    source: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


@dataclass
class _Submitted:
    """A read request: the crate, the findings, and the verified bytes of its files."""

    crate: Any
    findings: list[Finding]
    fetch: Callable[[str], bytes | None] = lambda _: None  # crate-relative path -> bytes


def _parse(raw: bytes, where: str) -> tuple[Any, list[Finding]]:
    try:
        return json.loads(raw.decode("utf-8")), []
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, [Finding(where, getattr(exc, "lineno", None), None, "crate.json",
                              f"not valid JSON: {exc}", "submit UTF-8 JSON-LD")]


def _keep(limits: Limits) -> Callable[[str], int]:
    def keep(rel: str) -> int:
        if rel in CANDIDATES:
            return limits.max_crate_bytes
        tag = rel in TAGS or ("/" not in rel and bt.manifest_kind(rel) is not None)
        return limits.max_tag_bytes if tag else 0

    return keep


def _judge(read: ReadResult) -> _Submitted:
    """The bag rules (when it is a bag) and the crate of a read zip or folder."""
    findings = list(read.findings)
    if not read.complete:
        return _Submitted(None, findings)
    if bt.BAGIT_TXT in read.digests:
        bag_findings, _ = check_bag(read.file, read.root, read.digests, read.kept, lenient=True,
                                    others=read.others)
        findings += bag_findings
    name = next((c for c in reversed(CANDIDATES) if c in read.kept), None)
    if name is None:
        findings.append(Finding(read.file, None, None, "import.no-crate",
                                "no ro-crate-metadata.json at the top or in data/",
                                "submit a zipped RO-Crate or BagIt bag of one"))
        return _Submitted(None, findings)
    crate, found = _parse(read.kept[name], f"{read.file}:{name}")
    return _Submitted(crate, findings + found)


def _verified(read: ReadResult, crate_dir: str, rel: str,
              load: Callable[[str], bytes | None]) -> bytes | None:
    """A payload file's bytes, read again and checked against the digest of the one pass."""
    known = read.digests.get(crate_dir + rel)
    data = load(crate_dir + rel) if known else None
    if data is None or hashlib.sha512(data).hexdigest() != known[0]:  # type: ignore[index]
        return None
    return data


def _from_zip(path: Path, limits: Limits) -> _Submitted:
    read = read_zip(path, limits, _keep(limits), single_root=False)
    submitted = _judge(read)
    crate_dir = bt.PAYLOAD_DIR if bt.PAYLOAD_DIR + METADATA in read.kept else ""
    prefix = read.root + "/" if read.root else ""

    def load(rel: str) -> bytes | None:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo(prefix + rel)
            if info.file_size > limits.max_tag_bytes:
                return None
            return archive.read(info)

    submitted.fetch = lambda rel: _verified(read, crate_dir, rel, load)
    return submitted


def _from_folder(folder: Path, limits: Limits) -> _Submitted:
    """A bag folder (checked against its manifests like a zip), or a crate folder."""
    if not (folder / bt.BAGIT_TXT).is_file() and not (folder / METADATA).is_file() and (
            folder / bt.PAYLOAD_DIR / METADATA).is_file():
        folder = folder / bt.PAYLOAD_DIR
    if not any((folder / c).is_file() for c in (bt.BAGIT_TXT, *CANDIDATES)):
        raise Unreadable(f"{folder}: no {METADATA} in the folder or its data/ folder")
    read = read_folder(folder, limits, _keep(limits))
    submitted = _judge(read)
    crate_dir = bt.PAYLOAD_DIR if bt.PAYLOAD_DIR + METADATA in read.kept else ""
    submitted.fetch = lambda rel: _verified(
        read, crate_dir, rel, lambda r: read_member(folder, r, limits.max_tag_bytes))
    return submitted


def _read(source: Path, limits: Limits) -> _Submitted:
    if source.is_dir():
        return _from_folder(source, limits)
    if not source.is_file():
        raise Unreadable(f"{source}: not found")
    if source.suffix.lower() == ".json":
        if source.stat().st_size > limits.max_crate_bytes:
            return _Submitted(None, [Finding(source.name, None, None, "zip.size",
                                             f"larger than {limits.max_crate_bytes} bytes",
                                             "refuse it")])
        return _Submitted(*_parse(source.read_bytes(), source.name))
    return _from_zip(source, limits)


def read_request(source: Path, limits: Limits | None = None) -> tuple[Any, list[Finding]]:
    """The submitted crate (None when refused) and the findings of reading it."""
    submitted = _read(source, limits or Limits())
    return submitted.crate, submitted.findings


def import_request(source: Path, limits: Limits | None = None) -> ImportResult:
    """Read, repair, strip and map a submitted request; nothing is written here."""
    result = ImportResult(source.name)
    submitted = _read(source, limits or Limits())
    crate, result.findings = submitted.crate, submitted.findings
    if crate is None or errors(result.findings):
        return result
    version = profile_findings(crate, source.name, "import.profile-version")
    result.findings += version
    if errors(version):
        return result  # never read a version this product does not know as 0.4
    crate, found = intake(crate, source.name)
    result.findings += found
    if errors(found):
        return result
    draft = request_from_crate(crate)
    result.files.update(attach_inputs(draft, submitted.fetch))
    result.findings += draft.findings
    texts = render_request(draft, source.name)
    result.findings += scan_rendered(texts)
    result.files.update(texts)
    return result


def write_files(root: Path, files: dict[str, str | bytes], *, force: bool = False
                ) -> list[str]:
    """Write every file or none: refuse existing ones (unless ``force``), rename at the end."""
    existing = sorted(rel for rel in files if (root / rel).exists())
    if existing and not force:
        raise ImportConflict(f"{', '.join(existing)} already exist in {root}; nothing was "
                             "written (use --force to replace them)")
    return atomic.write_all(root, files)
