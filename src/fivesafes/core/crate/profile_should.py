"""The SHOULD requirements of Five Safes RO-Crate 0.4 (the profile's ``should/*.ttl`` shapes).

Reported as warnings: a crate may lack them for a stated reason (a workflow given as a folder
has no DownloadAction, a request crate has no sign-off yet).
"""

from __future__ import annotations

from collections.abc import Callable

from fivesafes.core.crate.graph import COMPLETED, FAILED, Entity, Graph
from fivesafes.core.crate.profile_must import PROFILE, Add

RESULT_TYPES = ("MediaObject", "Dataset", "Collection", "DigitalDocument", "PropertyValue")


def _only(ids: list[str], test: Callable[[str], bool]) -> bool:
    """SHACL ``sh:class`` with ``sh:minCount 1``: at least one value, and every value passes."""
    return bool(ids) and all(test(i) for i in ids)


def _ended_has_end_time(g: Graph, add: Add, entity: Entity, rule: str, label: str) -> None:
    if g.status(entity) in (COMPLETED, FAILED) and len(Graph.values(entity, "endTime")) != 1:
        add(rule, entity["@id"], f"{label} SHOULD have the `endTime` property if it has ended.")


def _root_mentions(g: Graph, add: Add, kind: str, rule: str) -> list[Entity]:
    found = g.with_additional_type(kind)
    if not any(e["@id"] in g.mentioned() for e in found):
        add(rule, g.root_id, f"RootDataEntity SHOULD mention a {kind} object.")
    return found


def assess_phases(g: Graph, add: Add) -> None:
    """12_check, 13_validation, 4_sign_off and 8_disclosure."""
    root_id = g.root_id
    for check in _root_mentions(g, add, "CheckValue", "5s.should.check-value"):
        cid = check["@id"]
        if not _only(g.ids(check, "object"), lambda o: o == root_id):
            add("5s.should.check-value", cid,
                "`CheckValue` --> `object` SHOULD point to the root of the RO-Crate")
        if not _only(g.ids(check, "instrument"), lambda i: g.is_a(i, "DefinedTerm")):
            add("5s.should.check-value", cid,
                "`CheckValue` --> `instrument` SHOULD point to an entity typed `DefinedTerm`")
        if not g.ids(check, "agent"):
            add("5s.should.check-value", cid,
                "`CheckValue` --> `agent` SHOULD reference the agent who initiated the check")
    for check in _root_mentions(g, add, "ValidationCheck", "5s.should.validation"):
        if not _only(g.ids(check, "object"), lambda o: o == root_id):
            add("5s.should.validation", check["@id"],
                "`ValidationCheck` --> `object` SHOULD point to the root of the RO-Crate")
        if PROFILE not in g.ids(check, "instrument"):
            add("5s.should.validation", check["@id"], "`ValidationCheck` --> `instrument` "
                f"SHOULD point to an entity with @id {PROFILE}")
    mains = g.ids(g.root, "mainEntity")
    sources = g.ids(g.root, "sourceOrganization")
    signoffs = g.with_additional_type("SignOff")
    if not signoffs:
        add("5s.should.sign-off", root_id, "There SHOULD be a Sign-Off Phase in the Final RO-Crate")
    for signoff in signoffs:
        sid = signoff["@id"]
        if sid not in g.mentioned():
            add("5s.should.sign-off", sid,
                "The Root Data Entity SHOULD mention a Sign-Off Phase Object")
        if not g.ids(signoff, "agent"):
            add("5s.should.sign-off", sid, "The Sign-Off Phase SHOULD have an agent")
        policies = g.ids(signoff, "instrument")
        if not _only(policies, lambda p: g.is_a(p, "CreativeWork")):
            add("5s.should.sign-off", sid, "The Sign-Off Phase SHOULD have an TRE policy "
                "(instrument) with type CreativeWork")
        if not any(isinstance((g.get(p) or {}).get("name"), str) for p in policies):
            add("5s.should.sign-off", sid, "The Sign-Off Phase SHOULD have an TRE policy "
                "(instrument) with a human-readable name")
        if not set(mains) <= set(g.ids(signoff, "object")):
            add("5s.should.sign-off", sid,
                "The Sign-Off Phase SHOULD list the workflow (mainEntity) as an object")
        if not set(sources) <= set(g.ids(signoff, "object")):
            add("5s.should.sign-off", sid, "The Sign-Off Phase SHOULD list the Responsible "
                "Project (sourceOrganization) as an object")
    disclosures = [d for d in g.with_additional_type("DisclosureCheck")
                   if "AssessAction" in g.types(d)]
    if not any(d["@id"] in g.mentioned() for d in disclosures):
        add("5s.should.disclosure", root_id, "`RootDataEntity` SHOULD mention a disclosure object.")
    for kind in ("CheckValue", "ValidationCheck", "SignOff", "DisclosureCheck"):
        for entity in g.with_additional_type(kind):
            if entity.get("actionStatus") is None:
                add(f"5s.should.{kind}", entity["@id"],
                    f"{kind} SHOULD have actionStatus property.")
            _ended_has_end_time(g, add, entity, f"5s.should.{kind}", kind)


