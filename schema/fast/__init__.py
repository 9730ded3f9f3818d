"""The fast path: the operations that matter answered without graphql-core's execution, byte for byte as the
general executor (strawberry) answers them, or not at all (``None``: the caller then asks the general executor).

Each distinct document is parsed, validated (with the schema's own rules and limits) and planned once, in caches
bounded in bytes; a request then costs its variables, its resolvers' work (the search, the eligibility) and its
bytes. Whatever the fast path does not render (introspection, invalid documents, errors of any kind, a caller
with an error of its own) it leaves to the general executor, which answers it as it always did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import Any, cast

from cachetools import LRUCache
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLResolveInfo,
    OperationDefinitionNode,
    VariableNode,
    get_operation_ast,
    parse,
    specified_rules,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.values import get_variable_values
from graphql.language import DirectiveNode, FragmentDefinitionNode, Visitor, visit
from graphql.pyutils import is_awaitable
from strawberry import Schema
from strawberry.schema.schema import validate_document

from ..context import RequestContext
from ..documents import too_long
from .plan import NotPlanned, OperationPlan, Planner
from .render import Operation, Part, Renderer, Templates

DOCUMENT_CACHE_BYTES = 8 * 1024 * 1024
PLAN_CACHE_BYTES = 8 * 1024 * 1024
TEMPLATE_CACHE_BYTES = 64 * 1024 * 1024
"""The default bounds of the fast path's caches: documents parsed and validated, plans, course templates."""

_AST_BYTES_PER_CHAR = 100
"""About what a parsed, validated document costs in memory per character of its text (measured: 86)."""
_CONDITIONS = frozenset({"include", "skip"})


@dataclass(frozen=True, slots=True, eq=False)
class _Prepared:
    """A valid document and its operation, with what planning and resolving need of it."""

    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDetails]
    conditions: tuple[str, ...]
    """The variables ``@include``/``@skip`` read: a plan holds for one set of their values."""
    size: int


@dataclass(frozen=True, slots=True)
class _Cached:
    """A cache entry with what it costs: its value, and the text of the document in its key."""

    value: Any
    size: int


_SIZE = attrgetter("size")


