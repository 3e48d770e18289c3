"""Checks of the policy beyond its schema: rules that cannot be met or are unsafe.

An approver list that cannot reach the required count, a phase distinct from itself,
allowed-source prefixes that would also match other hosts, labels shared by two decisions,
an executor without a command or a wes executor without an https url or shared folder, a
licence that is not an SPDX URL.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.request import people_rules
from fivesafes.core.request import values as checks
from fivesafes.core.request.project_rules import ror
from fivesafes.core.request.toml_doc import Doc
from fivesafes.models.policy import Policy

SPDX = "https://spdx.org/licenses/"
PLACEHOLDERS = ("{source}", "{inputs}", "{outputs}", "{workflow}")


def policy(doc: Doc, model: Policy) -> list[Finding]:
    out: list[Finding] = []
    problem = checks.https_problem(model.tre.url)
    if problem:
        out.append(doc.at(("tre", "url"), "policy.url", f"tre url {model.tre.url} {problem}",
                          "use the https address of the TRE"))
    if model.tre.ror:
        out += ror(doc, ("tre", "ror"), model.tre.ror)
    for phase in ("sign-off", "disclosure"):
        out += _phase(doc, model, phase)
    labels = model.labels.model_dump(by_alias=True)
    for key, value in labels.items():
        if list(labels.values()).count(value) > 1:
            out.append(doc.at(("labels", key), "policy.labels",
                              f"label {value!r} is used for more than one decision",
                              "give every decision its own label"))
    for i, prefix in enumerate(model.workflows.allowed_sources):
        problem = checks.prefix_problem(prefix)
        if problem:
            out.append(doc.at(("workflows", "allowed-sources", i), "policy.allowed-source",
                              f"allowed source {prefix!r} {problem}",
                              'e.g. "https://workflowhub.eu/workflows/"'))
    out += _executor(doc, model)
    if not model.publication.license.startswith(SPDX):
        out.append(doc.at(("publication", "license"), "policy.license",
                          f"license {model.publication.license!r} is not an SPDX licence URL",
                          f"e.g. {SPDX}CC-BY-4.0"))
    for i, owner in enumerate(model.maintainers.owners):
        problem = checks.approver_problem(owner)
        if problem:
            out.append(doc.at(("maintainers", "owners", i), "policy.owner",
                              f"owner {owner!r} {problem}", "e.g. @example-tre/maintainers"))
    out += people_rules.people(doc, model)
    return out


def _phase(doc: Doc, model: Policy, phase: str) -> list[Finding]:
    rule = model.phases.rule("sign-off" if phase == "sign-off" else "disclosure")
    base = ("phases", phase)
    out: list[Finding] = []
    for i, who in enumerate(rule.approvers):
        problem = checks.approver_problem(who)
        if problem:
            out.append(doc.at((*base, "approvers", i), "policy.approver",
                              f"approver {who!r} {problem}",
                              "give a login (alice) or a team (@example-tre/output-checkers)"))
    logins = {a.removeprefix("@").lower() for a in rule.approvers if "/" not in a}
    if len(logins) == len(rule.approvers) and rule.required > len(logins):
        out.append(doc.at((*base, "required"), "policy.required",
                          f"{phase} requires {rule.required} distinct approvers but lists "
                          f"only {len(logins)}",
                          "list more approvers (or a team), or lower required"))
    if phase in rule.distinct_from:
        out.append(doc.at((*base, "distinct-from"), "policy.distinct-from",
                          f"{phase} cannot be distinct from itself",
                          "name the other phase, e.g. distinct-from = [\"sign-off\"]"))
    return out


def _executor(doc: Doc, model: Policy) -> list[Finding]:
    ex = model.executor
    out: list[Finding] = []
    if ex.kind == "local" and not ex.command:
        out.append(doc.at(("executor",), "policy.executor",
                          "a local executor needs a command", 'add command = ["...", ...]'))
    for i, arg in enumerate(ex.command):
        for part in arg.split("{")[1:]:
            token = "{" + part.split("}", 1)[0] + "}"
            if "}" in part and token not in PLACEHOLDERS:
                out.append(doc.at(("executor", "command", i), "policy.executor",
                                  f"command placeholder {token} is unknown",
                                  f"use one of {', '.join(PLACEHOLDERS)}", "warning"))
    if ex.kind == "wes":
        problem = checks.engine_url_problem(ex.url or "")
        if problem:
            out.append(doc.at(("executor", "url"), "policy.executor",
                              f"a wes executor needs an https url; {ex.url!r} {problem}",
                              "set url to the WES base URL, e.g. "
                              "https://wes.tre.example/ga4gh/wes/v1"))
        if not ex.shared_dir:
            out.append(doc.at(("executor",), "policy.executor",
                              "a wes executor needs shared-dir, where the engine's outputs "
                              "are readable from the runner", 'add shared-dir = "/shared/wes"'))
    if ex.kind == "http":
        problem = checks.https_problem(ex.url or "")
        if problem:
            out.append(doc.at(("executor", "url"), "policy.executor",
                              f"an http executor needs an https url; {ex.url!r} {problem}",
                              "set url to the https address of the service"))
    return out
