"""BagIt checks over a bag already streamed and hashed, judged as RFC 8493 says.

The reader hands over the digests and size of every member and the text of the tag files; this
module decides, without I/O, whether the bag is valid: version and encoding, every manifest
present (any algorithm hashlib has) listing every payload file with a matching digest, every
tag manifest line matching, a ``fetch.txt`` whose files are all present (a complete bag), and
a Payload-Oxum that adds up. What RFC 8493 leaves optional and the Five Safes RO-Crate 0.4
profile only recommends (``bag-info.txt``, a tag manifest, a ``urn:uuid`` External-Identifier,
BagIt 0.97 as bagit-python writes it) are warnings: a bag from another producer is judged by
the standard, not by our writer's habits. ``lenient`` also tolerates the known defects of the
official examples (lower-case ``BagIt-version``), for import.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.ids import is_urn_uuid
from fivesafes.core.release import bagit_text as bt
from fivesafes.core.release.bag_manifests import check_manifests

Digests = dict[str, tuple[str, int]]
Others = dict[str, dict[str, str]]  # algorithm -> bag path -> hex digest
OLDER_VERSIONS = ("0.97",)  # bagit-python writes 0.97; it differs from 1.0 in nothing we read


class _Report:
    def __init__(self, file: str, root: str) -> None:
        self.file, self.root, self.findings = file, root, list[Finding]()

    def add(self, rule: str, message: str, fix: str, *, tag: str | None = None,
            line: int | None = None, warning: bool = False) -> None:
        where = (f"{self.file}:{self.root}/{tag}" if self.root else f"{self.file}:{tag}"
                 ) if tag else self.file
        self.findings.append(
            Finding(where, line, None, rule, message, fix, "warning" if warning else "error"))


def _version(report: _Report, kept: dict[str, bytes], lenient: bool) -> None:
    raw = kept.get(bt.BAGIT_TXT)
    if raw is None:
        report.add("bagit.missing-tag", "bagit.txt is missing", "a bag starts with bagit.txt")
        return
    fields, problems = bt.parse_tag_file(raw.decode("utf-8", "replace"))
    for line, problem in problems:
        report.add("bagit.syntax", problem, "fix the tag file", tag=bt.BAGIT_TXT, line=line)
    version = bt.first(fields, "BagIt-Version")
    if version is None:
        loose = next((v for k, v in fields if k.lower() == "bagit-version"), None)
        if loose is not None:
            report.add("bagit.label-case", "label 'BagIt-Version' is not spelled as RFC 8493 says",
                       "write 'BagIt-Version'", tag=bt.BAGIT_TXT, warning=lenient)
            version = loose
    if version in OLDER_VERSIONS:
        report.add("bagit.version", f"BagIt-Version is {version}; RFC 8493 is 1.0",
                   "nothing to do (bagit-python writes 0.97)", tag=bt.BAGIT_TXT, warning=True)
    elif version != bt.BAGIT_VERSION:
        report.add("bagit.version", f"BagIt-Version is {version or 'missing'}, expected 1.0",
                   "re-bag with a BagIt 1.0 writer", tag=bt.BAGIT_TXT)
    encoding = next((v for k, v in fields if k.lower() == "tag-file-character-encoding"), None)
    if (encoding or "").upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        report.add("bagit.encoding", f"Tag-File-Character-Encoding is {encoding or 'missing'}",
                   "declare UTF-8", tag=bt.BAGIT_TXT, warning=lenient)


def _info(
    report: _Report, kept: dict[str, bytes], payload: Digests, lenient: bool
) -> list[tuple[str, str]]:
    raw = kept.get(bt.BAG_INFO)
    if raw is None:
        report.add("bagit.missing-tag", "bag-info.txt is missing (optional in RFC 8493)",
                   "add bag-info.txt with External-Identifier and Payload-Oxum", warning=True)
        return []
    fields, problems = bt.parse_tag_file(raw.decode("utf-8", "replace"))
    for line, problem in problems:
        report.add("bagit.syntax", problem, "fix the tag file", tag=bt.BAG_INFO, line=line)
    ident = bt.first(fields, "External-Identifier")
    if ident is None or not is_urn_uuid(ident):
        report.add("bagit.external-identifier",
                   f"External-Identifier is {ident or 'missing'}; the profile recommends "
                   "a urn:uuid", "package with `fivesafes package` (it records the request id)",
                   tag=bt.BAG_INFO, warning=True)
    oxum = bt.first(fields, "Payload-Oxum")
    actual = (sum(size for _, size in payload.values()), len(payload))
    parsed = bt.parse_oxum(oxum) if oxum else None
    if parsed is None:
        report.add("bagit.payload-oxum", f"Payload-Oxum is {oxum or 'missing'}",
                   "declare '<bytes>.<files>' of the payload", tag=bt.BAG_INFO,
                   warning=oxum is None)
    elif parsed != actual:
        report.add("bagit.payload-oxum",
                   f"Payload-Oxum {oxum} does not match the payload ({actual[0]}.{actual[1]})",
                   "the payload was changed after bagging; refuse it", tag=bt.BAG_INFO)
    if bt.first(fields, "Bagging-Date") is None:
        report.add("bagit.bagging-date", "Bagging-Date is missing", "record when it was bagged",
                   tag=bt.BAG_INFO, warning=True)
    return fields


def check_bag(
    file: str, root: str, digests: Digests, kept: dict[str, bytes], *, lenient: bool = False,
    others: Others | None = None,
) -> tuple[list[Finding], list[tuple[str, str]]]:
    """Findings on the bag, and the bag-info fields.

    ``digests`` holds every member's sha-512 and size; ``others`` the digests in the other
    algorithms the bag's manifests use (the reader computes exactly those).
    """
    report = _Report(file, root)
    payload = {p: d for p, d in digests.items() if p.startswith(bt.PAYLOAD_DIR)}
    _version(report, kept, lenient)
    info = _info(report, kept, payload, lenient)
    found = check_manifests(digests, kept, others or {})
    for rule, tag, message, fix, warning in found:
        report.add(rule, message, fix, tag=tag, warning=warning)
    return report.findings, info
