"""The text of BagIt 1.0 tag files (RFC 8493), rendered and parsed without touching disk.

Writing and verifying a release both go through these functions so the bytes the writer
produces are exactly what the reader expects. Parsing never raises on bad input: it returns
what it could read and a list of ``(line, problem)`` pairs for the caller to report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

BAGIT_VERSION = "1.0"
ENCODING = "UTF-8"
ALGORITHM = "sha512"
MANIFEST = f"manifest-{ALGORITHM}.txt"
TAGMANIFEST = f"tagmanifest-{ALGORITHM}.txt"
BAGIT_TXT = "bagit.txt"
BAG_INFO = "bag-info.txt"
PAYLOAD_DIR = "data/"

# RFC 8493 2.4: algorithm names are lower case; these are the ones a bag may use that
# hashlib always has (hex digits of each digest). Others are reported, never guessed at.
ALGORITHMS: dict[str, int] = {"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96,
                              "sha512": 128}
_MANIFEST_NAME = re.compile(r"^(tag)?manifest-([a-z0-9]+)\.txt$")
_LINE = re.compile(r"^([0-9a-fA-F]+)[ \t]+(.+)$")
_OXUM = re.compile(r"^(\d+)\.(\d+)$")

Problems = list[tuple[int, str]]


def bag_name(title: str, request_id: str) -> str:
    """``<slug of the title>-<first 8 hex digits of the id>``: readable and unique per request."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].rstrip("-") or "release"
    short = re.sub(r"[^0-9a-f]", "", request_id.lower().removeprefix("urn:uuid:"))[:8]
    return f"{slug}-{short}" if short else slug


def bagit_txt() -> bytes:
    return f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: {ENCODING}\n".encode()


def payload_oxum(total_bytes: int, file_count: int) -> str:
    return f"{total_bytes}.{file_count}"


def bagging_date(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).date().isoformat()


def tag_file(fields: Iterable[tuple[str, str]]) -> bytes:
    """``Label: value`` lines; values must be single-line (newlines are folded to spaces)."""
    lines = []
    for label, value in fields:
        if not label or ":" in label or label != label.strip():
            raise ValueError(f"bad tag label {label!r}")
        lines.append(f"{label}: {' '.join(value.split())}\n")
    return "".join(lines).encode("utf-8")


def encode_path(path: str) -> str:
    """Manifest form of a bag path: ``%``, CR and LF percent-encoded (RFC 8493 2.1.3)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(path: str) -> str:
    return path.replace("%0A", "\n").replace("%0a", "\n").replace("%0D", "\r").replace(
        "%0d", "\r"
    ).replace("%25", "%")


def manifest(entries: Iterable[tuple[str, str]]) -> bytes:
    """``<sha512>  <path>`` lines for ``(path, hexdigest)`` pairs, sorted by path."""
    return "".join(
        f"{digest}  {encode_path(path)}\n" for path, digest in sorted(entries)
    ).encode("utf-8")


def parse_tag_file(text: str) -> tuple[list[tuple[str, str]], Problems]:
    """Labels and values in order (continuation lines joined), plus malformed lines."""
    fields: list[tuple[str, str]] = []
    problems: Problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line[0] in " \t":
            if fields:
                label, value = fields[-1]
                fields[-1] = (label, f"{value} {line.strip()}")
            else:
                problems.append((number, "continuation line before any label"))
            continue
        label, sep, value = line.partition(":")
        if not sep or not label.strip():
            problems.append((number, f"not a 'Label: value' line: {line[:80]!r}"))
            continue
        fields.append((label.strip(), value.strip()))
    return fields, problems


def manifest_kind(name: str) -> tuple[bool, str] | None:
    """``(is_tag_manifest, algorithm)`` of a top-level bag file name, None if no manifest."""
    match = _MANIFEST_NAME.match(name)
    return (bool(match.group(1)), match.group(2)) if match else None


def parse_manifest(
    text: str, algorithm: str = ALGORITHM
) -> tuple[dict[str, str], Problems]:
    """``path -> lower-case hex digest``; malformed lines and repeated paths are problems.

    RFC 8493 2.1.3: a digest, one or more spaces or tabs, the path; hex in either case.
    """
    entries: dict[str, str] = {}
    problems: Problems = []
    digits = ALGORITHMS.get(algorithm)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        match = _LINE.match(line)
        digest, path = (match.group(1), decode_path(match.group(2))) if match else ("", "")
        if not match or (digits is not None and len(digest) != digits) or not path:
            problems.append((number, f"not a '<{algorithm}> <path>' line: {line[:80]!r}"))
            continue
        if path in entries:
            problems.append((number, f"{path} is listed twice"))
            continue
        entries[path] = digest.lower()
    return entries, problems


def parse_oxum(value: str) -> tuple[int, int] | None:
    """``(bytes, files)`` of a Payload-Oxum value, None if malformed."""
    match = _OXUM.match(value.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def first(fields: list[tuple[str, str]], label: str) -> str | None:
    """The first value of ``label`` (labels compare case-sensitively, as RFC 8493 says)."""
    return next((value for name, value in fields if name == label), None)


def parse_fetch(text: str) -> tuple[dict[str, str], Problems]:
    """``path -> url`` of ``fetch.txt`` lines (``url length path``, RFC 8493 2.2.3)."""
    entries: dict[str, str] = {}
    problems: Problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        parts = line.split(None, 2)
        if len(parts) != 3 or not (parts[1] == "-" or parts[1].isdigit()):
            problems.append((number, f"not a '<url> <length> <path>' line: {line[:80]!r}"))
            continue
        entries[decode_path(parts[2])] = parts[0]
    return entries, problems
