"""The root resolvers. Each reads the request's snapshot; none waits on an upstream."""

from __future__ import annotations

import strawberry

from search.index import CourseSort, SearchError

from .errors import bad_user_input
from .types import (
    Course,
    CourseConnection,
    CourseFilter,
    Info,
    Participant,
    Platform,
)

MAX_PAGE_SIZE = 100


@strawberry.type
class Query:
    @strawberry.field
    def courses(
        self,
        info: Info,
        filter: CourseFilter | None = strawberry.UNSET,
        sort: CourseSort = CourseSort.RELEVANCE,
        first: int = 20,
        after: str | None = strawberry.UNSET,
    ) -> CourseConnection:
        """Courses from every platform, bundles excluded. Served from the gateway's catalogue snapshot."""
        if not 1 <= first <= MAX_PAGE_SIZE:
            raise bad_user_input(f"'first' must be between 1 and {MAX_PAGE_SIZE}, not {first}")
        context = info.context
        criteria = (filter or CourseFilter()).to_search()
        after = after or None
        index = context.snapshot.index
        eligible = context.rules.eligible_mask(index) if criteria.eligible_only else None
        try:
            page = index.search(criteria, sort, first, after, eligible)
        except SearchError as exc:
            raise bad_user_input(str(exc)) from None
        return CourseConnection.of(page)

    @strawberry.field
    def course(self, info: Info, id: strawberry.ID) -> Course | None:
        """One course by id. null when no such course is on sale (unknown id, a bundle, an inactive listing)."""
        listing = info.context.snapshot.index.get(id)
        return Course.of(listing) if listing else None

    @strawberry.field
    def compare(self, info: Info, ids: list[strawberry.ID]) -> list[Course | None]:
        """Several courses by id, side by side, in the order asked (null where not on sale). At most 20 ids."""
        limit = info.context.config.limits.max_compare_ids
        if len(ids) > limit:
            raise bad_user_input(f"'compare' takes at most {limit} ids, not {len(ids)}")
        index = info.context.snapshot.index
        return [Course.of(listing) if (listing := index.get(course_id)) else None for course_id in ids]

    @strawberry.field
    def platforms(self, info: Info) -> list[Platform]:
        """Every configured platform, with the health of its feed."""
        return [Platform.of(feed, info.context) for feed in info.context.snapshot.feeds.values()]

    @strawberry.field
    def viewer(self, info: Info) -> Participant | None:
        """The signed-in participant (from the Authorization: Bearer header), or null when no valid token was sent."""
        viewer = info.context.viewer
        return Participant.of(viewer) if viewer else None

