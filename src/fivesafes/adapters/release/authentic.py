"""Who approved this release? Checks a verified zip against its checksum file and the record.

:mod:`fivesafes.adapters.release.verify` judges integrity: the bag is complete and untouched
and the crate claims its approvals. That a crate claims them proves nothing; ``fivesafes
package`` writes such a crate from any outputs. This module adds what does prove it: the
``<zip>.sha512`` file published beside the zip (when present), and the project's action
record (:mod:`fivesafes.core.release.record_match`), read from a checkout or through the
GitHub API by the caller. The zip's own sha-512 is taken on a second thread while the zip is
verified, and only when something needs it.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fivesafes.adapters.release.verify import CRATE, Limits, VerifyReport, verify_release
from fivesafes.adapters.release.zip_streams import BLOCK
from fivesafes.core.findings import Finding

if TYPE_CHECKING:  # the record's models load only when a record is given (start-up time)
    from fivesafes.models.ledger import ActionRecord

__all__ = ["RecordSource", "file_sha512", "verify_authentic"]

_CHECKSUM_LINE = re.compile(r"^([0-9a-fA-F]{128})(?:[ \t]+\*?(.+))?$")
INTEGRITY_ONLY = (
    "integrity only: the bag is complete and untouched, but nothing here shows who approved "
    "it (anyone can package a crate that claims every approval)")


@dataclass(frozen=True)
class RecordSource:
    """An action record and where it was read (a checkout, or OWNER/NAME on a GitHub host)."""

    name: str
    record: ActionRecord


def file_sha512(path: Path) -> str:
    digest = hashlib.sha512()
    with path.open("rb") as handle:
        while chunk := handle.read(BLOCK):
            digest.update(chunk)
    return digest.hexdigest()


def checksum_file_findings(zip_path: Path, checksum: Path, actual: str) -> list[Finding]:
    """The ``sha512sum``-format file beside the zip must name the zip's sha-512."""
    name = checksum.name
    try:
        text = checksum.read_text(encoding="utf-8")[:4096]
    except (OSError, UnicodeDecodeError) as exc:
        return [Finding(name, None, None, "release.checksum-file", f"unreadable: {exc}",
                        "download the .sha512 file again")]
    match = _CHECKSUM_LINE.match(text.strip().splitlines()[0] if text.strip() else "")
    if match is None:
        return [Finding(name, 1, None, "release.checksum-file",
                        "not a '<sha512>  <file name>' line", "download the .sha512 file again")]
    if match.group(1).lower() != actual:
        return [Finding(name, 1, None, "release.checksum-file",
                        f"{zip_path.name} does not match its checksum file (its sha-512 is "
                        f"{actual[:16]}..., the file says {match.group(1)[:16].lower()}...)",
                        "do not use this zip: it is not the file that was published")]
    if match.group(2) and match.group(2).strip() != zip_path.name:
        return [Finding(name, 1, None, "release.checksum-file",
                        f"names {match.group(2).strip()!r}, not {zip_path.name!r}",
                        "nothing to do if the zip was renamed after download", "warning")]
    return []


def verify_authentic(
    path: Path, limits: Limits | None = None, *, record: RecordSource | None = None,
    progress: bool | None = None,
) -> VerifyReport:
    """:func:`verify_release`, then the checksum file beside the zip and the record."""
    checksum = path.with_name(path.name + ".sha512")
    is_zip = not path.is_dir()  # an unpacked bag matches the record by its bag only
    has_checksum = is_zip and checksum.is_file()
    with ThreadPoolExecutor(max_workers=1) as pool:
        wanted = is_zip and (has_checksum or record is not None)
        pending = pool.submit(file_sha512, path) if wanted else None
        report = verify_release(path, limits, progress=progress)
        zip_sha512 = pending.result() if pending is not None else None
    checked: dict[str, object] = {"scope": "integrity", "record": None,
                                  "zip_sha512": zip_sha512,
                                  "checksum_file": checksum.name if has_checksum else None}
    if has_checksum and zip_sha512 is not None:
        report.findings += checksum_file_findings(path, checksum, zip_sha512)
    if record is not None:
        from fivesafes.core.release.record_match import check_against_record

        where = f"{report.file}:{report.bag}/{CRATE}" if report.bag else report.file
        found, match = check_against_record(record.record, record.name, report.crate, where,
                                            zip_sha512, report.bag_sha512)
        report.findings += found
        checked["record"] = record.name
        checked["scope"] = "integrity and record"
        if match is not None:
            release = match.entry.release
            checked["publication"] = release.tag if release else None
            checked["same_bytes"] = match.exact
            extra = [f.message for f in report.findings if f.rule == "bagit.unlisted-tag"]
            if not match.exact and extra:
                report.findings.append(Finding(
                    report.file, None, None, "record.extra-file",
                    "the bag holds files the published one did not: " + "; ".join(extra[:5]),
                    "do not use this zip: it is not the one the project published"))
            if not match.exact:
                report.findings.append(Finding(
                    report.file, None, None, "record.rezipped",
                    f"the zip's bytes are not those published as {checked['publication']}, "
                    "but the bag inside is the published one (its tag manifest matches)",
                    "nothing to do if the zip was re-made from the published bag", "warning"))
    report.checked = checked
    return report