def workflow_run(g: Graph, add: Add) -> None:
    """6_workflow_reference, 7_requested_workflow_run, 9_inputs, 10_outputs, 11_execution."""
    for main in g.ids(g.root, "mainEntity"):
        if main.startswith(("http://", "https://")) and not any(
            d.startswith(("http://", "https://")) for d in g.ids(g.get(main), "distribution")
        ):
            add("5s.should.distribution", main, "If mainEntity has an HTTP(S) @id SHOULD have at "
                "least one distribution with an HTTP(S) URL.")
    for action in g.of_type("CreateAction"):
        aid = action["@id"]
        objects = g.ids(action, "object")
        if not objects:
            add("5s.should.object", aid,
                "`CreateAction` SHOULD have the property `object` with IRI values.")
        for obj in objects:
            if not any(g.is_a(p, "FormalParameter") for p in g.ids(g.get(obj), "exampleOfWork")):
                add("5s.should.inputs", obj,
                    "Input SHOULD reference a FormalParameter using exampleOfWork")
        if g.status(action) == COMPLETED and not Graph.values(action, "result"):
            add("5s.should.result", aid,
                "`CreateAction` with CompletedActionStatus SHOULD have the `result` property.")
        for result in g.ids(action, "result"):
            if not g.is_a(result, *RESULT_TYPES):
                add("5s.should.result-type", result,
                    "Result SHOULD have a `@type` among an allowed set of values.")
        _ended_has_end_time(g, add, action, "5s.should.execution", "The workflow execution")
    downloads = g.of_type("DownloadAction")
    if not downloads:
        add("5s.should.download", g.root_id, "An entity typed DownloadAction SHOULD exist.")
    for action in downloads:
        if action["@id"] not in g.mentioned():
            add("5s.should.download", action["@id"],
                "RootDataEntity SHOULD mention DownloadAction if this exists.")
        if action.get("actionStatus") is None:
            add("5s.should.download", action["@id"],
                "`DownloadAction` SHOULD have `actionStatus` property.")
        _ended_has_end_time(g, add, action, "5s.should.download", "`DownloadAction`")


def agents_and_root(g: Graph, add: Add) -> None:
    """1_requesting_agent, 1_responsible_project, 2_requesting_agent, 5_profile_conformance."""
    for action in g.of_type("CreateAction"):
        for agent_id in g.ids(action, "agent"):
            agent = g.get(agent_id)
            if not Graph.values(agent, "memberOf"):
                add("5s.should.agent", agent_id,
                    "The Requesting Agent SHOULD have a `memberOf` property.")
            affiliations = set(g.ids(agent, "affiliation"))
            if not affiliations:
                add("5s.should.agent", agent_id,
                    "The agent of a CreateAction entity SHOULD have an affiliation")
            members = {m for p in g.ids(agent, "memberOf") for m in g.ids(g.get(p), "member")}
            if affiliations and members and not affiliations & members:
                add("5s.should.agent", agent_id, "At least one of the organisations that are "
                    "members of the responsible project SHOULD be included in the Requesting "
                    "Agent's affiliations, if such properties exist.")
    root = g.root
    if PROFILE not in g.ids(root, "conformsTo"):
        add("5s.should.conforms-to", g.root_id,
            f"Root Dataset SHOULD include `conformsTo` {PROFILE}")
    if Graph.values(root, "publisher"):
        for prop in ("datePublished", "license"):
            if not Graph.values(root, prop):
                add("5s.should.published", g.root_id, f"Published crates SHOULD include {prop}.")


def check_should(g: Graph, add: Add) -> None:
    for rule in (assess_phases, workflow_run, agents_and_root):
        rule(g, add)
