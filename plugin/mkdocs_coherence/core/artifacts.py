"""Facts read from a code artifact: an OpenAPI 3.x or JSON Schema file (DESIGN §4 v1.1 `source`).

A contract's `source: ../../api/openapi.yaml#/components/schemas/Customer` names a schema in
a file of the repository. The facts are derived from it, one per property path:

- `customer.status: [active, suspended]` for an enum (lists compare as sets);
- `customer.id: uuid` for a string with a `format`, else the type (`string`, `integer`,
  `object`, `array<string>`); `oneOf`/`anyOf` become alternatives (`string|integer`);
- nested objects give dotted names (`customer.address.city`), the items of an array of
  objects `[]` (`customer.orders[].id`, written `customer.orders.id` in `defines`: see
  `fact_name`); `allOf` is merged; which properties are `required` and `nullable` is kept.

`$ref` is resolved by `referencing` (the resolver behind `jsonschema`) over a registry whose
only retrieval reads files under the repository root: a reference leaving it, or any URL, is
refused, never fetched. A cyclic reference ends at the first repeat. What one artifact may
cost is bounded by the front-matter `Limits` (file size; node and depth budgets scaled for
schema files): past a limit the problem is reported and nothing more is read.

Pure: no MkDocs, no writes; `read` is the only way bytes come in, so the same derivation
reads the working tree (the check) and a git revision (breaking-change at a base).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import yaml

from mkdocs_coherence.core.loader.limits import DEFAULT_LIMITS, Limits

# Schema files are far larger than front-matter: an OpenAPI file of a big service holds tens of
# thousands of nodes. The budgets below are the front-matter ones scaled, and documented.
NODE_FACTOR = 10  # nodes of one artifact (after YAML alias expansion): limits.expanded_nodes × 10
DEPTH_FACTOR = 2  # nesting of mappings and lists: limits.nesting_depth × 2

Reader = Callable[[Path], "bytes | None"]  # absolute path -> bytes, or None when absent


class ArtifactError(Exception):
    """An artifact that cannot be read: the reason, said to the user."""


@dataclass
class Artifact:
    """What a `source` yields: facts, which of them are required or nullable, and problems."""

    path: str  # as written, without the pointer
    pointer: str  # JSON pointer, '' for the whole file
    repo_path: str | None = None  # the file relative to the repository root, `/`-separated
    prefix: str = ""  # the fact namespace: every derived fact starts with `prefix.`
    facts: dict[str, Any] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    nullable: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)  # each one sentence: what is wrong, what to do
    files: list[str] = field(default_factory=list)  # absolute paths of every file read (the source, its $refs)
    # Where an OpenAPI document uses the schema: 'request' (a request body reaches it), 'response';
    # None for a JSON Schema file, which validates whatever it is given (breaking-change reads it
    # as a request: a stricter schema rejects what was valid).
    roles: frozenset[str] | None = None

    def owns(self, fact: str) -> bool:
        """Is `fact` in this artifact's namespace (the code is the truth there)?"""
        return bool(self.prefix) and (fact == self.prefix or fact.startswith(self.prefix + "."))

    @property
    def ok(self) -> bool:
        return not self.problems


def split_source(text: str) -> tuple[str, str]:
    """`../api.yaml#/components/schemas/Customer` -> ('../api.yaml', '/components/schemas/Customer')."""
    path, _, pointer = text.partition("#")
    return path.strip(), unquote(pointer.strip())


def _snake(name: str) -> str:
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    text = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")
    return text.lower() or "schema"


def default_prefix(path: str, pointer: str, schema: Any) -> str:
    """The fact namespace when the contract names none: the schema's name (`Customer` ->
    `customer`), else its `title`, else the file's stem."""
    last = pointer.rstrip("/").rsplit("/", 1)[-1] if pointer.strip("/") else ""
    if last:
        return _snake(last.replace("~1", "/").replace("~0", "~"))
    if isinstance(schema, dict) and isinstance(schema.get("title"), str) and schema["title"].strip():
        return _snake(schema["title"])
    return _snake(Path(path).stem)


# --- reading one file, bounded ------------------------------------------------------------


