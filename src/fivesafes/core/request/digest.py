"""The request digest: the sha-512 of what approvers sign off.

Approvers decide on bytes. The digest covers exactly the request scope
(:mod:`fivesafes.core.request.scope`: ``resources/**`` but the record, the workflow folder and
the input files the workflow names), each file as path, NUL, length, NUL, content, sorted by
path, so neither a rename nor moving bytes between files keeps it. The engine records it with
the sign-off; ``fivesafes execute`` recomputes it from the checkout and refuses to run when it
differs. Both sides call this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from fivesafes.core.request.scope import request_scope


def sha512_files(files: Mapping[str, bytes]) -> str:
    """``sha512:<hex>`` over the files, each as path, NUL, length, NUL, content, sorted by path."""
    h = hashlib.sha512()
    for path in sorted(files):
        data = files[path]
        h.update(f"{path}\0{len(data)}\0".encode())
        h.update(data)
    return "sha512:" + h.hexdigest()


def request_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """What approvers sign off: the request scope of ``files``."""
    return request_scope(files)


def request_digest(files: Mapping[str, bytes]) -> str:
    """The sign-off digest of a tree's files (the request scope, hashed)."""
    return sha512_files(request_files(files))
