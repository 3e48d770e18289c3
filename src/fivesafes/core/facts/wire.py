"""Shared pieces of the edge models (facts JSON, event payloads): times, bytes, errors.

Whatever reaches the engine from outside is validated by a pydantic model first, so that a
wrong type, a null, a numeric time, an unknown state or bad base64 is a usage error naming the
key and the form it should have (exit 2), never a traceback and never a decision. Times must
be RFC 3339 with a zone and are normalised to UTC, so that every later comparison is one of
instants.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from fivesafes.errors import UsageError

TIME_FORM = "an RFC 3339 time with a zone, e.g. 2026-01-02T10:00:00Z"
BYTES_FORM = 'text, or {"base64": "..."} with valid base64'


class FormatError(UsageError, ValueError):
    """Input that does not have the documented shape; the message names key and form (a
    usage error, exit 2)."""


def _stamp(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected {TIME_FORM}, got {type(value).__name__}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected {TIME_FORM}, got {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError(f"expected {TIME_FORM}; {value!r} has no zone")
    text = parsed.astimezone(dt.UTC).isoformat()
    return text.replace("+00:00", "Z")


Stamp = Annotated[str, BeforeValidator(_stamp)]


def decode_bytes(value: Any) -> bytes:
    """File contents: UTF-8 text, or ``{"base64": "..."}`` (strictly valid base64)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict) and set(value) == {"base64"} and isinstance(value["base64"], str):
        try:
            return base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"expected {BYTES_FORM}: the base64 is not valid") from None
    raise ValueError(f"expected {BYTES_FORM}, got {type(value).__name__}")


Blob = Annotated[bytes, BeforeValidator(decode_bytes)]


class Wire(BaseModel):
    """Strict (no silent coercion of "7" to 7 or 1 to True), unknown keys ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


def where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def explain(source: str, exc: ValidationError) -> FormatError:
    """One message naming every bad key (at most five) and what it should be."""
    parts = []
    for error in exc.errors()[:5]:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and (
            p.startswith("function-") or p in ("str", "dict[str,str]", "json-or-python"))))
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is required but missing"
        elif error["type"] == "literal_error":
            message = f"{message} (got {error.get('input')!r})"
        parts.append(f"{source}.{where(loc)}: {message}")
    more = len(exc.errors()) - len(parts)
    return FormatError("; ".join(parts) + (f"; and {more} more" if more > 0 else ""))
