"""The sticky pull request comment: where the request stands and what is needed from whom.

One comment per pull request, found by its hidden marker and edited in place, so the
researcher and the approvers always read the current state rather than a history of bot
noise. It never quotes output data: only paths, digests, findings and logins.
"""

from __future__ import annotations

from collections.abc import Sequence

from fivesafes.core.decisions.assess import Assessment
from fivesafes.core.engine.disclosure_comment import section
from fivesafes.core.engine.plan import STICKY_MARKER
from fivesafes.core.facts.values import Facts
from fivesafes.core.findings import Finding
from fivesafes.core.lifecycle import phases

MAX_FINDINGS = 50
ICONS = {"completed": "✅", "pending": "⏳", "failed": "❌", "refused": "⛔", "ignored": "➖"}


def file_link(finding: Finding, facts: Facts, sha: str) -> str:
    """``[file:line](blob link)`` for a repository file, plain text otherwise."""
    if finding.file.startswith("(") or not facts.run.repository:
        return f"`{finding.where}`"
    server = (facts.run.server_url or "https://github.com").rstrip("/")
    url = f"{server}/{facts.run.repository}/blob/{sha}/{finding.file}"
    if finding.line is not None:
        url += f"#L{finding.line}"
    return f"[`{finding.where}`]({url})"


def _finding_lines(findings: Sequence[Finding], facts: Facts, sha: str) -> list[str]:
    lines = []
    for f in list(findings)[:MAX_FINDINGS]:
        text = f"- {'❌' if f.severity == 'error' else '⚠️'} {file_link(f, facts, sha)}: " \
               f"{f.message}"
        if f.fix:
            text += f" (fix: {f.fix})"
        lines.append(text)
    if len(findings) > MAX_FINDINGS:
        lines.append(f"- ... and {len(findings) - MAX_FINDINGS} more (see the run's annotations)")
    return lines


def mentions(who: Sequence[str]) -> str:
    """``@alice, @org/team``: logins and teams as GitHub mentions, so they are notified."""
    return ", ".join(x if x.startswith("@") else f"@{x}" for x in who)


def next_move(a: Assessment, state: str) -> str:
    """The first line people read: whose move it is, and what to do."""
    c, t = a.checked, a.tally
    author = f"@{a.pr.author.login}"
    errors = [f for f in (*c.check, *c.validation) if f.severity == "error"]
    if state != a.state:  # merged: the automation carries on
        return f"**Next: the automation ({state}).** Nothing to do on this pull request."
    if errors:
        return (f"**Your move, {author}:** fix the {len(errors)} problem(s) listed below and "
                "push; the checks run again.")
    if t.rejections:
        who = mentions(sorted({d.login for d in t.rejections}))
        return (f"**Your move, {author}:** {c.phase} was rejected by {who}; address their "
                "review and push, or close the pull request.")
    if t.holds:
        who = mentions(sorted({d.login for d in t.holds}))
        return f"**Waiting on {who}:** the request is on hold until they remove the hold label."
    if t.met:
        then = "execution starts" if c.kind == "request" else "the release is published"
        return f"**Your move, {author} or a maintainer:** merge this pull request; {then}."
    who = mentions(a.candidates) or "nobody the policy allows (fix .github/fivesafes.toml)"
    return (f"**Your move, {who}:** {t.missing} more approval(s) of `{a.pr.head_sha[:12]}` "
            f"needed (label `{a.approve_label}` or an approving review).")


def _row(name: str, ok: bool | None, detail: str) -> str:
    icon = "⏳" if ok is None else ("✅" if ok else "❌")
    return f"| {name} | {icon} | {detail} |"


def render(a: Assessment, facts: Facts, *, notes: Sequence[str] = (),
           look_again: Sequence[str] = (), state: str | None = None,
           reason: str | None = None) -> str:
    """The comment body (Markdown, starting with the hidden marker)."""
    sha = a.pr.head_sha
    state = state or a.state
    c, t = a.checked, a.tally
    check_errors = [f for f in c.check if f.severity == "error"]
    valid_errors = [f for f in c.validation if f.severity == "error"]
    lines = [
        STICKY_MARKER,
        next_move(a, state),
        "",
        f"### Five Safes {c.kind}: `{state}` {ICONS.get(a.outcome, '')}",
        "",
        reason or a.reason,
        "",
        "| phase | | detail |",
        "|---|---|---|",
        _row("check", not check_errors,
             f"head `{sha[:12]}`, digest `{c.digest[:19]}…`" if not check_errors
             else f"{len(check_errors)} problem(s)"),
        _row("validation", not valid_errors,
             "no errors" if not valid_errors else f"{len(valid_errors)} error(s)"),
    ]
    if t.rejections:
        decided: bool | None = False
    elif t.met:
        decided = True
    else:
        decided = None
    detail = f"{len(t.approvers)} of {t.required} approval(s)"
    if t.approvers:
        detail += ": " + ", ".join(f"@{x}" for x in t.approvers)
    if t.holds:
        detail += "; held by " + ", ".join(sorted({f"@{d.login}" for d in t.holds}))
    if t.rejections:
        detail += "; rejected by " + ", ".join(sorted({f"@{d.login}" for d in t.rejections}))
    if a.outputs is not None:  # disclosure decided per output
        decided = {"completed": True, "failed": False}.get(a.outcome)
        detail = ", ".join(f"{len(a.outputs.of(k))} {k}" for k in (
            "approved", "rejected", "changes-requested", "pending") if a.outputs.of(k))
    lines.append(_row(t.phase, decided, detail))
    lines.append("")
    if a.outputs is not None:
        lines += section(a)
    elif not t.met and not t.rejections and c.passed and state == a.state:
        who = mentions(a.candidates)
        lines.append(f"**Needed:** {t.missing} more distinct approval(s) at `{sha[:12]}` "
                     f"(label `{a.approve_label}` or an approving review) from: "
                     f"{who or 'nobody the policy allows: fix .github/fivesafes.toml'}.")
        lines.append("")
    if look_again:
        lines.append("**Look again:** " + ", ".join(f"@{x}" for x in look_again)
                     + f": your approval was for an earlier commit; review `{sha[:12]}`.")
        lines.append("")
    refused = [f"- `{r.label or 'review'}` by @{r.login}: {r.why}" for r in t.refusals]
    if notes or refused:
        lines.append("**Not counted:**")
        lines += [f"- {n}" for n in notes] + refused
        lines.append("")
    findings = [*c.check, *c.validation]
    if findings:
        lines.append("<details><summary>Findings</summary>")
        lines.append("")
        lines += _finding_lines(findings, facts, sha)
        lines += ["", "</details>", ""]
    lines += [
        "<details><summary>Phases</summary>", "", "```mermaid",
        phases.mermaid(state).rstrip("\n"), "```", "", "</details>",
    ]
    return "\n".join(lines) + "\n"

