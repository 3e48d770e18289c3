"""Finds secret VALUES in request files: the request is public to every reviewer and is
packaged into crates, so a password, token or key in it is a leak, not a typo.

Three looks: keys that name a secret (``password = "..."``), strings that look like
credentials (token prefixes, private keys, long random strings), and connection strings
that carry a password. Raw lines are scanned too, so a token pasted into a comment is found.
Secret NAMES (``SOURCE_DATABASE_URL``) are what belongs in the files.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from fivesafes.core.findings import Finding
from fivesafes.core.request.toml_doc import show
from fivesafes.core.request.toml_locate import KeyPath, line_of
from fivesafes.core.request.values import SECRET_NAME

TOKENS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a GitHub token",
     re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("an API secret key", re.compile(r"\bsk-(?:live_|proj-)?[A-Za-z0-9_-]{24,}")),
    ("a JSON web token",
     re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}")),
)
CONNECTION = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://([^\s/:@'\"]+):([^\s@'\"/]+)@")
KEYWORD_PAIR = re.compile(r"(?i)\b(?:password|passwd|pwd|secret|token)\s*=\s*([^\s;'\",]+)")
PLACEHOLDER = re.compile(r"^(?:\$\{?[A-Z_][A-Z0-9_]*\}?|\{[a-z_]+\}|\*+|x+|<[^>]*>)$")
SECRET_WORDS = frozenset({
    "password", "passwd", "pwd", "passphrase", "token", "secret", "credential", "credentials",
    "apikey", "privatekey", "accesskey", "secretkey",
})
KEY_QUALIFIERS = frozenset({"api", "private", "access", "secret", "ssh", "signing", "master",
                            "encryption", "auth", "client"})
DIGEST_KEYS = frozenset({"sha", "sha1", "sha256", "sha512", "digest", "checksum", "commit",
                         "version", "id", "prev"})
BASE64ISH = re.compile(r"^[A-Za-z0-9+/=_-]{32,}$")
HEX = re.compile(r"^[0-9a-fA-F]{32,}$")
FIX = ("remove it, rotate the secret (it is in git history now), and give the NAME of a "
       "secret the TRE holds instead, e.g. SOURCE_DATABASE_URL")


def looks_secret_key(key: str) -> bool:
    """Whether a key name says its value is a secret (``password``, ``api-key``...)."""
    tokens = [t for t in re.split(r"[-_.\s]+", key.lower()) if t]
    if not tokens:
        return False
    if tokens == ["key"] or "".join(tokens) in SECRET_WORDS:
        return True
    if any(t in SECRET_WORDS for t in tokens):
        return True
    return tokens[-1] == "key" and len(tokens) > 1 and tokens[-2] in KEY_QUALIFIERS


def entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def credential_kind(value: str, key: str = "") -> str | None:
    """What credential a string looks like, or None."""
    for kind, pattern in TOKENS:
        if pattern.search(value):
            return kind
    for match in CONNECTION.finditer(value):
        if not PLACEHOLDER.match(match.group(2)):
            return "a connection string with a password"
    for match in KEYWORD_PAIR.finditer(value):
        if not PLACEHOLDER.match(match.group(1)):
            return "a connection string with a password"
    token = value.strip()
    if " " in token or "://" in token or token.startswith("urn:"):
        return None
    digest_key = key.lower() in DIGEST_KEYS or key.lower().startswith("sha")
    if HEX.match(token) and not digest_key and entropy(token) >= 3.0:
        return "a long random (hex) string, like a key or token"
    if (BASE64ISH.match(token) and not digest_key and entropy(token) >= 4.0
            and re.search(r"[A-Z]", token) and re.search(r"[a-z]", token)
            and re.search(r"\d", token) and class_changes(token) >= 0.4):
        return "a long random string, like a key or token"
    return None


def class_changes(text: str) -> float:
    """Share of neighbouring characters of different kinds (upper, lower, digit, other):
    about 0.6 in random base64, under 0.35 in CamelCase words."""
    def kind(c: str) -> int:
        return 0 if c.isupper() else 1 if c.islower() else 2 if c.isdigit() else 3

    changes = sum(kind(a) != kind(b) for a, b in itertools.pairwise(text))
    return changes / max(len(text) - 1, 1)


def walk(data: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (path, scalar) of a parsed TOML document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, (*path, index))
    else:
        yield path, data


def scan(file: str, text: str, data: dict[str, Any],
         names_only: Callable[[KeyPath], bool] = lambda _: False) -> list[Finding]:
    """Secret findings in one parsed file; ``names_only`` marks paths that hold secret NAMES."""
    found: dict[int, Finding] = {}

    def report(line: int, rule: str, message: str, fix: str = FIX) -> None:
        found.setdefault(line, Finding(file, line, None, rule, message, fix))

    for number, raw in enumerate(text.splitlines(), start=1):
        for kind, pattern in TOKENS:
            if pattern.search(raw):
                report(number, "secret.token", f"line {number} contains {kind}")
    for path, value in walk(data):
        key = next((str(k) for k in reversed(path) if isinstance(k, str)), "")
        shown = show(path)
        if names_only(path) or key.endswith(("-secret", "_secret")):
            if not (isinstance(value, str) and SECRET_NAME.match(value)):
                report(line_of(text, path), "secret.name",
                       f"{shown} must be the NAME of a secret, not a value",
                       "write the upper-case name the TRE stores the secret under, e.g. "
                       "SOURCE_DATABASE_URL; if a real secret was here, rotate it")
            continue
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text_value = str(value)
            if looks_secret_key(key) and text_value and not SECRET_NAME.match(text_value):
                report(line_of(text, path), "secret.key",
                       f"{shown} holds a secret value (the key names a {key})")
                continue
            looks = credential_kind(text_value, key) if isinstance(value, str) else None
            if looks:
                report(line_of(text, path), "secret.value", f"{shown} looks like {looks}")
    return [found[line] for line in sorted(found)]
