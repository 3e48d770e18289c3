"""CODEOWNERS against the policy: the reviews GitHub requires must come from the deciders.

The ruleset requires a code owner's review, so ``.github/CODEOWNERS`` decides who can approve a
merge, while ``.github/fivesafes.toml`` decides whose decision the automation records. When
the two drift apart, a request can be blocked by people the policy does not know, or merged
on a review by someone it does not allow. Pure: the text in, findings out.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.models.policy import Policy

FILE = ".github/CODEOWNERS"


def parse(text: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """(line, pattern, owners) of each rule, in order (the last matching rule wins)."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if line:
            pattern, *owners = line.split()
            out.append((number, pattern, tuple(owners)))
    return out


def _norm(who: str) -> str:
    return who.lower() if who.startswith("@") else "@" + who.lower()


def expected(policy: Policy) -> dict[str, tuple[str, list[str]]]:
    """CODEOWNERS pattern -> (what it is for, the owners the policy implies)."""
    out = {"/resources/": ("[phases.sign-off] approvers", policy.phases.sign_off.approvers),
           "/outputs/": ("[phases.disclosure] approvers", policy.phases.disclosure.approvers)}
    if policy.maintainers.owners:
        out["/.github/"] = ("[maintainers] owners", policy.maintainers.owners)
    return out


def codeowners_findings(text: str | None, policy: Policy) -> list[Finding]:
    """Each path whose code owners differ from the policy's deciders, with the line to write."""
    if text is None:
        return [Finding(FILE, None, None, "codeowners-missing",
                        "there is no CODEOWNERS: the ruleset's code-owner review asks no one",
                        "restore .github/CODEOWNERS from the template")]
    rules = parse(text)
    found = []
    for pattern, (what, owners) in expected(policy).items():
        want = sorted(_norm(o) for o in owners)
        line = f"{pattern} {' '.join(want)}"
        match = [r for r in rules if r[1].rstrip("/") == pattern.rstrip("/")]
        if not match:
            found.append(Finding(FILE, None, None, "codeowners-policy",
                                 f"no rule for {pattern}: its reviews are not asked of the "
                                 f"{what}", f"add `{line}`"))
            continue
        number, _, have = match[-1]
        if sorted(_norm(o) for o in have) != want:
            found.append(Finding(FILE, number, None, "codeowners-policy",
                                 f"{pattern} is owned by {' '.join(have) or 'no one'} but the "
                                 f"policy's {what} are {' '.join(want)}",
                                 f"write `{line}` (or change the policy)"))
    return found
