"""The bounds on one query (spec: ``[limits]``), enforced before anything executes so that a refusal costs little.

Tokens are counted by the parser itself (strawberry's ``MaxTokensLimiter``), which stops at the first token over the
limit however long the text is. Depth and aliases are validation rules, so their verdict is cached along with the
rest of the validation. Every refusal is a ``QUERY_TOO_COMPLEX`` error that says which limit and how much was asked.
"""

from __future__ import annotations

import functools
import math
from typing import Any, ClassVar, Self, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.language.visitor import SKIP, VisitorAction

from .errors import query_too_complex

# graphql-core's wording: the parser's limits have no error types of their own, only these syntax errors.
_TOO_MANY_TOKENS = "Syntax Error: Document contains more than {} tokens. Parsing aborted."
_NESTED_TOO_DEEPLY = "Syntax Error: Document is nested too deeply. Parsing aborted."


def parser_refusal(error: GraphQLSyntaxError, max_tokens: int | None) -> GraphQLError:
    """A syntax error as the client should see it: QUERY_TOO_COMPLEX when it is one of the parser's limits."""
    if max_tokens is not None and error.message == _TOO_MANY_TOKENS.format(max_tokens):
        return query_too_complex(f"the query has more than {max_tokens} tokens, at most {max_tokens} are allowed")
    if error.message == _NESTED_TOO_DEEPLY:
        return query_too_complex("the query is nested too deeply to be parsed")
    return error


