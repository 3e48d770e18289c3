"""The sandbox the researcher's code runs in, so that nothing ``fivesafes execute`` holds can
be read by it: not its environment, not ``/proc`` of any other process, not a file of the
runner's home, work folders, checkout or other attempts.

The ``local`` and ``cwl`` executors run researcher code on the runner; they wrap the command
with :meth:`Sandbox.command`. ``extract`` runs only the package's own code, and ``http`` and
``wes`` hand the workflow to a service, so nothing of the researcher runs beside the job's
secrets (docs/executors.md). The policy's ``executor.sandbox`` chooses: ``auto`` takes
bubblewrap when it works, else util-linux ``unshare``, else :func:`choose` refuses;
``bubblewrap`` or ``unshare`` insist on one; ``none`` runs the workflow unisolated, which the
execution entry records and ``doctor`` reports.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fivesafes.adapters.executors.sandbox import bubblewrap, unshare
from fivesafes.adapters.executors.sandbox.view import Mount, View, mounts

Kind = Literal["bubblewrap", "unshare", "none"]
RUNS_RESEARCHER_CODE = ("local", "cwl")


@dataclass(frozen=True)
class Sandbox:
    """One isolation backend; ``binary`` is the program that makes it (none for ``none``)."""

    kind: Kind
    binary: str = ""

    def plan(self, view: View) -> list[Mount]:
        return [] if self.kind == "none" else mounts(view)

    @contextmanager
    def command(self, argv: Sequence[str], view: View) -> Iterator[list[str]]:
        """The argv that runs ``argv`` inside the sandbox (``argv`` itself for ``none``)."""
        if self.kind == "none":
            yield list(argv)
        elif self.kind == "bubblewrap":
            yield bubblewrap.arguments(self.binary, mounts(view), view, argv)
        else:
            root = Path(tempfile.mkdtemp(prefix="fivesafes-sandbox-"))
            try:
                yield unshare.arguments(self.binary, mounts(view), view, argv, root)
            finally:
                shutil.rmtree(root, ignore_errors=True)  # empty: the tmpfs lived in the namespace


NONE = Sandbox("none")
