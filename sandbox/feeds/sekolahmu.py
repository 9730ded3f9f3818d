"""Sekolahmu (platforms.md §5): a GraphQL endpoint answering ``programs(first, after)``.

This is no GraphQL engine: any query that asks for ``programs`` gets the fixed field set of the spec, paged by the
``first`` / ``after`` variables. A real server's answers to malformed requests are kept (errors, HTTP 200).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
from aiohttp import web

from ..catalogue import CourseRecord
from ..http import decode_cursor, encode_cursor, json_response, page
from .base import Feed, number_price, rating_or_none

_LEARNING_TYPES = {"SELF_PACED": "asinkron", "WEBINAR": "sinkron", "OFFLINE": "tatap_muka"}
MAX_FIRST = 100


class SekolahmuFeed(Feed):
    slug = "sekolahmu"
    in_band_errors = True

    def routes(self) -> Iterable[web.RouteDef]:
        return [web.post("/graphql", self.graphql)]

    async def graphql(self, request: web.Request) -> web.Response:
        try:
            payload = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return json_response({"errors": [{"message": "Request body is not valid JSON"}]}, status=400)
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return json_response({"errors": [{"message": "Must provide query string."}]}, status=400)
        if "programs" not in payload["query"]:
            return _errors("This endpoint only answers the programs query.")
        variables = payload.get("variables") or {}
        if not isinstance(variables, dict):
            return _errors("Variables must be an object.")
        first, after = variables.get("first"), variables.get("after")
        if not isinstance(first, int) or isinstance(first, bool) or not 1 <= first <= MAX_FIRST:
            return _errors(f'Variable "$first" of required type "Int!" must be between 1 and {MAX_FIRST}.')
        if after is not None and not isinstance(after, str):
            return _errors('Variable "$after" got invalid value; String expected.')
        try:
            offset = decode_cursor(after)
        except web.HTTPBadRequest:
            return _errors(f"Invalid cursor: {after!r}")
        chunk = page(self.records, offset, first)
        end = offset + len(chunk.items)
        return json_response({"data": {"programs": {
            "pageInfo": {"hasNextPage": chunk.next_offset is not None,
                         "endCursor": encode_cursor(end) if chunk.items else None},
            "nodes": [self.item(r) for r in chunk.items],
        }}})

    def item(self, record: CourseRecord) -> dict[str, Any]:
        average, count = rating_or_none(record)
        return {
            "slug": record.slug,
            "title": record.title,
            "partner": {"name": record.provider_name, "nib": record.provider_nib},
            "price": number_price(record),
            "isBundle": record.is_bundle,
            "bundleContents": list(record.components),
            "category": record.platform_category,
            "learningType": _LEARNING_TYPES[record.method],
            "totalHours": record.duration_hours,
            "rating": average,
            "ratingCount": count,
            "modules": list(record.syllabus),
            "hasPostTest": record.has_final_assessment,
            "status": "PUBLISHED" if record.active else "UNPUBLISHED",
            "descriptionHtml": record.description,
        }

    def spoil(self, body: Any) -> Any:
        body["errors"] = [{"message": "Internal server error: partner service timed out", "path": ["programs"]}]
        return body


def _errors(message: str) -> web.Response:
    return json_response({"errors": [{"message": message}], "data": None})