class _SelectionLimit(ValidationRule):
    """Measures each operation through its fields and fragments, and refuses one that measures over ``limit``.

    Each fragment is measured once however often it is spread, so nested spreads cannot multiply the work (they
    do in strawberry's ``QueryDepthLimiter`` and ``MaxAliasesLimiter``, which also fail on an unknown fragment).
    The work happens while graphql-core visits the document, where a stack overflow is reported as an aborted
    validation rather than raised; and on entering the document, before graphql-core's own guard against
    fragments nested too deep aborts the validation without saying which limit the query broke.
    """

    limit: ClassVar[int]

    @classmethod
    def at(cls, limit: int) -> type[Self]:
        """This rule with its limit."""
        return cast(type[Self], type(cls.__name__, (cls,), {"limit": limit}))

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._fragments: dict[str, int] = {}

    def enter_document(self, node: DocumentNode, *_args: Any) -> VisitorAction:
        for definition in node.definitions:
            if isinstance(definition, OperationDefinitionNode):
                measured = self._selections(definition.selection_set)
                if measured > self.limit:
                    self.report_error(query_too_complex(self.refusal(measured), definition))
        return SKIP

    @staticmethod
    def combine(measured: int, selection: int) -> int:
        """The measure of a selection set so far, with one more of its selections."""
        raise NotImplementedError

    def field(self, node: FieldNode) -> int:
        raise NotImplementedError

    def refusal(self, measured: int) -> str:
        raise NotImplementedError

    def _selections(self, selection_set: SelectionSetNode | None) -> int:
        measured = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                measured = self.combine(measured, self.field(selection))
            elif isinstance(selection, InlineFragmentNode):
                measured = self.combine(measured, self._selections(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                measured = self.combine(measured, self._fragment(selection.name.value))
        return measured

    def _fragment(self, name: str) -> int:
        if name not in self._fragments:
            # Unknown fragments and cycles are for graphql-core's own rules to report: here they measure nothing.
            self._fragments[name] = 0
            fragment = self.context.get_fragment(name)
            if fragment is not None:
                self._fragments[name] = self._selections(fragment.selection_set)
        return self._fragments[name]


class DepthLimit(_SelectionLimit):
    """Bounds the nested field levels (``{ platforms { slug } }`` has 2), introspection's as any other's.

    ``ofType`` levels are not counted: they walk down the wrappers of one type reference (``[Course!]!`` is three
    deep), a chain of single objects that does not multiply the work; GraphiQL's own introspection asks nine.
    """

    @staticmethod
    def combine(measured: int, selection: int) -> int:
        return max(measured, selection)

    def field(self, node: FieldNode) -> int:
        nested = self._selections(node.selection_set)
        return nested if node.name.value == "ofType" else 1 + nested

    def refusal(self, measured: int) -> str:
        return f"the query nests fields {measured} levels deep, at most {self.limit} are allowed"


class AliasLimit(_SelectionLimit):
    """Bounds the aliases, which let one query ask for the same costly field many times over; an alias in a
    fragment counts once for every place the fragment is spread."""

    @staticmethod
    def combine(measured: int, selection: int) -> int:
        return measured + selection

    def field(self, node: FieldNode) -> int:
        return (1 if node.alias else 0) + self._selections(node.selection_set)

    def refusal(self, measured: int) -> str:
        return f"the query has {measured} aliases, at most {self.limit} are allowed"


class OfferNesting(_SelectionLimit):
    """Bounds ``otherOffers`` inside ``otherOffers``. Each level multiplies the courses by the size of their
    group, so nine levels under twenty compared courses answered 31 MB in 12 s; the offers of an offer are the
    same group again, so a deeper level tells a client nothing new."""

    @staticmethod
    def combine(measured: int, selection: int) -> int:
        return max(measured, selection)

    def field(self, node: FieldNode) -> int:
        return (1 if node.name.value == "otherOffers" else 0) + self._selections(node.selection_set)

    def refusal(self, measured: int) -> str:
        return f"the query nests otherOffers {measured} levels deep, at most {self.limit} are allowed"


class FieldBudget(_SelectionLimit):
    """Bounds the fields a query may resolve, each list counted at its length: depth, aliases and tokens alone
    let thirty aliased pages of a hundred courses, each with two levels of offers, answer 8 MB in 2.5 s.

    A page counts at its ``first`` (100, the most, when a variable gives it), ``compare`` at its number of ids,
    and ``otherOffers`` at three: most courses are sold on one to four platforms. Introspection counts too: its
    lists at their mean length in this schema (see :func:`introspection_lengths`).
    """

    _OFFERS_PER_COURSE = 3
    _UNKNOWN_LENGTH = 100

    @staticmethod
    def combine(measured: int, selection: int) -> int:
        return measured + selection

    def field(self, node: FieldNode) -> int:
        return self._length(node) * (1 + self._selections(node.selection_set))

    def _length(self, node: FieldNode) -> int:
        name = node.name.value
        introspected = introspection_lengths(self.context.schema).get(name)
        if introspected is not None:
            return introspected
        if name == "otherOffers":
            return self._OFFERS_PER_COURSE
        argument = {"courses": "first", "compare": "ids"}.get(name)
        if argument is None:
            return 1
        value = next((arg.value for arg in node.arguments or () if arg.name.value == argument), None)
        if value is None:
            return 20 if name == "courses" else 1  # the schema's default page size; compare requires its ids
        if isinstance(value, IntValueNode):
            return max(int(value.value), 1)
        if isinstance(value, ListValueNode):
            return max(len(value.values), 1)
        return self._UNKNOWN_LENGTH

    def refusal(self, measured: int) -> str:
        return f"the query may resolve {measured} fields, at most {self.limit} are allowed"


@functools.lru_cache(maxsize=8)
def introspection_lengths(schema: GraphQLSchema) -> dict[str, int]:
    """The length each list of the introspection types counts at: ``types`` and ``directives`` at their number, the
    lists of one type or field at their mean over those that have such a list (``fields`` over the object and
    interface types, ``args`` over the fields and directives, ...), at least 1.

    The mean, not the longest: ``{ __schema { types { fields { name } } } }`` resolves every field of the schema
    once, which the mean counts exactly, where the longest would count GraphiQL's introspection at 100,000.
    """
    types = schema.type_map.values()
    with_fields = [named for named in types if isinstance(named, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [field for named in with_fields for field in named.fields.values()]
    abstract = [named for named in types if isinstance(named, GraphQLInterfaceType | GraphQLUnionType)]
    inputs = [named for named in types if isinstance(named, GraphQLInputObjectType)]
    enums = [named for named in types if isinstance(named, GraphQLEnumType)]

    def mean(total: int, count: int) -> int:
        return max(1, math.ceil(total / count)) if count else 1

    return {
        "types": len(schema.type_map),
        "directives": len(schema.directives),
        "fields": mean(len(fields), len(with_fields)),
        "interfaces": mean(sum(len(named.interfaces) for named in with_fields), len(with_fields)),
        "possibleTypes": mean(sum(len(schema.get_possible_types(named)) for named in abstract), len(abstract)),
        "inputFields": mean(sum(len(named.fields) for named in inputs), len(inputs)),
        "enumValues": mean(sum(len(named.values) for named in enums), len(enums)),
        "args": mean(sum(len(field.args) for field in fields) + sum(len(d.args) for d in schema.directives),
                     len(fields) + len(schema.directives)),
        "locations": mean(sum(len(d.locations) for d in schema.directives), len(schema.directives)),
    }