def _parse(data: bytes, name: str, limits: Limits) -> Any:
    from mkdocs_coherence.core.loader.yaml_block import (
        _check_expansion, _ExpansionTooLarge, _RecursiveAlias, _SafeLoader, _TooDeep, measure_events)

    if len(data) > limits.file_bytes:
        raise ArtifactError(f"{name} is {len(data):,} bytes, over the limit of {limits.file_bytes:,} (option "
                            "`limits.file_bytes`); split the schema or raise the limit")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArtifactError(f"{name} is not UTF-8 ({error.reason} at byte {error.start}); save it as UTF-8") from None
    depth, nodes = limits.nesting_depth * DEPTH_FACTOR, limits.expanded_nodes * NODE_FACTOR
    if name.lower().endswith(".json"):
        try:
            value = json.loads(text)
        except RecursionError:
            raise ArtifactError(f"{name} nests deeper than {depth} levels; flatten it with $ref") from None
        except ValueError as error:
            raise ArtifactError(f"{name} is not valid JSON ({error}); fix the file") from None
        _bounded_json(value, name, depth, nodes)
        return value
    try:
        measure_events(text, _SafeLoader, depth)
        root = yaml.compose(text, Loader=_SafeLoader)
        if root is None:
            return None
        _check_expansion(root, nodes, depth)
        return yaml.load(text, Loader=_SafeLoader)
    except _TooDeep:
        raise ArtifactError(f"{name} nests deeper than {depth} levels (`limits.nesting_depth` × {DEPTH_FACTOR}); "
                            "flatten it with $ref") from None
    except _ExpansionTooLarge:
        raise ArtifactError(f"{name} has more than {nodes:,} nodes (`limits.expanded_nodes` × {NODE_FACTOR}), aliases "
                            "expanded; split the schema or raise the limit") from None
    except _RecursiveAlias:
        raise ArtifactError(f"{name} has a YAML alias inside itself; remove the recursive alias") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise ArtifactError(f"{name} is not valid YAML{where} ({problem}); fix the file") from None


def _bounded_json(value: Any, name: str, depth: int, nodes: int) -> None:
    count, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        count += 1
        if count > nodes:
            raise ArtifactError(f"{name} has more than {nodes:,} nodes (`limits.expanded_nodes` × {NODE_FACTOR}); "
                                "split the schema or raise the limit")
        if level > depth:
            raise ArtifactError(f"{name} nests deeper than {depth} levels; flatten it with $ref")
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)


def _disk(path: Path) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except FileNotFoundError:
        return None


# --- the registry: files of the repository, nothing else -----------------------------------


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class _Files:
    """Parsed files by absolute path, read through `read`, refused outside `root`."""

    def __init__(self, root: Path, read: Reader, limits: Limits, follow_links: bool) -> None:
        self.root = os.path.normpath(str(root))
        self.real_root = os.path.realpath(self.root)
        self.read, self.limits, self.follow_links = read, limits, follow_links
        self.parsed: dict[str, Any] = {}

    def shown(self, path: str) -> str:
        return os.path.relpath(path, self.root).replace(os.sep, "/") if _inside(path, self.root) else path

    def load(self, path: str) -> Any:
        path = os.path.normpath(path)
        if path in self.parsed:
            return self.parsed[path]
        if not _inside(path, self.root) or (
                self.follow_links and os.path.lexists(path) and not _inside(os.path.realpath(path), self.real_root)):
            raise ArtifactError(f"'{path}' is outside the repository; a schema is read only from files of this "
                                "repository — copy it in")
        try:
            data = self.read(Path(path))
        except OSError as error:  # a folder, no permission, an I/O error: said, never raised
            raise ArtifactError(f"{self.shown(path)} cannot be read ({error.strerror or type(error).__name__}); "
                                "point `source` at a readable schema file") from None
        if data is None:
            raise ArtifactError(f"{self.shown(path)} does not exist; correct the path")
        self.parsed[path] = _parse(data, self.shown(path), self.limits)
        return self.parsed[path]

    def retrieve(self, uri: str):
        from referencing import Resource
        from referencing.jsonschema import DRAFT202012

        parts = urlsplit(uri)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ArtifactError(f"$ref '{uri}' is not a file of this repository; it is never fetched — copy the "
                                "schema into the repository and reference it by a relative path")
        contents = self.load(unquote(parts.path))
        return Resource.from_contents(contents, default_specification=DRAFT202012)


