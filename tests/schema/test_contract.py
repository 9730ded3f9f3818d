"""The public API: the running schema is the repository's schema/schema.graphql, and holds every name, type,
argument and enum value of the product contract's schema.graphql."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    print_ast,
)

from core.config import LimitsConfig
from schema import build_schema as build_gateway_schema

OURS = Path(__file__).resolve().parents[2] / "schema" / "schema.graphql"
SPEC = Path(__file__).resolve().parents[3] / "shared" / "spec" / "schema.graphql"
"""The contract, where the checkout sits beside the project's shared folder; a fresh clone stands without it."""


def test_the_running_schema_is_the_committed_sdl() -> None:
    # A change to the API is a visible diff of schema/schema.graphql: `prakerja-gateway schema > schema/schema.graphql`
    assert build_gateway_schema(LimitsConfig()).as_str() + "\n" == OURS.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def spec() -> GraphQLSchema:
    if not SPEC.exists():
        pytest.skip(f"the product contract is not beside this checkout ({SPEC.name} of ../shared/spec); "
                    "the committed schema/schema.graphql is checked above")
    return build_schema(SPEC.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ours() -> GraphQLSchema:
    # Rebuilt from the SDL the gateway serves, so both sides are plain graphql-core types read the same way.
    return build_schema(build_gateway_schema(LimitsConfig()).as_str())


def _default(arg: GraphQLArgument | GraphQLField | GraphQLInputField) -> str | None:
    """The default value as GraphQL source text; ``None`` when there is none."""
    default = getattr(arg.ast_node, "default_value", None)
    return print_ast(default) if default is not None else None


def _spec_types(spec: GraphQLSchema) -> list[GraphQLNamedType]:
    return [t for name, t in spec.type_map.items() if not name.startswith("__")]


def test_every_spec_type_exists_with_the_same_kind(spec: GraphQLSchema, ours: GraphQLSchema) -> None:
    for expected in _spec_types(spec):
        actual = ours.type_map.get(expected.name)
        assert actual is not None, f"type {expected.name} is missing"
        assert type(actual) is type(expected), f"{expected.name} is a {type(actual).__name__}"


def test_every_field_and_argument_has_the_spec_type(spec: GraphQLSchema, ours: GraphQLSchema) -> None:
    for expected in _spec_types(spec):
        if not isinstance(expected, GraphQLObjectType | GraphQLInputObjectType):
            continue
        actual = ours.type_map[expected.name]
        assert isinstance(actual, GraphQLObjectType | GraphQLInputObjectType)
        for name, field in expected.fields.items():
            where = f"{expected.name}.{name}"
            assert name in actual.fields, f"{where} is missing"
            assert str(actual.fields[name].type) == str(field.type), f"{where} has type {actual.fields[name].type}"
            assert _default(actual.fields[name]) == _default(field), f"{where} default differs"
            expected_args = getattr(field, "args", {})
            actual_args = getattr(actual.fields[name], "args", {})
            for arg_name, arg in expected_args.items():
                assert arg_name in actual_args, f"{where}({arg_name}) is missing"
                assert str(actual_args[arg_name].type) == str(arg.type), f"{where}({arg_name}) type differs"
                assert _default(actual_args[arg_name]) == _default(arg), f"{where}({arg_name}) default differs"
            for arg_name, arg in actual_args.items():
                if arg_name not in expected_args:
                    assert arg.type.__class__.__name__ != "GraphQLNonNull" or arg.default_value is not None, (
                        f"added argument {where}({arg_name}) must be nullable or have a default"
                    )
        if isinstance(expected, GraphQLObjectType):
            for name, field in actual.fields.items():
                if name not in expected.fields:
                    assert "NonNull" not in type(field.type).__name__, f"added field {expected.name}.{name} not null"


def test_every_enum_has_the_spec_values(spec: GraphQLSchema, ours: GraphQLSchema) -> None:
    for expected in _spec_types(spec):
        if isinstance(expected, GraphQLEnumType):
            actual = ours.type_map[expected.name]
            assert isinstance(actual, GraphQLEnumType)
            assert set(actual.values) == set(expected.values), expected.name


def test_the_root_is_the_spec_query(spec: GraphQLSchema, ours: GraphQLSchema) -> None:
    assert ours.query_type is not None and spec.query_type is not None
    assert ours.query_type.name == spec.query_type.name
    assert ours.mutation_type is None