class FastPath:
    """Answers the operations it can for ``schema``, whose validation ``rules`` (its limits) it applies too."""

    def __init__(self, schema: Schema, rules: list[type[ASTValidationRule]], max_tokens: int, *,
                 document_bytes: int = DOCUMENT_CACHE_BYTES, plan_bytes: int = PLAN_CACHE_BYTES,
                 template_bytes: int = TEMPLATE_CACHE_BYTES) -> None:
        self._schema = schema._schema
        self._rules = (*specified_rules, *rules)
        self._max_tokens = max_tokens
        self._planner = Planner(self._schema)
        # Entries of both caches are _Cached: a document the fast path refused (None) still costs its text.
        self._documents: LRUCache[tuple[str, str | None], _Cached] = LRUCache(document_bytes, getsizeof=_SIZE)
        self._plans: LRUCache[tuple[_Prepared, tuple[Any, ...]], _Cached] = LRUCache(plan_bytes, getsizeof=_SIZE)
        self._template_bytes = template_bytes
        self._templates = Templates(None, template_bytes)

    def execute(self, document: str, variables: Mapping[str, Any] | None, operation_name: str | None,
                context: RequestContext) -> bytes | None:
        """The response body the general executor would send, or ``None`` when the fast path does not answer."""
        if context.errors:
            return None  # the caller's own error (an invalid token) is the general path's to report
        prepared = self._prepare(document, operation_name)
        if prepared is None or not isinstance(variables, Mapping | None):
            return None
        coerced = get_variable_values(self._schema, prepared.operation.variable_definitions or (),
                                      dict(variables or {}))
        if isinstance(coerced, list):
            return None
        plan = self._plan(prepared, tuple(coerced.coerced.get(name) for name in prepared.conditions), coerced)
        if plan is None:
            return None
        info = partial(_info, schema=self._schema, fragments=prepared.fragments, operation=prepared.operation,
                       variables=coerced)
        renderer = Renderer(Operation(info, coerced), context, self._templates_of(context))
        out: list[Part] = [b'{"data":']
        try:
            renderer.object(plan.root, None, out)
        except Exception:
            # A resolver's refusal (NotRendered, GraphQLError) or failure: the general path runs it again, and
            # answers (and logs) it as it always does.
            return None
        out.append(b"}")
        return b"".join(cast(list[bytes], out))  # the answer holds no hole: holes are filled as they are met

    def _prepare(self, document: str, operation_name: str | None) -> _Prepared | None:
        key = (document, operation_name)
        cached = self._documents.get(key)
        if cached is None:
            prepared = _prepare(document, operation_name, self._schema, self._rules, self._max_tokens)
            cached = _Cached(prepared, len(document) + (0 if prepared is None else prepared.size))
            if cached.size <= self._documents.maxsize:
                self._documents[key] = cached
        found: _Prepared | None = cached.value
        return found

    def _plan(self, prepared: _Prepared, conditions: tuple[Any, ...], variables: Any) -> OperationPlan | None:
        key = (prepared, conditions)
        cached = self._plans.get(key)
        if cached is None:
            try:
                plan = self._planner.plan(prepared.operation, prepared.fragments, variables)
            except NotPlanned:
                return None  # cheap to find again: the document is cached, planning stops at the first refusal
            # The key keeps the document alive even once the document cache let it go: it is counted here too.
            cached = _Cached(plan, plan.size + prepared.size)
            if cached.size <= self._plans.maxsize:
                self._plans[key] = cached
        found: OperationPlan = cached.value
        return found

    def _templates_of(self, context: RequestContext) -> Templates:
        if self._templates.snapshot is not context.snapshot:
            # The old snapshot's go with it. By identity, not version: a snapshot is immutable, and a new one
            # (whatever it is numbered) may differ in anything.
            self._templates = Templates(context.snapshot, self._template_bytes)
        return self._templates


def _prepare(document: str, operation_name: str | None, schema: Any, rules: tuple[type[ASTValidationRule], ...],
             max_tokens: int) -> _Prepared | None:
    if too_long(document, max_tokens) is not None:
        return None  # refused by the general path before it is read, as reading it would cost more than answering
    try:
        parsed = parse(document, max_tokens=max_tokens)
    except GraphQLError:
        return None
    operation = get_operation_ast(parsed, operation_name)
    if operation is None or validate_document(schema, parsed, rules):
        return None
    fragments = {definition.name.value: FragmentDetails(definition) for definition in parsed.definitions
                 if isinstance(definition, FragmentDefinitionNode)}
    return _Prepared(parsed, operation, fragments, _condition_variables(parsed), len(document) * _AST_BYTES_PER_CHAR)


def _condition_variables(document: DocumentNode) -> tuple[str, ...]:
    found: dict[str, None] = {}

    class Conditions(Visitor):
        def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
            if node.name.value in _CONDITIONS:
                for argument in node.arguments or ():
                    if isinstance(argument.value, VariableNode):
                        found[argument.value.name.value] = None

    visit(document, Conditions())
    return tuple(found)


_NO_ASYNC_HELPERS: Any = None
"""The fast path calls synchronous resolvers only (see plan._method): they never gather awaitables."""


def _info(field_name: str, field_nodes: Any, return_type: Any, parent_type: Any, path: Any,
          context: RequestContext, *, schema: Any, fragments: Any, operation: Any,
          variables: Any) -> GraphQLResolveInfo[RequestContext]:
    return GraphQLResolveInfo(field_name, field_nodes, return_type, parent_type, path, schema, fragments, None,
                              operation, variables, context, is_awaitable, None, _NO_ASYNC_HELPERS)