# --- deriving facts --------------------------------------------------------------------


class _Walk:
    def __init__(self, artifact: Artifact, budget: int, depth: int) -> None:
        self.artifact, self.budget, self.depth = artifact, budget, depth
        self.steps = 0
        self.stopped = False

    def resolve(self, schema: Any, resolver) -> tuple[Any, Any, int | None]:
        """Follow `$ref` chains: (schema, resolver, id of the target) — a chain that loops ends."""
        target, seen = None, set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            resolved = resolver.lookup(schema["$ref"])
            if id(resolved.contents) in seen:
                break
            seen.add(id(resolved.contents))
            schema, resolver, target = resolved.contents, resolved.resolver, id(resolved.contents)
        return schema, resolver, target

    def describe(self, schema: Any, resolver, active: frozenset) -> Any:
        """The value of a fact: an enum list, or a type name."""
        resolver = getattr(schema, "resolver", resolver)
        schema, resolver, _ = self.resolve(schema, resolver)
        if not isinstance(schema, dict):
            return "any"
        if "enum" in schema and isinstance(schema["enum"], list):
            return [v for v in schema["enum"] if v is not None] or "null"
        if "const" in schema:
            return [schema["const"]]
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key]:
                options = []
                for option in schema[key]:
                    value = self.describe(option, resolver, active)
                    text = "|".join(str(v) for v in value) if isinstance(value, list) else str(value)
                    if text != "null" and text not in options:
                        options.append(text)
                return "|".join(options) or "null"
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            merged = _merge([self.resolve(part, resolver)[0] for part in schema["allOf"]])
            merged.update({k: v for k, v in schema.items() if k != "allOf"})
            if merged.get("properties") or merged.get("type") or merged.get("enum"):
                return self.describe(merged, resolver, active)
        kind = _type(schema)
        if kind == "string" and isinstance(schema.get("format"), str):
            return schema["format"]
        if kind == "array":
            items = schema.get("items")
            inner = self.describe(items, resolver, active) if isinstance(items, dict) else "any"
            inner = "|".join(str(v) for v in inner) if isinstance(inner, list) else inner
            return f"array<{inner}>"
        if kind is None and isinstance(schema.get("properties"), dict):
            return "object"
        return kind or "any"

    def walk(self, schema: Any, resolver, prefix: str, level: int, active: frozenset) -> None:
        """Record `prefix` and, for an object, each property below it."""
        if self.stopped:
            return
        if isinstance(schema, _Bound):  # met through allOf in another file: that file's resolver
            resolver = schema.resolver
        self.steps += 1
        if self.steps > self.budget:
            self.stop(f"yields more than {self.budget:,} facts (`limits.expanded_nodes`); point `source` at a "
                      "smaller schema or raise the limit")
            return
        if level > self.depth:
            self.stop(f"nests properties deeper than {self.depth} levels (`limits.nesting_depth`) at '{prefix}'; "
                      "point `source` at a smaller schema")
            return
        schema, resolver, target = self.resolve(schema, resolver)
        if target is not None and target in active:
            self.artifact.facts.setdefault(prefix, "object")  # a cyclic $ref: the recursion ends here
            return
        if target is not None:
            active = active | {target}
        if not isinstance(schema, dict):
            return
        value = self.describe(schema, resolver, active)
        if level > 0:
            self.artifact.facts[prefix] = value
            if _nullable(schema):
                self.artifact.nullable.add(prefix)
        properties, required = self.object_parts(schema, resolver)
        for name, sub in properties.items():
            child = f"{prefix}.{name}"
            if name in required:
                self.artifact.required.add(child)
            if _nullable_ref(sub, self, resolver):
                self.artifact.nullable.add(child)
            self.walk(sub, resolver, child, level + 1, active)
        items = schema.get("items")
        if _type(schema) == "array" and isinstance(items, dict):
            inner, inner_resolver, inner_target = self.resolve(items, resolver)
            if inner_target is not None and inner_target in active:
                return
            inner_active = active | ({inner_target} if inner_target is not None else set())
            inner_props, inner_required = self.object_parts(inner, inner_resolver) if isinstance(inner, dict) else ({}, set())
            for name, sub in inner_props.items():
                child = f"{prefix}.{name}"
                if name in inner_required:
                    self.artifact.required.add(child)
                self.walk(sub, inner_resolver, child, level + 1, frozenset(inner_active))

    def object_parts(self, schema: dict, resolver) -> tuple[dict, set]:
        """Properties and required names, `allOf` merged, `oneOf`/`anyOf` objects united."""
        properties: dict = {}
        required: set = set()
        if isinstance(schema.get("properties"), dict):
            properties.update(schema["properties"])
        if isinstance(schema.get("required"), list):
            required.update(str(name) for name in schema["required"])
        for part in schema.get("allOf", []) if isinstance(schema.get("allOf"), list) else []:
            part, part_resolver, _ = self.resolve(part, resolver)
            if isinstance(part, dict):
                sub_props, sub_required = self.object_parts(part, part_resolver)
                properties.update({k: _Bound(v, part_resolver) for k, v in sub_props.items()})
                required |= sub_required
        for key in ("oneOf", "anyOf"):
            for part in schema.get(key, []) if isinstance(schema.get(key), list) else []:
                part, part_resolver, _ = self.resolve(part, resolver)
                if isinstance(part, dict):
                    sub_props, _ = self.object_parts(part, part_resolver)  # an alternative requires nothing
                    for k, v in sub_props.items():
                        properties.setdefault(k, _Bound(v, part_resolver))
        return {str(k): v for k, v in properties.items()}, required

    def stop(self, problem: str) -> None:
        self.stopped = True
        self.artifact.problems.append(problem)


