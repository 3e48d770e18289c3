"""Executors: how an approved request runs inside the TRE, chosen by the policy.

``local`` runs the policy's command, ``extract`` copies the approved data, ``http`` asks a
publisher service, ``wes`` submits a CWL Workflow RO-Crate to a GA4GH WES engine (Toil) and
``cwl`` runs it with cwltool on the runner.
All meet :class:`~fivesafes.adapters.executors.base.Executor`.
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
    if kind == "wes":
        from fivesafes.adapters.executors.wes import WesExecutor

        return WesExecutor()
    if kind == "cwl":
        from fivesafes.adapters.executors.cwl import CwlExecutor

        return CwlExecutor()
    raise ValueError(f"unknown executor kind {kind!r}: use local, extract, http, wes or cwl")
