"""Executors: how an approved request runs inside the TRE, chosen by the policy.

``local`` runs the policy's command, ``extract`` copies the approved data, ``http`` asks a
publisher service. All meet :class:`~fivesafes.adapters.executors.base.Executor`.
"""

from __future__ import annotations

from fivesafes.adapters.executors.base import Executor


def executor_for(kind: str) -> Executor:
    """The executor named by ``executor.kind`` in the policy."""
    if kind == "local":
        from fivesafes.adapters.executors.local import LocalExecutor

        return LocalExecutor()
    if kind == "extract":
        from fivesafes.adapters.executors.extract import ExtractExecutor

        return ExtractExecutor()
    if kind == "http":
        from fivesafes.adapters.executors.http import HttpExecutor

        return HttpExecutor()
    raise ValueError(f"unknown executor kind {kind!r}: use local, extract or http")
