"""The bounds on one query (spec: ``[limits]``), enforced before anything executes so that a refusal costs little.

Tokens are counted by the parser itself (strawberry's ``MaxTokensLimiter``), which stops at the first token over the
limit however long the text is. Depth and aliases are validation rules, so their verdict is cached along with the
rest of the validation. Every refusal is a ``QUERY_TOO_COMPLEX`` error that says which limit and how much was asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Self, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)
from graphql.language.visitor import SKIP, VisitorAction
from strawberry.extensions import ParserCache

from .errors import query_too_complex

# graphql-core's wording: the parser's limits have no error types of their own, only these syntax errors.
_TOO_MANY_TOKENS = "Syntax Error: Document contains more than {} tokens. Parsing aborted."
_NESTED_TOO_DEEPLY = "Syntax Error: Document is nested too deeply. Parsing aborted."


class LimitedParserCache(ParserCache):
    """strawberry's ``ParserCache``, reporting the parser's refusals (``MaxTokensLimiter``'s limit, and a nesting
    too deep for the parser) as QUERY_TOO_COMPLEX rather than as syntax errors.

    It must be the parser to do so: an error raised while parsing never reaches the other extensions.
    """

    def on_parse(self) -> Iterator[None]:
        try:
            yield from super().on_parse()
        except GraphQLSyntaxError as error:
            limit = self.execution_context.parse_options.get("max_tokens")
            if limit is not None and error.message == _TOO_MANY_TOKENS.format(limit):
                message = f"the query has more than {limit} tokens, at most {limit} are allowed"
                raise query_too_complex(message) from None
            if error.message == _NESTED_TOO_DEEPLY:
                raise query_too_complex("the query is nested too deeply to be parsed") from None
            raise


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
    """Bounds the nested field levels (``{ platforms { slug } }`` has 2); introspection's are not counted, as the
    type references of GraphiQL's own introspection query nest deeper than any query of the API."""

    _UNCOUNTED = frozenset({"__schema", "__type"})

    @staticmethod
    def combine(measured: int, selection: int) -> int:
        return max(measured, selection)

    def field(self, node: FieldNode) -> int:
        return 0 if node.name.value in self._UNCOUNTED else 1 + self._selections(node.selection_set)

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
    and ``otherOffers`` at three: most courses are sold on one to four platforms.
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
