"""Reads a submitted request (zip, folder or bare metadata file) and writes its TOML files.

A request zip is as hostile as any received release: it goes through the same reader as
``fivesafes verify`` (one pass, nothing extracted, every structural rule), and when it is a
BagIt bag its manifests must match, with the known defects of the official examples
tolerated as warnings. The files are written only when everything was read, each to a
temporary file first and then renamed, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivesafes.adapters.release.reader import Limits, Unreadable, read_zip
from fivesafes.core.findings import Finding, errors
from fivesafes.core.intake.from_crate import request_from_crate
from fivesafes.core.intake.repair import intake
from fivesafes.core.intake.to_toml import render_request
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.bag_rules import check_bag

__all__ = ["ImportResult", "Unreadable", "import_request", "read_request", "write_files"]

METADATA = "ro-crate-metadata.json"
CANDIDATES = (METADATA, bt.PAYLOAD_DIR + METADATA)
TAGS = (bt.BAGIT_TXT, bt.BAG_INFO, bt.MANIFEST, bt.TAGMANIFEST)


@dataclass
class ImportResult:
    """The files to write (repository path -> TOML text) and every finding on the way."""

    source: str
    files: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def _parse(raw: bytes, where: str) -> tuple[Any, list[Finding]]:
    try:
        return json.loads(raw.decode("utf-8")), []
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return None, [Finding(where, getattr(exc, "lineno", None), None, "crate.json",
                              f"not valid JSON: {exc}", "submit UTF-8 JSON-LD")]


def _from_zip(path: Path, limits: Limits) -> tuple[Any, list[Finding]]:
    def keep(rel: str) -> int:
        if rel in CANDIDATES:
            return limits.max_crate_bytes
        tag = rel in TAGS or ("/" not in rel and bt.manifest_kind(rel) is not None)
        return limits.max_tag_bytes if tag else 0

    read = read_zip(path, limits, keep, single_root=False)
    findings = list(read.findings)
    if not read.complete:
        return None, findings
    if bt.BAGIT_TXT in read.digests:
        bag_findings, _ = check_bag(read.file, read.root, read.digests, read.kept, lenient=True,
                                    others=read.others)
        findings += bag_findings
    name = next((c for c in reversed(CANDIDATES) if c in read.kept), None)
    if name is None:
        findings.append(Finding(read.file, None, None, "import.no-crate",
                                "no ro-crate-metadata.json at the top of the zip or its bag",
                                "submit a zipped RO-Crate or BagIt bag of one"))
        return None, findings
    crate, found = _parse(read.kept[name], f"{read.file}:{name}")
    return crate, findings + found


def read_request(source: Path, limits: Limits | None = None) -> tuple[Any, list[Finding]]:
    """The submitted crate (None when refused) and the findings of reading it."""
    limits = limits or Limits()
    if source.is_dir():
        for candidate in CANDIDATES:
            meta = source / candidate
            if meta.is_file() and not meta.is_symlink():
                source = meta
                break
        else:
            raise Unreadable(f"{source}: no {METADATA} in the folder or its data/ folder")
    if not source.is_file():
        raise Unreadable(f"{source}: not found")
    if source.suffix.lower() == ".json":
        if source.stat().st_size > limits.max_crate_bytes:
            return None, [Finding(source.name, None, None, "zip.size",
                                  f"larger than {limits.max_crate_bytes} bytes", "refuse it")]
        return _parse(source.read_bytes(), source.name)
    return _from_zip(source, limits)


def import_request(source: Path, limits: Limits | None = None) -> ImportResult:
    """Read, repair, strip and map a submitted request; nothing is written here."""
    result = ImportResult(source.name)
    crate, result.findings = read_request(source, limits)
    if crate is None or errors(result.findings):
        return result
    crate, found = intake(crate, source.name)
    result.findings += found
    if errors(found):
        return result
    draft = request_from_crate(crate)
    result.findings += draft.findings
    result.files = render_request(draft, source.name)
    return result


def write_files(root: Path, files: dict[str, str], *, force: bool = False) -> list[str]:
    """Write every file or none: refuse existing ones (unless ``force``), rename at the end."""
    existing = sorted(rel for rel in files if (root / rel).exists())
    if existing and not force:
        raise FileExistsError(f"{', '.join(existing)} already exist in {root}")
    staged: list[tuple[str, Path]] = []
    try:
        for rel, text in sorted(files.items()):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            staged.append((rel, Path(name)))
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
            os.chmod(name, 0o644)
        for rel, tmp in staged:
            os.replace(tmp, root / rel)
    finally:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
    return [rel for rel, _ in staged]