class _Bound(dict):
    """A subschema met through `allOf` in another file: it keeps that file's resolver."""

    def __init__(self, schema: Any, resolver) -> None:
        super().__init__(schema if isinstance(schema, dict) else {})
        self.resolver = resolver


def _type(schema: dict) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return "|".join(str(k) for k in kinds) if kinds else "null"
    if isinstance(kind, str):
        return kind
    if isinstance(schema.get("properties"), dict):
        return "object"
    return None


def _nullable(schema: dict) -> bool:
    kind = schema.get("type")
    return schema.get("nullable") is True or (isinstance(kind, list) and "null" in kind) or (
        isinstance(schema.get("enum"), list) and None in schema["enum"])


def _nullable_ref(sub: Any, walk: _Walk, resolver) -> bool:
    if not isinstance(sub, dict):
        return False
    schema = walk.resolve(sub, getattr(sub, "resolver", resolver))[0]
    return isinstance(schema, dict) and _nullable(schema)


def _merge(parts: list) -> dict:
    merged: dict = {}
    for part in parts:
        if isinstance(part, dict):
            for key, value in part.items():
                if key == "properties" and isinstance(value, dict):
                    merged.setdefault("properties", {}).update(value)
                elif key == "required" and isinstance(value, list):
                    merged.setdefault("required", []).extend(value)
                else:
                    merged.setdefault(key, value)
    return merged


def _unresolvable(error: Exception, pointer: str, shown: str | None) -> str:
    """What a failed lookup means, from the innermost cause (our refusal, a missing file, …)."""
    from referencing.exceptions import PointerToNowhere

    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ArtifactError):
            return f"$ref '{getattr(error, 'ref', '')}' cannot be followed: {cause}"
        if isinstance(cause, PointerToNowhere):
            ref = str(cause.ref)
            where = "pointer" if ref == pointer else "$ref"
            return f"{where} '#{ref}' points to nothing in {shown}; correct it"
        cause = cause.__cause__ or cause.__context__
    return f"$ref '{getattr(error, 'ref', error)}' cannot be resolved; correct it"


