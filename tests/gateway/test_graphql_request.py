"""Whatever an HTTP request holds, it becomes a GraphQL request or a coded 4xx: never a 500, never a trace."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import orjson
import pytest

JSON = {"Content-Type": "application/json"}
TYPENAME = b'{"query": "{ __typename }", "variables": {"v": %s}}'


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


@pytest.mark.parametrize(
    ("body", "headers", "status", "says"),
    [
        (b"\xff\xfe{}", JSON, 400, "not UTF-8"),
        (b'"hello"', JSON, 400, "must be a JSON object"),
        (b"null", JSON, 400, "must be a JSON object"),
        (b"42", JSON, 400, "must be a JSON object"),
        (b"[]", JSON, 400, "batched requests"),
        (b'[{"query": "{ __typename }"}]', JSON, 400, "batched requests"),
        (b"", JSON, 400, "body is empty"),
        (b"  \n", JSON, 400, "body is empty"),
        (b"{not json", JSON, 400, "not valid JSON"),
        (TYPENAME % (b"1" * 4301), JSON, 400, "not valid JSON"),
        (TYPENAME % nested(300), JSON, 400, "nests deeper than 32 levels"),
        (TYPENAME % nested(1100), JSON, 400, "not valid JSON"),
        (b'{"query": "{ __typename }", "extensions": {"x": %s}}' % nested(40), JSON, 400, "nests deeper"),
        (TYPENAME % b'"\\ud800"', JSON, 400, "not valid JSON"),
        (b'{"query": 42}', JSON, 400, "'query' must be a string"),
        (b'{"query": "{ __typename }", "operationName": ["A"]}', JSON, 400, "'operationName' must be a string"),
        (b'{"query": "{ __typename }", "variables": "{}"}', JSON, 400, "'variables' must be an object"),
        (b'{"query": "{ __typename }", "extensions": 0}', JSON, 400, "'extensions' must be an object"),
        (b'{"qeury": "{ __typename }"}', JSON, 400, "has no 'query'"),
        (b'{"query": "{ __typename }"}', {}, 415, "needs 'Content-Type: application/json'"),
        (b"{ __typename }", {"Content-Type": "application/graphql"}, 415, "'application/graphql' is not supported"),
        (b"query={ __typename }", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "not supported"),
        (b'{"query": "{ __typename }"}', {"Content-Type": "application/json; charset=latin-1"}, 415, "UTF-8"),
    ],
    ids=["not-utf8", "string", "null", "number", "empty-batch", "batch", "empty", "blank", "not-json",
         "4301-digit-integer", "300-levels", "1100-levels", "deep-extensions", "lone-surrogate", "query-number",
         "operation-name-list", "variables-text", "extensions-number", "no-query", "no-content-type",
         "graphql-content-type", "form", "latin-1"],
)
def test_a_malformed_post_is_a_coded_4xx(http: httpx.Client, caplog: pytest.LogCaptureFixture, body: bytes,
                                         headers: dict[str, str], status: int, says: str) -> None:
    with caplog.at_level(logging.WARNING):
        answer = http.post("/graphql", content=body, headers=headers)
    assert answer.status_code == status, answer.text
    assert_one_coded_error(answer, says)
    assert not caplog.records, "a client's malformed request is not the log's news"


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"query": "{ __typename }", "variables": "{not json"}, "'variables' is not valid JSON"),
        ({"query": "{ __typename }", "variables": "[1]"}, "'variables' must be a JSON object"),
        ({"query": "{ __typename }", "extensions": '"x"'}, "'extensions' must be a JSON object"),
        ({"query": "{ __typename }", "variables": orjson.dumps({"v": 1}).decode() + "\\ud800"}, "not valid JSON"),
        ({}, "has no 'query'"),
    ],
    ids=["variables-not-json", "variables-list", "extensions-text", "trailing-garbage", "nothing"],
)
def test_a_malformed_get_is_a_coded_400(http: httpx.Client, params: dict[str, str], says: str) -> None:
    answer = http.get("/graphql", params=params)
    assert answer.status_code == 400, answer.text
    assert_one_coded_error(answer, says)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_method_other_than_get_and_post_is_a_coded_405(http: httpx.Client, method: str) -> None:
    answer = http.request(method, "/graphql", content=b'{"query": "{ __typename }"}', headers=JSON)
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, POST"
    assert_one_coded_error(answer, f"{method} is not supported")


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ __typename }", "variables": None, "operationName": None, "extensions": None},
        {"query": "query Q($v: String!) { __type(name: $v) { name } __typename }", "variables": {"v": "Query"},
         "operationName": "Q"},
        {"query": "{ __typename }", "extensions": {"tracing": True}, "id": "ignored"},
    ],
    ids=["nulls", "named-with-variables", "unknown-keys"],
)
def test_a_well_formed_post_is_executed(http: httpx.Client, body: dict[str, Any]) -> None:
    answer = http.post("/graphql", content=orjson.dumps(body),
                       headers={"Content-Type": "application/json; charset=UTF-8"})
    assert answer.status_code == 200 and answer.json()["data"]["__typename"] == "Query"
    assert "errors" not in answer.json()


def test_a_get_carries_variables_and_extensions_as_json_text(http: httpx.Client) -> None:
    answer = http.get("/graphql", params={"query": "query($first: Int!) { courses(first: $first) { totalCount } }",
                                          "variables": '{"first": 1}', "extensions": "{}"})
    assert answer.status_code == 200 and answer.json()["data"]["courses"]["totalCount"] > 0


def assert_one_coded_error(answer: httpx.Response, says: str) -> None:
    assert answer.headers["content-type"].startswith("application/json")
    assert "Traceback" not in answer.text and 'File "' not in answer.text
    body = answer.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and says in error["message"], error
