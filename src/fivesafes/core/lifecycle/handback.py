"""The hand-back: all that leaves a TRE job, checked before a hosted job records it.

Jobs on the TRE runner hold no token and no secret, so they cannot record anything on GitHub.
They write a hand-back instead: the record entries they made (retrieval, execution,
publication, retention), the outputs manifest for the output checkers and, after approval, the
name and sha-512 of the release zip. A hosted job that holds the automation's token reads it,
checks it here and records it. Output data is never part of it: entries and manifests carry
paths, sizes and digests only, and the only file besides ``handback.json`` that may travel is
the approved release zip. Pure: text in, a checked hand-back or the reasons it is refused out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from fivesafes.models.ledger import ActionEntry

FORMAT = "fivesafes-handback/1"
FILE = "handback.json"
MAX_BYTES = 8 * 1024 * 1024  # entries and a manifest: small; anything bigger is refused
Kind = Literal["execution", "publication", "retention"]
PHASES: dict[str, frozenset[str]] = {
    "execution": frozenset({"workflow-retrieval", "execution"}),
    "publication": frozenset({"publication"}),
    "retention": frozenset({"retention"}),
}
ZIP_NAME = re.compile(r"^[0-9a-f-]{36}-v[0-9]+\.zip$")
SHA512 = re.compile(r"^[0-9a-f]{128}$")


class HandbackInvalid(ValueError):
    """The hand-back is malformed or holds what may not leave the TRE."""


@dataclass(frozen=True)
class Handback:
    kind: Kind
    request: str
    entries: tuple[dict[str, Any], ...]
    message: str
    exit_code: int = 0
    manifest: str | None = None  # outputs/manifest.toml for the disclosure pull request
    release: dict[str, Any] | None = None  # file, sha512, tag, title of the release zip
    notes: tuple[str, ...] = field(default=())  # what the TRE command printed, for the log


def to_json(handback: Handback) -> str:
    data: dict[str, Any] = {
        "format": FORMAT, "kind": handback.kind, "request": handback.request,
        "message": handback.message, "exit-code": handback.exit_code,
        "entries": list(handback.entries), "notes": list(handback.notes)}
    if handback.manifest is not None:
        data["manifest"] = handback.manifest
    if handback.release is not None:
        data["release"] = handback.release
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def parse(text: str) -> Handback:
    """The hand-back in ``text``; HandbackInvalid naming what is wrong."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise HandbackInvalid(f"{FILE} is larger than {MAX_BYTES} bytes")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HandbackInvalid(f"{FILE} is not JSON: line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise HandbackInvalid(f"{FILE} is not a {FORMAT} hand-back")
    kind = data.get("kind")
    if kind not in PHASES:
        raise HandbackInvalid(f"{FILE}: unknown kind {kind!r} (one of {', '.join(PHASES)})")
    entries = data.get("entries")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise HandbackInvalid(f"{FILE}: entries must be a list of record entries")
    for key, kinds in (("request", str), ("message", str), ("exit-code", int)):
        if not isinstance(data.get(key), kinds):
            raise HandbackInvalid(f"{FILE}: {key} is missing or not a {kinds.__name__}")
    manifest, release = data.get("manifest"), data.get("release")
    if manifest is not None and (kind != "execution" or not isinstance(manifest, str)):
        raise HandbackInvalid(f"{FILE}: a manifest comes only with an execution, as text")
    if release is not None and (kind != "publication" or not isinstance(release, dict)):
        raise HandbackInvalid(f"{FILE}: a release comes only with a publication")
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise HandbackInvalid(f"{FILE}: notes must be a list of lines")
    return Handback(kind, data["request"], tuple(entries), data["message"],
                    data["exit-code"], manifest, release, tuple(notes))


def checked_entries(handback: Handback, request_id: str, signed_off: str | None
                    ) -> tuple[tuple[ActionEntry, ...], list[str]]:
    """The hand-back's entries, parsed, and why it may not be recorded for the request
    ``request_id`` whose sign-off approved ``signed_off`` (the request digest); no reasons
    when it may."""
    found: list[str] = []
    entries: list[ActionEntry] = []
    if handback.request != request_id:
        found.append(f"it is for request {handback.request}, this repository's is {request_id}")
    allowed = PHASES[handback.kind]
    for number, fields in enumerate(handback.entries, 1):
        try:
            entry = ActionEntry.model_validate(fields)
        except ValidationError as exc:
            found.append(f"entry {number} is not a record entry: {exc.errors()[0]['msg']}")
            continue
        entries.append(entry)
        if entry.phase not in allowed:
            found.append(f"entry {number} is a {entry.phase} entry; a {handback.kind} "
                         f"hand-back holds {', '.join(sorted(allowed))} entries only")
        if entry.phase == "execution" and entry.evidence.digest != signed_off:
            found.append(f"entry {number} ran request files of digest "
                         f"{(entry.evidence.digest or 'none')[:19]}..., not the signed-off ones")
        found += [f"entry {number}: {p}" for r in entry.results for p in _result_problems(r.path,
                                                                               r.sha512)]
    if handback.release is not None:
        found += _release_problems(handback.release)
    return tuple(entries), found


def _result_problems(path: str, sha512: str) -> list[str]:
    bad = []
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or "" in parts or "\\" in path:
        bad.append(f"output path {path!r} is not a relative path inside outputs/")
    if not SHA512.match(sha512):
        bad.append(f"output {path!r} has no sha-512")
    return bad


def _release_problems(release: dict[str, Any]) -> list[str]:
    name, digest = release.get("file"), release.get("sha512")
    bad = []
    if not isinstance(name, str) or not ZIP_NAME.match(name):
        bad.append(f"release file {name!r} is not a release zip name (<request uuid>-vN.zip)")
    if not isinstance(digest, str) or not SHA512.match(digest):
        bad.append("the release names no sha-512 of its zip")
    bad += [f"the release names no {key}" for key in ("tag", "title", "body")
            if not isinstance(release.get(key), str) or not release[key]]
    return bad
