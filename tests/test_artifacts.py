"""Facts derived from code artifacts (core/artifacts.py): real files in a tmp repository."""

from __future__ import annotations

import json
import time
from pathlib import Path

from mkdocs_coherence.core.artifacts import derive
from mkdocs_coherence.core.loader.limits import Limits

OPENAPI_30 = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Customer:
      type: object
      required: [id, status]
      properties:
        id: {type: string, format: uuid}
        status: {$ref: '#/components/schemas/Status'}
        email: {type: string, nullable: true}
        address: {$ref: 'common.yaml#/Address'}
        orders: {type: array, items: {$ref: '#/components/schemas/Order'}}
        parent: {$ref: '#/components/schemas/Customer'}
    Status: {$ref: '#/components/schemas/StatusInner'}
    StatusInner: {type: string, enum: [active, suspended, closed]}
    Order:
      allOf:
        - {$ref: '#/components/schemas/Base'}
        - {type: object, properties: {total: {type: integer}}}
    Base: {type: object, required: [id], properties: {id: {type: string}}}
"""


def _derive(root: Path, source: str, **kwargs):
    return derive(source, root / "docs" / "contracts" / "c.md", root, **kwargs)


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_openapi_30_ref_chains_allof_nested_arrays_and_a_cycle(tmp_path):
    root = _repo(tmp_path, {"api/openapi.yaml": OPENAPI_30,
                            "api/common.yaml": "Address: {type: object, properties: {city: {type: string}}}\n"})
    artifact = _derive(root, "../../api/openapi.yaml#/components/schemas/Customer")
    assert artifact.ok, artifact.problems
    assert artifact.facts == {
        "customer.id": "uuid", "customer.status": ["active", "suspended", "closed"],
        "customer.email": "string", "customer.address": "object", "customer.address.city": "string",
        "customer.orders": "array<object>", "customer.orders.id": "string", "customer.orders.total": "integer",
        "customer.parent": "object",  # the cyclic $ref ends at its first repeat
    }
    assert artifact.required == {"customer.id", "customer.status", "customer.orders.id"}
    assert artifact.nullable == {"customer.email"}
    assert artifact.repo_path == "api/openapi.yaml"


def test_openapi_31_type_lists_and_a_prefix(tmp_path):
    root = _repo(tmp_path, {"api/openapi.yaml": """\
openapi: 3.1.0
info: {title: t, version: "1"}
components:
  schemas:
    Profile:
      type: object
      properties:
        nickname: {type: [string, "null"]}
        contact: {oneOf: [{type: string, format: email}, {type: integer}]}
"""})
    artifact = _derive(root, "../../api/openapi.yaml#/components/schemas/Profile", prefix="customer")
    assert artifact.facts == {"customer.nickname": "string", "customer.contact": "email|integer"}
    assert artifact.nullable == {"customer.nickname"}


def test_json_schema_2020_12_in_json_with_defs_and_a_sibling_file(tmp_path):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Trip", "type": "object",
              "properties": {"currency": {"$ref": "#/$defs/Currency"}, "legs": {"type": "array", "items": {"type": "string"}},
                             "owner": {"$ref": "person.json"}},
              "$defs": {"Currency": {"enum": ["EUR", "USD"]}}}
    root = _repo(tmp_path, {"schemas/trip.json": json.dumps(schema),
                            "schemas/person.json": json.dumps({"type": "object", "properties": {"name": {"type": "string"}}})})
    artifact = _derive(root, "../../schemas/trip.json")
    assert artifact.ok, artifact.problems
    assert artifact.facts == {"trip.currency": ["EUR", "USD"], "trip.legs": "array<string>",
                              "trip.owner": "object", "trip.owner.name": "string"}


def test_refs_leaving_the_repository_or_going_online_are_refused(tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text("X: {type: object, properties: {leaked: {type: string}}}\n")
    root = _repo(tmp_path / "repo", {"api/s.yaml": """\
