"""The pure parts of running CWL: the interface read from a document, the job built from the
request's inputs, the output object's files; and copying outputs from the shared folder."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from fivesafes.adapters.executors.base import ExecutorFailed
from fivesafes.adapters.executors.cwl_outputs import collect_outputs
from fivesafes.core.cwl.interface import CwlError, interface, parse_type
from fivesafes.core.cwl.job import build_job
from fivesafes.core.cwl.outputs import format_media_type, output_items
from fivesafes.core.cwl.references import remote_references
from fivesafes.models.workflow import Input

DOC = {
    "cwlVersion": "v1.2", "class": "Workflow",
    "$namespaces": {"edam": "http://edamontology.org/"},
    "inputs": {"table": "File", "n": {"type": "int", "default": 3}, "flag": "boolean?",
               "names": "string[]", "mode": {"type": {"type": "enum", "symbols": ["a", "b"]}},
               "ratio": "double?"},
    "outputs": [{"id": "#main/out", "type": "File", "format": "edam:format_3752"}],
}


def test_the_interface_normalises_every_way_cwl_writes_a_type() -> None:
    iface = interface(DOC)
    assert iface.version == "v1.2"
    described = {p.name: (p.type.describe(), p.required) for p in iface.inputs}
    assert described == {"table": ("File", True), "n": ("int", False),
                         "flag": ("boolean?", False), "names": ("string[]", True),
                         "mode": ("enum", True), "ratio": ("double?", False)}
    assert iface.outputs[0].name == "out"
    assert iface.outputs[0].format == "http://edamontology.org/format_3752"
    assert parse_type(["null", "File"]).optional
    assert parse_type({"type": "array", "items": "int"}).array
    assert parse_type({"type": "record", "fields": []}).base == "unsupported"
    assert parse_type(["int", "string"]).base == "unsupported"


def test_a_packed_document_runs_its_main_process() -> None:
    packed = {"cwlVersion": "v1.0", "$graph": [
        {"id": "#tool", "class": "CommandLineTool", "inputs": [], "outputs": []},
        {"id": "#main", "class": "Workflow", "inputs": [{"id": "#main/x", "type": "int"}],
         "outputs": []}]}
    assert [p.name for p in interface(packed).inputs] == ["x"]


@pytest.mark.parametrize(("doc", "message"), [
    ({"cwlVersion": "draft-3", "class": "Workflow"}, "cwlVersion 'draft-3'"),
    ({"cwlVersion": "v1.2", "class": "Operation"}, "is a CWL 'Operation'"),
    ({"cwlVersion": "v1.2", "$graph": []}, "no process with id #main"),
])
def test_documents_that_cannot_run_are_refused(doc: dict[str, object], message: str) -> None:
    with pytest.raises(CwlError, match=message):
        interface(doc)


def test_values_are_coerced_to_the_cwl_types() -> None:
    inputs = [Input(name="table", file="t.csv"), Input(name="n", value="7"),
              Input(name="flag", value="true"), Input(name="names", value="alpha"),
              Input(name="mode", value="b"), Input(name="ratio", value=2)]
    job = build_job(interface(DOC), inputs, {"table": {"class": "File", "location": "t"}})
    assert job == {"table": {"class": "File", "location": "t"}, "n": 7, "flag": True,
                   "names": ["alpha"], "mode": "b", "ratio": 2.0}


def test_every_problem_is_named_at_once() -> None:
    inputs = [Input(name="n", value=True), Input(name="mode", value="c"),
              Input(name="extra", value=1), Input(name="flag", file="f.txt")]
    with pytest.raises(CwlError) as caught:
        build_job(interface(DOC), inputs, {"flag": {"class": "File", "location": "f"}})
    text = str(caught.value)
    for part in ("'n': a boolean is not an integer", "'mode': 'c' is not one of a, b",
                 "'extra' is not an input", "'flag': it is a boolean?, not a file",
                 "required input 'table' (File)", "required input 'names' (string[])"):
        assert part in text


def test_media_types_come_from_the_cwl_format() -> None:
    iana = "https://www.iana.org/assignments/media-types/"
    assert format_media_type(iana + "application/json", "x.bin") == "application/json"
    assert format_media_type("http://edamontology.org/format_3475", "x") == \
        "text/tab-separated-values"
    assert format_media_type("http://example.org/unknown", "x.csv") == "text/csv"
    assert format_media_type(None, "x.png") == "image/png"


def test_output_items_place_each_output_in_its_own_folder() -> None:
    items = output_items({
        "b": [{"class": "File", "location": "file:///s/1.csv", "basename": "1.csv"},
              {"class": "File", "location": "file:///s/2.csv",
               "secondaryFiles": [{"class": "File", "location": "file:///s/2.csv.idx"}]}],
        "a": {"class": "Directory", "location": "file:///s/d"}, "n": 3, "none": None})
    assert [i.relative for i in items] == ["a/d", "b/1.csv", "b/2.csv", "b/2.csv.idx"]
    with pytest.raises(CwlError, match=r"two files would both be x/1\.csv"):
        output_items({"x": [{"class": "File", "location": "file:///s/1.csv"},
                            {"class": "File", "location": "file:///t/1.csv"}]})
    with pytest.raises(CwlError, match="unusable basename"):
        output_items({"x": {"class": "File", "location": "file:///s/a", "basename": "../a"}})


def _file(path: Path, **more: object) -> dict[str, object]:
    return {"class": "File", "location": path.as_uri(), **more}


def test_outputs_are_copied_from_the_shared_folder_with_their_hashes(tmp_path: Path) -> None:
    shared, outputs = tmp_path / "shared", tmp_path / "outputs"
    (shared / "run" / "d" / "sub").mkdir(parents=True)
    data = b"a,b\n1,2\n"
    (shared / "run" / "t.csv").write_bytes(data)
    (shared / "run" / "d" / "sub" / "x.txt").write_bytes(b"x")
    sha1 = "sha1$" + hashlib.sha1(data).hexdigest()
    results = collect_outputs({
        "table": _file(shared / "run" / "t.csv", size=len(data), checksum=sha1),
        "folder": {"class": "Directory", "location": (shared / "run" / "d").as_uri()}},
        shared, outputs)
    assert [(r.path, r.size, r.media_type) for r in results] == [
        ("folder/d/sub/x.txt", 1, "text/plain"), ("table/t.csv", len(data), "text/csv")]
    assert results[1].sha512 == hashlib.sha512(data).hexdigest()
    assert (outputs / "table" / "t.csv").read_bytes() == data


@pytest.mark.parametrize(("case", "message"), [
    ("size", "the engine reported 99 bytes, 8 were read"),
    ("checksum", "differ from the checksum the engine reported"),
    ("link", "lies outside the shared folder"),
    ("scheme", "is at s3 location"),
    ("inner-link", "is not a regular file in the shared folder"),
])
def test_outputs_that_do_not_check_out_are_refused(tmp_path: Path, case: str,
                                                   message: str) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    secret = tmp_path / "runner-secret.txt"
    secret.write_text("not an output")
    (shared / "t.csv").write_bytes(b"a,b\n1,2\n")
    os.symlink(secret, shared / "escape.txt")
    (shared / "d").mkdir()
    os.symlink(secret, shared / "d" / "escape.txt")
    objects: dict[str, dict[str, Any]] = {
        "size": {"o": _file(shared / "t.csv", size=99)},
        "checksum": {"o": _file(shared / "t.csv", checksum="sha1$" + "0" * 40)},
        "link": {"o": _file(shared / "escape.txt")},
        "scheme": {"o": {"class": "File", "location": "s3://bucket/t.csv"}},
        "inner-link": {"o": {"class": "Directory", "location": (shared / "d").as_uri()}},
    }
    with pytest.raises(ExecutorFailed, match=message):
        collect_outputs(objects[case], shared, tmp_path / "outputs")


def test_references_the_engine_would_fetch_are_found() -> None:
    doc = {"steps": {"a": {"run": "tools/a.cwl"}, "b": {"run": "https://example.org/b.cwl"},
                     "c": {"run": {"class": "CommandLineTool", "requirements": [
                         {"$import": "http://example.org/req.yml"}]}}},
           "$schemas": ["file:///etc/schema.rdf"],
           "doc": "see https://www.commonwl.org/", "format": "http://edamontology.org/x"}
    assert remote_references(doc) == ["file:///etc/schema.rdf", "http://example.org/req.yml",
                                      "https://example.org/b.cwl"]
    assert remote_references({"steps": {"a": {"run": "#main/tool"}}}) == []
