"""The demo TRE's people registry: who its approvers, checkers and researcher are.

The demo's maintainer adds it to the policy right after ``init``, as a TRE would from its own
registry of accredited people, and requires Safe Researcher Training of approvers and
researchers and Output Checker Training of checkers. So the demo's decisions go through the
accreditation gates, and its release names every approver and checker by ORCID. The ORCID
iDs are fictional (with correct check digits); the requester's is ORCID's own example iD, as
in the project template.
"""

from __future__ import annotations

from pathlib import Path

from fivesafes.adapters.files.toml_edit import edit_file
from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.core import layout

SAFE_RESEARCHER = "Safe Researcher Training"
OUTPUT_CHECKER = "Output Checker Training"
MANCHESTER = "https://ror.org/027m9bs27"
# login -> (name, ORCID iD, accreditations held)
PEOPLE = {
    "sam-signoff": ("Sam Signoff", "0000-0003-1234-5674", (SAFE_RESEARCHER,)),
    "olu-checker": ("Olu Checker", "0000-0002-7654-3218", (SAFE_RESEARCHER, OUTPUT_CHECKER)),
    "chris-checker": ("Chris Checker", "0000-0001-9876-5439", (SAFE_RESEARCHER, OUTPUT_CHECKER)),
    "alex-researcher": ("Alex Researcher", "0000-0002-1825-0097", (SAFE_RESEARCHER,)),
    "mo-maintainer": ("Mo Maintainer", "0000-0002-2468-0245", ()),
}


def registry_toml() -> str:
    """The ``[people]`` tables, as a maintainer would write them."""
    lines = ["", "# The TRE's registry of people: who each login is and what they are "
             "accredited for.", "# A decision counts only from someone holding what the "
             "phase requires, unexpired."]
    for login, (name, orcid, held) in PEOPLE.items():
        lines += ["", f"[people.{login}]", f'name = "{name}"',
                  f'orcid = "https://orcid.org/{orcid}"', f'affiliation = "{MANCHESTER}"',
                  'affiliation-name = "University of Manchester"']
        for accreditation in held:
            lines += [f"[[people.{login}.accreditation]]", f'name = "{accreditation}"',
                      "awarded = 2025-09-01", "expires = 2027-08-31",
                      'issuer = "Example Trusted Research Environment"']
    return "\n".join(lines) + "\n"


def register_people(project: Path) -> str:
    """Require accreditation in the project's policy, add the registry to it and commit that
    (as the maintainer); what was done, for the demo's output."""
    policy = project / layout.POLICY
    edit_file(policy, [
        (("phases", "sign-off", "requires-accreditation"), [SAFE_RESEARCHER]),
        (("phases", "disclosure", "requires-accreditation"), [OUTPUT_CHECKER]),
        (("researchers", "requires-accreditation"), [SAFE_RESEARCHER]),
    ])
    with policy.open("a", encoding="utf-8") as out:
        out.write(registry_toml())
    lifecycle_git.commit_paths(project, [layout.POLICY], "Register the TRE's accredited people "
                               "and require their accreditation", automation=False)
    return (f"{len(PEOPLE)} people registered by ORCID in the policy; sign-off and "
            "researchers need Safe Researcher Training, checkers Output Checker Training")
