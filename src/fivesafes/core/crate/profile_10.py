"""The terms of Five Safes RO-Crate 1.0 (Working Draft) that tell it apart from 0.4.

This version of fivesafes reads and writes 0.4 (:mod:`profile_04`); a 1.0 crate is recognised
by its profile IRI and refused by name, never read with 0.4's terms, because 1.0 changes what
an approval looks like. The names below are those a 1.0 reader and writer would use, beside
``profile_04``'s; docs/crate.md lists what emitting 1.0 would change.
"""

from __future__ import annotations

PROFILE = "https://w3id.org/5s-crate/1.0"
PROFILE_NAME = "Five Safes RO-Crate 1.0 (Working Draft)"
PROFILE_VERSION = "1.0"

# A decision is an AuthorizeAction (approved) or a RejectAction (rejected), not an
# AssessAction whose actionStatus says Completed or Failed.
DECISION_TYPES = ("AuthorizeAction", "RejectAction")
