"""The disclosure pull request's comment and annotations: every output, what the checks
found, what the researcher asked, who decided what, and who must act next.

Output checkers work from this comment: one row per output (name, size, type, outcome), then
per output its findings (with the id an override names), the exception requests, and each
checker's statement with its reason. Findings also become annotations on the lines of
``outputs/manifest.toml`` that list them, so the pull request's diff shows them in place.
Only paths, ids and counts of bytes appear: never a value from an output.
"""

from __future__ import annotations

from fivesafes.core import layout
from fivesafes.core.decisions.assess import Assessment
from fivesafes.core.engine.plan import Annotation
from fivesafes.core.facts.values import Facts
from fivesafes.core.lifecycle import phases

ICON = {"approved": "✅", "rejected": "⛔ withheld", "changes-requested": "✏️ changes",
        "pending": "⏳"}
SEVERITY = {"error": "❌", "review": "🔍", "warning": "⚠️"}
MAX_FINDINGS = 20


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def next_step(a: Assessment) -> str:
    """Who acts next, in one sentence."""
    view = a.outputs
    assert view is not None
    if a.state == phases.DISCLOSURE_CHANGES:
        return ("**Next:** the researcher revises the analysis; a maintainer re-runs the "
                "signed-off request (`fivesafes execute`, then `fivesafes disclose`), whose "
                "outputs replace these here. Decisions on unchanged outputs carry over.")
    if a.state == phases.DISCLOSED:
        return "**Next:** a maintainer merges this pull request; publication ships the " \
               "approved outputs only."
    if a.state == phases.DISCLOSURE_REJECTED:
        return "**Next:** nothing is released. A changed analysis needs a new request."
    who = ", ".join(f"`{x}`" if x.startswith("@") else f"@{x}" for x in a.candidates)
    return (f"**Next:** output checkers ({who or 'nobody the policy allows'}) decide each "
            "pending output in a review: a ```fivesafes block with `approve PATH`, "
            "`reject PATH: reason`, `changes PATH: what to change`, and `override ID: reason` "
            "for each error finding of an output they approve.")


def section(a: Assessment) -> list[str]:
    """Markdown lines of the per-output section of the sticky comment."""
    view, manifest = a.outputs, a.checked.manifest
    if view is None or manifest is None:
        return []
    sizes = {o.path: (o.size, o.media_type) for o in manifest.output}
    lines = ["| output | size | type | decision |", "|---|---|---|---|"]
    for o in view.outputs:
        size, media = sizes.get(o.path, (0, ""))
        lines.append(f"| `{o.path}` | {_size(size)} | {media} | {ICON[o.outcome]} "
                     f"{o.reason} |")
    lines.append("")
    for o in view.outputs:
        found = [f for f in manifest.finding if f.path == o.path]
        asked = [e for e in manifest.exception if e.path == o.path]
        if not (found or asked or o.statements):
            continue
        lines += [f"<details><summary><code>{o.path}</code>: {len(found)} finding(s)"
                  "</summary>", ""]
        for f in found[:MAX_FINDINGS]:
            lines.append(f"- {SEVERITY.get(f.severity, '⚠️')} `{f.id}` {f.message}"
                         + (f" (fix: {f.fix})" if f.fix else ""))
        if len(found) > MAX_FINDINGS:
            lines.append(f"- ... and {len(found) - MAX_FINDINGS} more in the manifest")
        lines += [f"- 🙋 exception requested ({e.source}) for `{e.finding}`: {e.reason}"
                  for e in asked]
        lines += [f"- @{s.login} **{s.verdict}**" + (f": {s.reason}" if s.reason else "")
                  for s in o.statements]
        lines += [f"- @{x.login} overrides `{x.finding}`: {x.reason}" for x in o.overrides]
        lines += ["", "</details>", ""]
    if manifest.excluded:
        lines.append("Never proposed: " + ", ".join(
            f"`{x.path}` ({x.reason})" for x in manifest.excluded[:10]) + ".")
        lines.append("")
    lines += [f"- {n}" for n in view.notes] + ([""] if view.notes else [])
    lines += [next_step(a), ""]
    return lines


def finding_annotations(a: Assessment, facts: Facts) -> list[Annotation]:
    """Each finding as an annotation on the manifest line that lists its id."""
    manifest = a.checked.manifest
    data = facts.files.get(layout.OUTPUTS_MANIFEST)
    if manifest is None or data is None or a.outputs is None:
        return []
    text = data.decode("utf-8", errors="replace").splitlines()
    found: list[Annotation] = []
    for f in manifest.finding:
        line = next((n for n, row in enumerate(text, start=1)
                     if f.id and row.strip() == f'id = "{f.id}"'), None)
        level = "error" if f.severity == "error" else "warning"
        found.append(Annotation(layout.OUTPUTS_MANIFEST, line, level,  # type: ignore[arg-type]
                                f"{f.path}: {f.message}", f.rule))
    return found
