"""Rendering a planned operation straight to JSON bytes, from the same strawberry objects and resolvers the
general executor uses, without graphql-core's per-field machinery.

A course's answer to a selection set is the same for every request on one snapshot, but for two fields: its
platform (whose status ages with the clock) and its eligibility (which depends on the caller; for anonymous
callers it too is fixed per snapshot). So a course is rendered once per snapshot and selection set into a
:class:`Template`: encoded bytes with a :class:`Hole` where each such field's value goes, filled per request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import orjson
from graphql import GraphQLResolveInfo
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import Path
from strawberry import Info

from search.snapshot import Snapshot

from ..context import RequestContext
from .plan import STRAWBERRY_FIELD, FieldPlan, ObjectPlan

SnapshotKey = Callable[[Any], Hashable]
PerRequestKey = Callable[[Any, RequestContext], Hashable]

TEMPLATED: dict[str, SnapshotKey] = {"Course": lambda course: course.listing.id}
"""Types whose answer depends on the snapshot only (but for :data:`PER_REQUEST` fields), by what identifies one."""

PER_REQUEST: dict[tuple[str, str], PerRequestKey] = {
    # The same for every course of a platform: rendered once per request and platform.
    ("Course", "platform"): lambda course, context: course.listing.platform,
    # The same for every course the rules give the same verdict: rendered once per request and verdict.
    ("Course", "eligibility"): lambda course, context: context.rules.of(course.listing),
}
"""Fields of templated types whose value a template cannot hold, and what their value depends on within a request."""

IDENTIFIED_BY_SOURCE: dict[tuple[str, str], SnapshotKey] = {("CourseEdge", "node"): lambda edge: edge.listing.id}
"""Fields of a templated type identified from their source: a template found needs no value resolved at all."""

CALLER_DEPENDENT = frozenset({("Course", "eligibility")})
"""Of :data:`PER_REQUEST`, those fixed per snapshot for anonymous callers: their templates hold them."""

_HOLE_BYTES = 2048
"""A hole keeps the strawberry object its value is resolved from."""
_ENTRY_BYTES = 256
"""A template's own objects and its key in the cache."""


class NotRendered(Exception):
    """A value the general executor would answer with an error (a resolver's refusal, a null where none may be)."""


@dataclass(frozen=True, slots=True)
class Hole:
    """Where a template leaves the value of ``field`` of ``source`` (an object of ``parent``'s type) to each request."""

    field: FieldPlan
    parent: ObjectPlan
    source: Any
    depends: PerRequestKey
    """What the value depends on within a request (see :data:`PER_REQUEST`)."""


Part = bytes | Hole


@dataclass(frozen=True, slots=True)
class Template:
    parts: tuple[Part, ...]
    size: int

    @classmethod
    def of(cls, parts: list[Part]) -> Template:
        merged: list[Part] = []
        run: list[bytes] = []
        for part in parts:
            if isinstance(part, bytes):
                run.append(part)
                continue
            if run:
                merged.append(b"".join(run))
                run.clear()
            merged.append(part)
        if run:
            merged.append(b"".join(run))
        size = _ENTRY_BYTES + sum(len(part) if isinstance(part, bytes) else _HOLE_BYTES for part in merged)
        return cls(tuple(merged), size)


TemplateKey = tuple[ObjectPlan, Hashable, bool]


class Templates:
    """The templates of one snapshot, at most ``max_bytes`` of them.

    A plain dict, as a lookup happens for every course of every page: when full, it is emptied and filled again
    with what is asked for from then on (no recency kept per lookup)."""

    def __init__(self, snapshot: Snapshot | None, max_bytes: int) -> None:
        self.snapshot = snapshot
        self._max_bytes = max_bytes
        self._bytes = 0
        self._entries: dict[TemplateKey, Template] = {}

    def get(self, key: TemplateKey) -> Template | None:
        return self._entries.get(key)

    def put(self, key: TemplateKey, template: Template) -> None:
        if self._bytes + template.size > self._max_bytes:
            self._entries.clear()
            self._bytes = 0
        if template.size <= self._max_bytes:
            self._entries[key] = template
            self._bytes += template.size


@dataclass(frozen=True, slots=True)
class Operation:
    """What resolvers may read of the operation: their ``info``, and the variables their arguments use."""

    info: Callable[..., GraphQLResolveInfo[RequestContext]]
    variables: VariableValues


