"""Safe People and Safe Projects in the decisions: the registry, accreditation, project dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.engine_world import APPROVE, POLICY, World, records, removed

from fivesafes.adapters.ledger.file import write_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.core.engine.plan import Comment
from fivesafes.core.facts.json_form import facts_to_json

REGISTRY = b"""
[people.alice]
name = "Alice Approver"
orcid = "https://orcid.org/0000-0003-1234-5674"
affiliation = "https://ror.org/027m9bs27"
affiliation-name = "University of Manchester"
email = "alice@example.org"

[[people.alice.accreditation]]
name = "Safe Researcher Training"
expires = 2027-06-30
awarded = 2024-07-01
issuer = "Example TRE"

[people.bob]
name = "Bob Steward"
orcid = "0000-0002-7654-3218"

[[people.bob.accreditation]]
name = "Safe Researcher Training"
expires = 2025-01-31

[people.Codertocat]
name = "Cody Researcher"
orcid = "https://orcid.org/0000-0002-1825-0097"

[[people.Codertocat.accreditation]]
name = "Safe Researcher Training"
expires = 2026-01-02
"""
ONE_ACCREDITED = POLICY.replace(b"required = 2\n\n[phases.disclosure]",
                                b'required = 1\nrequires-accreditation = ["Safe Researcher '
                                b'Training"]\n\n[phases.disclosure]') + REGISTRY


@pytest.fixture
def w() -> World:
    world = World()
    world.policy = ONE_ACCREDITED
    world.run(world.opened())
    return world


def comment(plan: object) -> str:
    return next(e.body for e in plan.effects if isinstance(e, Comment))  # type: ignore[attr-defined]


def test_an_accredited_approver_counts_and_is_recorded_by_orcid(w: World) -> None:
    assert w.run(w.label(APPROVE, "alice")).outcome == "completed"
    plan = w.run(w.merge())
    signoff = next(r for r in records(plan) if r["phase"] == "sign-off")
    assert signoff["agents"] == [{
        "login": "alice", "kind": "person", "role": "approver",
        "id": "https://orcid.org/0000-0003-1234-5674",
        "orcid": "https://orcid.org/0000-0003-1234-5674", "name": "Alice Approver"}]
    assert w.record.action[-1].agents[0].orcid == "https://orcid.org/0000-0003-1234-5674"


def test_an_expired_accreditation_is_refused_explained_and_recorded(w: World) -> None:
    plan = w.run(w.label(APPROVE, "bob"))
    assert plan.outcome == "refused"
    why = "@bob's Safe Researcher Training expired on 2025-01-31"
    assert why in plan.reason
    assert why in comment(plan)
    assert removed(plan) == [APPROVE]
    entry = w.record.action[-1]
    assert (entry.phase, entry.status) == ("sign-off", "refused")
    assert why in entry.reason
    assert entry.agents[0].orcid == "https://orcid.org/0000-0002-7654-3218"


def test_an_unregistered_approver_is_not_counted(w: World) -> None:
    plan = w.run(w.review("carol"))
    assert plan.outcome == "refused"
    assert "@carol is not in the policy's people registry" in plan.reason
    assert w.record.action[-1].status == "refused"
    assert w.plan(w.merge()).outcome == "refused"  # nothing was signed off


def test_without_a_requirement_the_registry_only_names_people() -> None:
    w = World()
    w.policy = POLICY + REGISTRY
    w.run(w.opened())
    w.run(w.label(APPROVE, "bob"))  # expired, but the phase requires nothing
    assert w.run(w.review("carol")).outcome == "completed"
    signoff = next(r for r in records(w.run(w.merge())) if r["phase"] == "sign-off")
    assert [(a["login"], a["id"]) for a in signoff["agents"]] == [
        ("bob", "https://orcid.org/0000-0002-7654-3218"), ("carol", "https://github.com/carol")]


def _dates(w: World, start: str, end: str) -> None:
    path = "resources/governance/project.toml"
    text = w.files[path].decode()
    text = text.replace("start-date = 2026-01-01", f"start-date = {start}")
    w.files[path] = text.replace("end-date = 2027-12-31", f"end-date = {end}").encode()


def test_a_sign_off_after_the_project_ended_is_not_counted() -> None:
    w = World()
    _dates(w, "2025-01-01", "2025-12-31")
    w.run(w.opened())
    plan = w.run(w.label(APPROVE, "alice"))
    assert plan.outcome == "refused"
    assert "after the project ended on 2025-12-31" in plan.reason
    assert w.record.action[-1].status == "refused"


def test_a_sign_off_before_the_project_starts_is_not_counted() -> None:
    w = World()
    _dates(w, "2026-02-01", "2027-12-31")
    w.run(w.opened())
    w.run(w.label(APPROVE, "alice"))
    plan = w.run(w.review("carol"))
    assert plan.outcome == "refused"
    assert "before the project starts on 2026-02-01" in plan.reason
    assert "0 of 2" in comment(plan)


def test_researchers_must_be_accredited_at_sign_off(w: World) -> None:
    w.policy = ONE_ACCREDITED.replace(b"[people.alice]", b'[researchers]\nrequires-accreditation'
                                      b' = ["Safe Researcher Training"]\n\n[people.alice]')
    assert w.run(w.label(APPROVE, "alice")).outcome == "completed"  # on 2026-01-02
    w.label_events.clear()
    w.labels.clear()
    w.clock = 0
    w.tick = lambda: "2026-01-03T10:00:00Z"  # type: ignore[method-assign]
    plan = w.run(w.label(APPROVE, "alice"))
    assert plan.outcome == "refused"
    assert "researcher @Codertocat's Safe Researcher Training expired on 2026-01-02" \
        in plan.reason


def test_handle_with_facts_then_crate_build_names_the_approver_by_orcid(
        w: World, tmp_path: Path) -> None:
    """As a reviewer would try it: `handle --facts`, record, `crate build`."""
    w.label(APPROVE, "alice")
    event, facts = tmp_path / "event.json", tmp_path / "facts.json"
    event.write_text(json.dumps(w.last_payload[1]))
    facts.write_text(json.dumps(facts_to_json(w.facts())))
    result = CliRunner().invoke(cli, ["handle", "--event-name", "pull_request", "--event",
                                      str(event), "--facts", str(facts), "--dry-run", "--json"])
    assert json.loads(result.output)["outcome"] == "completed", result.output
    w.run(w.merge())
    root = tmp_path / "project"
    for path, data in {**w.files, layout.POLICY: ONE_ACCREDITED}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    write_record(root, w.record)
    result = CliRunner().invoke(cli, ["crate", "build", str(root)])
    assert result.exit_code == 0, result.output
    graph = {e["@id"]: e for e in json.loads(
        (root / "crate" / "ro-crate-metadata.json").read_text())["@graph"]}
    signoff = next(e for e in graph.values() if e.get("additionalType") == {
        "@id": "https://w3id.org/shp#SignOff"})
    assert signoff["agent"] == {"@id": "https://orcid.org/0000-0003-1234-5674"}
    alice = graph["https://orcid.org/0000-0003-1234-5674"]
    assert alice["@type"] == "Person"
    assert alice["name"] == "Alice Approver"
    assert alice["sameAs"] == {"@id": "https://github.com/alice"}
    assert alice["affiliation"] == {"@id": "https://ror.org/027m9bs27"}
    assert "email" not in alice
    assert "alice@example.org" not in json.dumps(graph)
    assert "Safe Researcher Training" in graph[signoff["instrument"]["@id"]]["description"]


def test_a_sign_off_after_the_data_sharing_agreement_expired_is_not_counted() -> None:
    w = World()
    path = "resources/governance/project.toml"
    w.files[path] = w.files[path].replace(b"[[project.identifiers]]", (
        b'[project.data-sharing-agreement]\nidentifier = "DSA-1"\nexpires = 2026-01-01\n\n'
        b"[[project.identifiers]]"))
    w.run(w.opened())
    plan = w.run(w.label(APPROVE, "alice"))  # on 2026-01-02
    assert plan.outcome == "refused"
    assert "the data sharing agreement DSA-1 expired on 2026-01-01" in plan.reason


def test_people_who_can_never_count_are_not_asked(w: World) -> None:
    plan = w.plan(w.opened())
    needed = next(line for line in comment(plan).splitlines() if line.startswith("**Needed"))
    assert "@alice" in needed
    assert "@bob" in needed  # registered and trained once: renewing makes them count again
    w.policy = ONE_ACCREDITED.replace(b'[[people.bob.accreditation]]\nname = "Safe Researcher',
                                      b'[[people.bob.accreditation]]\nname = "Other')
    needed = next(line for line in comment(w.plan(w.opened())).splitlines()
                  if line.startswith("**Needed"))
    assert "@bob" not in needed
    assert "@alice" in needed