def derive(source: str, document_path: Path, root: Path, *, prefix: str | None = None,
           read: Reader | None = None, limits: Limits = DEFAULT_LIMITS) -> Artifact:
    """The facts of the schema `source` names (relative to `document_path`), under `root`.

    Never raises: every problem (a missing file, a bad pointer, a `$ref` leaving the
    repository, a limit) is in `Artifact.problems`, and the facts found so far are kept.
    `read`: where bytes come from (default: the working tree, links out of `root` refused).
    """
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource, Unresolvable
    from referencing.jsonschema import DRAFT202012

    path_text, pointer = split_source(source)
    artifact = Artifact(path=path_text, pointer=pointer)
    if not path_text:
        artifact.problems.append(f"source '{source}' names no file; write a path relative to this document, "
                                 "like ../api/openapi.yaml#/components/schemas/Customer")
        return artifact
    if urlsplit(path_text).scheme or path_text.startswith("//"):
        artifact.problems.append(f"source '{path_text}' is a URL; it is never fetched — name a file of this "
                                 "repository by a path relative to the document")
        return artifact
    files = _Files(root, read or _disk, limits, follow_links=read is None)
    absolute = os.path.normpath(os.path.join(os.path.dirname(str(document_path)), path_text))
    artifact.repo_path = files.shown(absolute)
    artifact.files = [absolute]
    try:
        contents = files.load(absolute)
    except ArtifactError as error:
        artifact.problems.append(str(error))
        return artifact
    if pointer and not pointer.startswith("/"):
        artifact.problems.append(f"pointer '#{pointer}' is not a JSON pointer; write it like "
                                 "#/components/schemas/Customer")
        return artifact
    uri = Path(absolute).as_uri()
    registry = Registry(retrieve=files.retrieve).with_resource(
        uri, Resource.from_contents(contents, default_specification=DRAFT202012))
    walk = _Walk(artifact, limits.expanded_nodes, limits.nesting_depth)
    try:
        resolver = registry.resolver(base_uri=uri)
        resolved = resolver.lookup(f"{uri}#{pointer}")
        schema = resolved.contents
        if isinstance(schema, dict) and "openapi" in schema and not pointer:
            artifact.problems.append(f"{artifact.repo_path} is an OpenAPI document: point `source` at one schema, "
                                     "like #/components/schemas/Customer")
            return artifact
        name = prefix or default_prefix(path_text, pointer, schema)
        artifact.prefix = name
        if isinstance(contents, dict) and "openapi" in contents:
            artifact.roles = roles(contents, pointer)
        walk.walk(schema, resolved.resolver, name, 0, frozenset({id(schema)}))
    except ArtifactError as error:
        artifact.problems.append(str(error))
    except (Unresolvable, NoSuchResource) as error:  # PointerToNowhere is one of them
        artifact.problems.append(_unresolvable(error, pointer, artifact.repo_path))
    except RecursionError:
        artifact.problems.append(f"{artifact.repo_path} nests too deeply to read; point `source` at a smaller schema")
    artifact.files = sorted(set(files.parsed) | {absolute})
    return artifact


# --- where an OpenAPI document uses a schema ------------------------------------------------

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _local(document: Any, ref: str) -> Any:
    """The node a local `$ref` ('#/components/schemas/X') names in `document`, or None."""
    node = document
    for token in ref[1:].split("/")[1:] if ref.startswith("#/") else []:
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node if ref.startswith("#/") else None


def _reaches(document: Any, start: Any, target: str, budget: int = 200_000) -> bool:
    """Does `start`, following local `$ref`s of `document`, reach the node at pointer `target`?"""
    wanted = _local(document, "#" + target)
    seen: set[int] = set()
    stack = [start]
    while stack and budget > 0:
        node = stack.pop()
        budget -= 1
        if node is wanted and wanted is not None:
            return True
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref == "#" + target:
                    return True
                stack.append(_local(document, ref))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def roles(document: dict, pointer: str) -> frozenset[str]:
    """'request' when a request body of `document` reaches the schema at `pointer` (or the pointer
    lies in one), 'response' when a response does: local `$ref`s followed, bounded."""
    found: set[str] = set()
    if "/requestBody" in pointer:
        found.add("request")
    if "/responses/" in pointer:
        found.add("response")
    paths = document.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            item = _local(document, item["$ref"])
        for method in _HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            if "request" not in found and _reaches(document, operation.get("requestBody"), pointer):
                found.add("request")
            if "response" not in found and _reaches(document, operation.get("responses"), pointer):
                found.add("response")
        if len(found) == 2:
            break
    return frozenset(found)