class Renderer:
    """Renders one request's answer; with ``templating``, a template of a course (holes left for what varies)."""

    def __init__(self, operation: Operation, context: RequestContext, templates: Templates, *,
                 templating: bool = False) -> None:
        self._operation = operation
        self._context = context
        self._templates = templates
        self._templating = templating
        self._anonymous = context.viewer is None
        self._filled: dict[tuple[FieldPlan, Hashable], bytes] = {}

    def object(self, plan: ObjectPlan, source: Any, out: list[Part]) -> None:
        identify = TEMPLATED.get(plan.type.name)
        if identify is None:
            self._fields(plan, source, out)
        else:
            self._templated(plan, identify(source), lambda: source, out)

    def _templated(self, plan: ObjectPlan, identity: Hashable, source: Callable[[], Any], out: list[Part]) -> None:
        template = self._template(plan, identity, source)
        if self._templating:
            out.extend(template.parts)
            return
        for part in template.parts:
            out.append(part if isinstance(part, bytes) else self._fill(part))

    def _fields(self, plan: ObjectPlan, source: Any, out: list[Part], holes: frozenset[str] = frozenset()) -> None:
        for field in plan.fields:
            out.append(field.prefix)
            if field.attribute is not None and field.serialize is not None and not field.listed:
                # The most common field by far, a plain leaf: inline.
                value = getattr(source, field.attribute)
                if value is not None:
                    out.append(orjson.dumps(field.serialize(value)))
                elif field.nullable:
                    out.append(b"null")
                else:
                    raise NotRendered
            elif field.definition is None:
                out.append(plan.typename)
            elif field.name in holes:
                out.append(Hole(field, plan, source, PER_REQUEST[plan.type.name, field.name]))
            elif field.object is not None and (identify := IDENTIFIED_BY_SOURCE.get((plan.type.name, field.name))):
                self._templated(field.object, identify(source), partial(self._resolve, plan, field, source), out)
            else:
                self._value(field, self._resolve(plan, field, source), out)
        out.append(b"}" if plan.fields else b"{}")  # every field skipped: the first gave no "{"

    def _value(self, field: FieldPlan, value: Any, out: list[Part]) -> None:
        if value is None:
            if not field.nullable:
                raise NotRendered
            out.append(b"null")
        elif not field.listed:
            self._item(field, value, out)
        elif field.serialize is not None and not field.items_nullable:
            out.append(orjson.dumps([field.serialize(item) for item in value]))
        elif not value:
            out.append(b"[]")
        else:
            out.append(b"[")
            for position, item in enumerate(value):
                if position:
                    out.append(b",")
                if item is None:
                    if not field.items_nullable:
                        raise NotRendered
                    out.append(b"null")
                else:
                    self._item(field, item, out)
            out.append(b"]")

    def _item(self, field: FieldPlan, value: Any, out: list[Part]) -> None:
        if field.serialize is not None:
            out.append(orjson.dumps(field.serialize(value)))
        else:
            assert field.object is not None
            self.object(field.object, value, out)

    def _resolve(self, plan: ObjectPlan, field: FieldPlan, source: Any) -> Any:
        if field.attribute is not None:
            return getattr(source, field.attribute)
        assert field.definition is not None and field.definition.resolve is not None
        operation = self._operation
        info = operation.info(field.name, [detail.node for detail in field.details], field.type, plan.type,
                              Path(None, field.name, plan.type.name), self._context)
        if field.method is not None:
            return field.method(source, Info(_raw_info=info, _field=field.definition.extensions[STRAWBERRY_FIELD]))
        node = field.details[0].node
        arguments = get_argument_values(field.definition, node, operation.variables) if node.arguments else {}
        return field.definition.resolve(source, info, **arguments)

    def _template(self, plan: ObjectPlan, identity: Hashable, source: Callable[[], Any]) -> Template:
        key = (plan, identity, self._anonymous)
        template = self._templates.get(key)
        if template is None:
            holes = frozenset(name for (type_name, name) in PER_REQUEST if type_name == plan.type.name
                              and not (self._anonymous and (type_name, name) in CALLER_DEPENDENT))
            parts: list[Part] = []
            Renderer(self._operation, self._context, self._templates, templating=True)._fields(
                plan, source(), parts, holes)
            template = Template.of(parts)
            self._templates.put(key, template)
        return template

    def _fill(self, hole: Hole) -> bytes:
        key = (hole.field, hole.depends(hole.source, self._context))
        filled = self._filled.get(key)
        if filled is None:
            parts: list[Part] = []
            self._value(hole.field, self._resolve(hole.parent, hole.field, hole.source), parts)
            filled = self._filled[key] = b"".join(cast(list[bytes], parts))  # no template: no hole
        return filled
