"""BagIt 1.0 checks over a bag already streamed and hashed (RFC 8493, plus this product's rules).

The reader hands over the sha-512 and size of every member and the text of the tag files; this
module decides, without I/O, whether the bag is complete and untouched: version and encoding,
``bag-info.txt`` with a ``urn:uuid`` External-Identifier and a matching Payload-Oxum, every
payload file listed and matching, nothing unlisted, and the tag manifest. ``lenient`` turns the
known defects of the official examples (lower-case ``BagIt-version``) and what BagIt leaves
optional (bag-info.txt, the tag manifest) into warnings, for import.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.ids import is_urn_uuid
from fivesafes.core.release import bagit_text as bt

Digests = dict[str, tuple[str, int]]
CORE_TAGS = (bt.BAGIT_TXT, bt.BAG_INFO, bt.MANIFEST)


class _Report:
    def __init__(self, file: str, root: str) -> None:
        self.file, self.root, self.findings = file, root, list[Finding]()

    def add(self, rule: str, message: str, fix: str, *, tag: str | None = None,
            line: int | None = None, warning: bool = False) -> None:
        where = f"{self.file}:{self.root}/{tag}" if tag else self.file
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
    if version != bt.BAGIT_VERSION:
        report.add("bagit.version", f"BagIt-Version is {version or 'missing'}, expected 1.0",
                   "re-bag with a BagIt 1.0 writer (bagit-python writes 0.97)", tag=bt.BAGIT_TXT)
    encoding = next((v for k, v in fields if k.lower() == "tag-file-character-encoding"), None)
    if (encoding or "").upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        report.add("bagit.encoding", f"Tag-File-Character-Encoding is {encoding or 'missing'}",
                   "declare UTF-8", tag=bt.BAGIT_TXT, warning=lenient)


def _info(
    report: _Report, kept: dict[str, bytes], payload: Digests, lenient: bool
) -> list[tuple[str, str]]:
    raw = kept.get(bt.BAG_INFO)
    if raw is None:
        report.add("bagit.missing-tag", "bag-info.txt is missing",
                   "add bag-info.txt with External-Identifier and Payload-Oxum", warning=lenient)
        return []
    fields, problems = bt.parse_tag_file(raw.decode("utf-8", "replace"))
    for line, problem in problems:
        report.add("bagit.syntax", problem, "fix the tag file", tag=bt.BAG_INFO, line=line)
    ident = bt.first(fields, "External-Identifier")
    if ident is None or not is_urn_uuid(ident):
        report.add("bagit.external-identifier",
                   f"External-Identifier is {ident or 'missing'}, expected urn:uuid:...",
                   "package with `fivesafes package` (it records the request id)",
                   tag=bt.BAG_INFO, warning=lenient)
    oxum = bt.first(fields, "Payload-Oxum")
    actual = (sum(size for _, size in payload.values()), len(payload))
    parsed = bt.parse_oxum(oxum) if oxum else None
    if parsed is None:
        report.add("bagit.payload-oxum", f"Payload-Oxum is {oxum or 'missing'}",
                   "declare '<bytes>.<files>' of the payload", tag=bt.BAG_INFO,
                   warning=lenient and oxum is None)
    elif parsed != actual:
        report.add("bagit.payload-oxum",
                   f"Payload-Oxum {oxum} does not match the payload ({actual[0]}.{actual[1]})",
                   "the payload was changed after bagging; refuse it", tag=bt.BAG_INFO)
    if bt.first(fields, "Bagging-Date") is None:
        report.add("bagit.bagging-date", "Bagging-Date is missing", "record when it was bagged",
                   tag=bt.BAG_INFO, warning=True)
    return fields


def _manifest(
    report: _Report, kept: dict[str, bytes], tag: str, files: Digests, optional: bool = False
) -> set[str]:
    """Compare a manifest with the files it must cover; return the paths it lists."""
    raw = kept.get(tag)
    if raw is None:
        report.add("bagit.missing-tag", f"{tag} is missing", "re-package the release",
                   warning=optional)
        return set()
    listed, problems = bt.parse_manifest(raw.decode("utf-8", "replace"))
    for line, problem in problems:
        report.add("bagit.syntax", problem, "fix the manifest", tag=tag, line=line)
    for path, digest in sorted(listed.items()):
        if path not in files:
            report.add("bagit.missing-file", f"{path} is listed but not in the archive",
                       "the release is incomplete; refuse it", tag=tag)
        elif files[path][0] != digest:
            report.add("bagit.checksum", f"{path} does not match its sha-512",
                       "the file was changed after bagging; refuse it", tag=tag)
    return set(listed)


def check_bag(
    file: str, root: str, digests: Digests, kept: dict[str, bytes], *, lenient: bool = False
) -> tuple[list[Finding], list[tuple[str, str]]]:
    """Findings on the bag, and the bag-info fields."""
    report = _Report(file, root)
    payload = {p: d for p, d in digests.items() if p.startswith(bt.PAYLOAD_DIR)}
    tags = {p: d for p, d in digests.items() if not p.startswith(bt.PAYLOAD_DIR)}
    _version(report, kept, lenient)
    info = _info(report, kept, payload, lenient)
    if "fetch.txt" in tags:
        report.add("bagit.fetch", "fetch.txt asks to download part of the payload",
                   "a release must carry its whole payload")
    listed = _manifest(report, kept, bt.MANIFEST, payload)
    if bt.MANIFEST in kept:
        for path in sorted(set(payload) - listed):
            report.add("bagit.unlisted-file", f"{path} is not in {bt.MANIFEST}",
                       "a file was added after bagging; refuse it", tag=bt.MANIFEST)
    for path in sorted(tags):
        if path.startswith("manifest-") and path != bt.MANIFEST:
            report.add("bagit.unchecked-manifest", f"{path} is not checked (sha-512 only)",
                       "nothing to do", tag=path, warning=True)
    tag_listed = _manifest(report, kept, bt.TAGMANIFEST, tags, optional=lenient)
    if bt.TAGMANIFEST in kept:
        for path in sorted(set(tags) - tag_listed):
            if path.startswith("tagmanifest-"):
                continue
            report.add("bagit.unlisted-tag", f"{path} is not in {bt.TAGMANIFEST}",
                       "re-package the release", tag=bt.TAGMANIFEST,
                       warning=path not in CORE_TAGS)
    return report.findings, info