A: {type: object, properties: {x: {$ref: '../../secret.yaml#/X'}}}
B: {type: object, properties: {x: {$ref: 'https://example.com/s.json#/X'}}}
"""})
    a = _derive(root, "../../api/s.yaml#/A")
    assert "outside the repository" in a.problems[0] and "a.x.leaked" not in a.facts
    b = _derive(root, "../../api/s.yaml#/B")
    assert "never fetched" in b.problems[0]
    assert "outside the repository" in _derive(root, "../../../secret.yaml#/X").problems[0]
    assert "URL" in _derive(root, "https://example.com/s.yaml").problems[0]


def test_a_link_out_of_the_repository_is_refused(tmp_path):
    (tmp_path / "secret.yaml").write_text("X: {type: string}\n")
    root = tmp_path / "repo"
    (root / "api").mkdir(parents=True)
    (root / "api" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    assert "outside the repository" in _derive(root, "../../api/link.yaml#/X").problems[0]


def test_bad_files_and_pointers_are_problems_not_tracebacks(tmp_path):
    root = _repo(tmp_path, {"api/bad.yaml": "a: [unclosed\n", "api/bad.json": "{nope", "api/ok.yaml": "A: {type: string}\n",
                            "api/openapi.yaml": OPENAPI_30})
    assert "not valid YAML at line" in _derive(root, "../../api/bad.yaml").problems[0]
    assert "not valid JSON" in _derive(root, "../../api/bad.json").problems[0]
    assert "does not exist" in _derive(root, "../../api/missing.yaml").problems[0]
    assert "points to nothing" in _derive(root, "../../api/ok.yaml#/B").problems[0]
    assert "point `source` at one schema" in _derive(root, "../../api/openapi.yaml").problems[0]


def test_a_huge_schema_is_bounded(tmp_path):
    properties = {f"p{i}": {"type": "string"} for i in range(40_000)}
    root = _repo(tmp_path, {"api/huge.json": json.dumps({"type": "object", "properties": properties})})
    started = time.perf_counter()
    artifact = _derive(root, "../../api/huge.json", limits=Limits(expanded_nodes=10_000))  # 100,000 nodes
    assert time.perf_counter() - started < 10
    assert artifact.problems and "nodes" in artifact.problems[0]
    # within the file budget, the facts budget still bounds the walk
    small = _derive(root, "../../api/huge.json", limits=Limits(expanded_nodes=1_000))
    assert small.problems
    root2 = _repo(tmp_path / "r2", {"api/many.json": json.dumps(
        {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(5_000)}})})
    bounded = _derive(root2, "../../api/many.json", limits=Limits(expanded_nodes=2_000))
    assert "more than 2,000 facts" in bounded.problems[0] and len(bounded.facts) <= 2_000


def test_a_yaml_alias_bomb_is_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 10)]
    root = _repo(tmp_path, {"api/bomb.yaml": "\n".join(lines) + "\n"})
    assert "nodes" in _derive(root, "../../api/bomb.yaml#/a9").problems[0]


def test_openapi_31_ref_chains_allof_and_a_cycle_through_two_schemas(tmp_path):
    root = _repo(tmp_path, {"api/openapi.json": json.dumps({
        "openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "components": {"schemas": {
            "Team": {"allOf": [{"$ref": "#/components/schemas/Named"},
                               {"type": "object", "required": ["lead"],
                                "properties": {"lead": {"$ref": "#/components/schemas/Person"},
                                               "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}}]},
            "Named": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "Person": {"type": "object", "properties": {"team": {"$ref": "#/components/schemas/Team"},
                                                         "born": {"type": ["string", "null"], "format": "date"}}},
            "Tag": {"$ref": "#/components/schemas/TagInner"},
            "TagInner": {"type": "object", "properties": {"label": {"const": "x"}}}}}})})
    artifact = _derive(root, "../../api/openapi.json#/components/schemas/Team")
    assert artifact.ok, artifact.problems
    assert artifact.facts == {"team.name": "string", "team.lead": "object", "team.lead.team": "object",
                              "team.lead.born": "date", "team.tags": "array<object>", "team.tags.label": ["x"]}
    assert artifact.required == {"team.name", "team.lead"} and artifact.nullable == {"team.lead.born"}
    assert artifact.roles == frozenset()  # no operation uses it


def test_json_schema_2020_12_in_yaml_allof_and_a_cycle_across_files(tmp_path):
    root = _repo(tmp_path, {
        "schemas/node.yaml": """\
$schema: https://json-schema.org/draft/2020-12/schema
title: Node
allOf:
  - {$ref: 'parts/base.yaml'}
  - type: object
    properties:
      children: {type: array, items: {$ref: 'parts/link.yaml'}}
      meta: {type: object, properties: {depth: {type: integer}}}
""",
        "schemas/parts/base.yaml": "type: object\nrequired: [id]\nproperties: {id: {type: string, format: uuid}}\n",
        "schemas/parts/link.yaml": "type: object\nproperties:\n  target: {$ref: '../node.yaml'}\n  weight: {type: number}\n"})
    artifact = _derive(root, "../../schemas/node.yaml")
    assert artifact.ok, artifact.problems
    assert artifact.facts == {"node.id": "uuid", "node.children": "array<object>", "node.children.target": "object",
                              "node.children.weight": "number", "node.meta": "object", "node.meta.depth": "integer"}
    assert artifact.required == {"node.id"} and artifact.roles is None
    assert sorted(Path(f).relative_to(root).as_posix() for f in artifact.files) == [
        "schemas/node.yaml", "schemas/parts/base.yaml", "schemas/parts/link.yaml"]  # what staleness follows


def test_where_an_openapi_schema_is_used(tmp_path):
    from mkdocs_coherence.core.artifacts import roles

    document = {"openapi": "3.0.3", "paths": {
        "/a": {"post": {"requestBody": {"$ref": "#/components/requestBodies/NewA"},
                        "responses": {"200": {"content": {"application/json": {"schema": {
                            "type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}}}}}}}},
        "components": {"requestBodies": {"NewA": {"content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/A"}}}}},
            "schemas": {"A": {"type": "object"}, "B": {"type": "object"}, "C": {"type": "object"}}}}
    assert roles(document, "/components/schemas/A") == {"request"}  # through a requestBodies $ref
    assert roles(document, "/components/schemas/B") == {"response"}  # nested in a response schema
    assert roles(document, "/components/schemas/C") == frozenset()
    assert roles(document, "/paths/~1a/post/requestBody/content/application~1json/schema") == {"request"}


def test_unreadable_files_are_problems(tmp_path):
    root = _repo(tmp_path, {"api/latin1.yaml": ""})
    (root / "api" / "latin1.yaml").write_bytes("A: {type: string, description: caf\xe9}\n".encode("latin-1"))
    (root / "api" / "folder.yaml").mkdir()
    assert "not UTF-8" in _derive(root, "../../api/latin1.yaml#/A").problems[0]
    assert "cannot be read" in _derive(root, "../../api/folder.yaml#/A").problems[0]
