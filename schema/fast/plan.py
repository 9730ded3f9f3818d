"""The plan of one operation: its fields collected once (fragments, aliases and ``@include``/``@skip`` resolved by
graphql-core's own field collection), each with what rendering its value needs, so that a request walks a tree
made for it instead of the document.

A plan depends on the document, the operation and the values of the variables its ``@include``/``@skip`` read;
arguments are read per request. Anything the fast path does not render (introspection, abstract types, deferred
fragments) makes no plan: :class:`NotPlanned`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import orjson
from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    OperationDefinitionNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.values import VariableValues

TYPENAME = "__typename"
STRAWBERRY_FIELD = "strawberry-definition"
"""Where strawberry keeps its own field in a graphql-core field's extensions."""
_PLAN_BYTES_PER_FIELD = 600
"""About what one planned field costs in memory (its object, key, node list), for the byte-bounded caches."""


class NotPlanned(Exception):
    """The operation asks for something the fast path leaves to the general executor."""


@dataclass(eq=False, slots=True)
class FieldPlan:
    prefix: bytes
    """What precedes the value: the response key JSON-encoded with its colon, after ``{`` or ``,``."""
    name: str
    definition: GraphQLField | None
    """``None`` for ``__typename``."""
    details: FieldDetailsList
    type: GraphQLOutputType
    attribute: str | None
    """The attribute strawberry reads for a field without a resolver of its own; ``None`` when it calls one."""
    method: Callable[..., Any] | None
    """A resolver taking only its object and ``info``, called as such; ``None`` for any other (through strawberry)."""
    nullable: bool
    listed: bool
    items_nullable: bool
    serialize: Callable[[Any], Any] | None
    """For a leaf, its type's serializer."""
    object: ObjectPlan | None


@dataclass(eq=False, slots=True)
class ObjectPlan:
    type: GraphQLObjectType
    fields: tuple[FieldPlan, ...]
    typename: bytes
    """The type's name as JSON, for ``__typename``."""


@dataclass(eq=False, slots=True)
class OperationPlan:
    root: ObjectPlan
    size: int
    """Bytes it is estimated to take, for the caches that bound themselves in bytes."""


_Subfields = Callable[[GraphQLObjectType, FieldDetailsList], GroupedFieldSet]


class Planner:
    """Plans the operations of one schema."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self._schema = schema

    def plan(self, operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDetails],
             variables: VariableValues) -> OperationPlan:
        query = self._schema.query_type
        if query is None or operation.operation.value != "query":
            raise NotPlanned
        collected = collect_fields(self._schema, dict(fragments), variables, query, operation)
        if collected.new_defer_usages:
            raise NotPlanned

        def sub(type_: GraphQLObjectType, details: FieldDetailsList) -> GroupedFieldSet:
            found = collect_subfields(self._schema, dict(fragments), variables, operation, type_, details)
            if found.new_defer_usages:
                raise NotPlanned
            return found.grouped_field_set

        counter = [0]
        root = self._object(query, collected.grouped_field_set, sub, counter)
        return OperationPlan(root, counter[0] * _PLAN_BYTES_PER_FIELD)

    def _object(self, type_: GraphQLObjectType, grouped: GroupedFieldSet, sub: _Subfields,
                counter: list[int]) -> ObjectPlan:
        fields: list[FieldPlan] = []
        for key, details in grouped.items():
            prefix = (b"," if fields else b"{") + orjson.dumps(key) + b":"
            counter[0] += 1
            name = details[0].node.name.value
            if name == TYPENAME:
                fields.append(FieldPlan(prefix, name, None, details, type_, None, None, False, False, False, None,
                                        None))
                continue
            definition = type_.fields.get(name)
            if definition is None:  # __schema, __type: introspection is the general executor's
                raise NotPlanned
            nullable, items = _shape(definition.type)
            named = get_named_type(definition.type)
            nested = None
            if not is_leaf_type(named):
                if not is_object_type(named):
                    raise NotPlanned
                nested = self._object(named, sub(named, details), sub, counter)
            serialize = cast(GraphQLLeafType, named).serialize if nested is None else None
            fields.append(FieldPlan(prefix, name, definition, details, definition.type, _attribute(definition),
                                    _method(definition), nullable, items is not None, bool(items), serialize, nested))
        return ObjectPlan(type_, tuple(fields), orjson.dumps(type_.name))


def _attribute(definition: GraphQLField) -> str | None:
    # strawberry marks the resolver it gives a plain attribute; any other (a method, an extension) is called.
    if not getattr(definition.resolve, "_is_default", False):
        return None
    strawberry_field: Any = definition.extensions.get(STRAWBERRY_FIELD)
    return None if strawberry_field is None else str(strawberry_field.python_name)


def _method(definition: GraphQLField) -> Callable[..., Any] | None:
    """The resolver of a field whose resolver takes ``self`` and ``info`` alone, with nothing of strawberry's around
    it (arguments to convert, permissions, extensions), which may then be called directly."""
    strawberry_field: Any = definition.extensions.get(STRAWBERRY_FIELD)
    resolver = None if strawberry_field is None else strawberry_field.base_resolver
    if resolver is None or resolver.is_async or strawberry_field.extensions or strawberry_field.permission_classes:
        return None
    parameters = resolver.signature.parameters.values()
    if [parameter.name for parameter in parameters] != [resolver.self_parameter.name, "info"]:
        return None
    function: Callable[..., Any] = resolver.wrapped_func
    return function


def _shape(type_: GraphQLOutputType) -> tuple[bool, bool | None]:
    """Whether a value of ``type_`` may be null, and when it is a list, whether its items may be."""
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if not isinstance(inner, GraphQLList):
        return nullable, None
    if isinstance(get_nullable_type(inner.of_type), GraphQLList):
        raise NotPlanned  # lists of lists: none in the schema
    return nullable, not isinstance(inner.of_type, GraphQLNonNull)
