"""The GraphQL types of schema.graphql. Leaf fields are plain attributes, filled from the domain types."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from core import domain
from core.domain import CardStatus, LearningMethod, PlatformStatus, PurchaseStatus, Scheme
from core.snapshot import FeedState
from search import eligibility, index
from search.eligibility import EligibilityCode, EligibilityStatus
from search.index import CourseFilter as SearchFilter
from search.index import CourseSort

from .context import RequestContext

Info = strawberry.Info[RequestContext, None]

for _enum in (LearningMethod, PlatformStatus, CourseSort, EligibilityStatus, EligibilityCode, Scheme, CardStatus,
              PurchaseStatus):
    strawberry.enum(_enum)  # the domain's own enums are the GraphQL enums: one definition, no mapping


@strawberry.type
class Money:
    amount: int = strawberry.field(description="Whole rupiah.")
    currency: str = strawberry.field(description='Always "IDR".')
    formatted: str = strawberry.field(description='Indonesian format: "Rp1.500.000"; 0 is "Rp0".')

    @classmethod
    def of(cls, amount: int) -> Money:
        return cls(amount=amount, currency="IDR", formatted="Rp" + f"{amount:,}".replace(",", "."))


@strawberry.type
class Rating:
    average: float
    count: int


@strawberry.type
class Provider:
    name: str = strawberry.field(description="The Lembaga Pelatihan (training institution).")
    nib: str | None = strawberry.field(description="Nomor Induk Berusaha from OSS; null when the platform gives none.")


@strawberry.type
class Platform:
    slug: str
    name: str
    status: PlatformStatus
    course_count: int = strawberry.field(
        description="Courses of this platform in the current snapshot (bundles and inactive listings excluded)."
    )
    last_refreshed_at: datetime | None = strawberry.field(
        description="When the last successful refresh of this platform's feed finished; null before the first."
    )
    last_error: str | None = strawberry.field(
        description="The last refresh failure, in words; null when the last refresh succeeded."
    )

    @classmethod
    def of(cls, feed: FeedState, context: RequestContext) -> Platform:
        return cls(
            slug=feed.slug,
            name=feed.name,
            status=feed.status(context.now, context.config.catalogue.stale_after_s),
            course_count=feed.courses,
            last_refreshed_at=feed.last_success_at,
            last_error=feed.last_error,
        )

    @classmethod
    def named(cls, slug: str, context: RequestContext) -> Platform:
        """The platform of a slug; one no longer configured is shown DOWN, with no courses."""
        feed = context.snapshot.feeds.get(slug)
        if feed is not None:
            return cls.of(feed, context)
        return cls(slug=slug, name=slug, status=PlatformStatus.DOWN, course_count=0, last_refreshed_at=None,
                   last_error="this platform is not configured")


@strawberry.type
class EligibilityReason:
    code: EligibilityCode
    message: str = strawberry.field(description="A short explanation in Indonesian, fit to show a participant.")


@strawberry.type
class Eligibility:
    status: EligibilityStatus
    reasons: list[EligibilityReason] = strawberry.field(
        description="Every rule that fails, in the order of rules.md; empty when ELIGIBLE or SIGN_IN_REQUIRED."
    )

    @classmethod
    def of(cls, result: eligibility.Eligibility) -> Eligibility:
        reasons = [EligibilityReason(code=code, message=eligibility.MESSAGES[code]) for code in result.reasons]
        return cls(status=result.status, reasons=reasons)


@strawberry.type
class Course:
    id: strawberry.ID = strawberry.field(
        description='"<platform slug>:<the platform\'s own id>", e.g. "tokopedia:8811201".'
    )
    title: str
    description: str | None = strawberry.field(description="Plain text: HTML tags removed and entities decoded.")
    provider: Provider
    price: Money
    category: str = strawberry.field(
        description='One of the official categories (rules.md); a platform label that maps to none gives "Lainnya".'
    )
    method: LearningMethod
    duration_hours: float | None = strawberry.field(
        description="Hours of learning; null when the platform gives no duration."
    )
    rating: Rating | None = strawberry.field(description="null when the course has no reviews.")
    syllabus: list[str] = strawberry.field(description="Module titles in order; empty when the platform lists none.")
    has_final_assessment: bool = strawberry.field(
        description="The course ends with a post-test or skills assessment."
    )
    url: str | None = strawberry.field(description="The course page on its platform.")
    listing: strawberry.Private[domain.Listing]

    @classmethod
    def of(cls, listing: domain.Listing) -> Course:
        rating = listing.rating
        return cls(
            id=strawberry.ID(listing.id),
            title=listing.title,
            description=listing.description,
            provider=Provider(name=listing.provider.name, nib=listing.provider.nib),
            price=Money.of(listing.price),
            category=listing.category,
            method=listing.method,
            duration_hours=listing.duration_hours,
            rating=Rating(average=rating.average, count=rating.count) if rating else None,
            syllabus=list(listing.syllabus),
            has_final_assessment=listing.has_final_assessment,
            url=listing.url,
            listing=listing,
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform:
        return Platform.named(self.listing.platform, info.context)

    @strawberry.field
    def eligibility(self, info: Info) -> Eligibility:
        """Whether the caller may buy this course with a Prakerja card now, and if not, why."""
        return Eligibility.of(info.context.rules.of(self.listing))

    @strawberry.field
    def other_offers(self, info: Info) -> list[Course]:
        """The same course (same provider, same title) on sale on other platforms, cheapest first."""
        return [Course.of(offer) for offer in info.context.snapshot.index.other_offers(self.listing)]


@strawberry.type
class CourseEdge:
    cursor: str
    listing: strawberry.Private[domain.Listing]

    @strawberry.field
    def node(self) -> Course:
        # Made when asked for: the fast path renders most courses from templates, without a Course object.
        return Course.of(self.listing)


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class FacetCount:
    value: str = strawberry.field(
        description="A platform slug, an official category name, or a LearningMethod name; "
        "values with no course are left out."
    )
    count: int


@strawberry.type
class CourseFacets:
    platforms: list[FacetCount]
    categories: list[FacetCount]
    methods: list[FacetCount]

    @classmethod
    def of(cls, facets: index.Facets) -> CourseFacets:
        def counts(pairs: tuple[tuple[str, int], ...]) -> list[FacetCount]:
            return [FacetCount(value=value, count=count) for value, count in pairs]

        return cls(platforms=counts(facets.platforms), categories=counts(facets.categories),
                   methods=counts(facets.methods))


@strawberry.type
class CourseConnection:
    edges: list[CourseEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Number of courses matching the filter, over all pages.")
    facets: CourseFacets = strawberry.field(
        description="Counts over the whole filtered result, for building filter menus."
    )

    @classmethod
    def of(cls, page: index.SearchPage) -> CourseConnection:
        edges = [CourseEdge(cursor=c, listing=listing) for listing, c in zip(page.listings, page.cursors,
                                                                                       strict=True)]
        return cls(
            edges=edges,
            page_info=PageInfo(has_next_page=page.has_next, end_cursor=page.cursors[-1] if page.cursors else None),
            total_count=page.total,
            facets=CourseFacets.of(page.facets),
        )


@strawberry.input
class CourseFilter:
    search: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Free text over title, description, provider name and syllabus; case- and accent-insensitive.",
    )
    platforms: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description='Platform slugs, e.g. ["tokopedia", "pintaria"].'
    )
    categories: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description='Official category names, e.g. ["Teknologi Informasi"].'
    )
    methods: list[LearningMethod] | None = strawberry.UNSET
    min_price: int | None = strawberry.field(default=strawberry.UNSET, description="Inclusive bounds, in rupiah.")
    max_price: int | None = strawberry.UNSET
    min_rating: float | None = strawberry.UNSET
    provider: str | None = strawberry.field(
        default=strawberry.UNSET, description="Substring of the provider (Lembaga Pelatihan) name, case-insensitive."
    )
    eligible_only: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Only courses whose eligibility status for this request is ELIGIBLE."
    )

    def to_search(self) -> SearchFilter:
        def given(value: Any) -> Any:
            return None if value is strawberry.UNSET else value

        def listed(values: Any) -> tuple[Any, ...] | None:
            return None if given(values) is None else tuple(values)

        return SearchFilter(
            search=given(self.search),
            platforms=listed(self.platforms),
            categories=listed(self.categories),
            methods=listed(self.methods),
            min_price=given(self.min_price),
            max_price=given(self.max_price),
            min_rating=given(self.min_rating),
            provider=given(self.provider),
            eligible_only=bool(given(self.eligible_only)),
        )


@strawberry.type
class Purchase:
    course_id: strawberry.ID = strawberry.field(
        description="The course id in the gateway's form; the course may no longer be on sale."
    )
    title: str
    purchased_at: datetime
    price: Money
    status: PurchaseStatus
    is_bundle: bool
    honoured: bool = strawberry.field(
        description="false only for a bundle bought on or after the bundle cut-off (rules.md); "
        "such a purchase is not honoured."
    )
    platform_slug: strawberry.Private[str]

    @classmethod
    def of(cls, purchase: domain.Purchase) -> Purchase:
        return cls(
            course_id=strawberry.ID(purchase.course_id),
            title=purchase.title,
            purchased_at=purchase.purchased_at,
            price=Money.of(purchase.price),
            status=purchase.status,
            is_bundle=purchase.is_bundle,
            honoured=purchase.honoured,
            platform_slug=purchase.platform,
        )

    @strawberry.field
    def platform(self, info: Info) -> Platform:
        return Platform.named(self.platform_slug, info.context)


@strawberry.type
class Participant:
    card_number: str = strawberry.field(
        description='Masked: only the last 4 digits shown, e.g. "**** **** **** 1234".'
    )
    scheme: Scheme
    card_status: CardStatus
    initial_balance: Money
    remaining_balance: Money
    first_purchase_deadline: datetime | None = strawberry.field(
        description="recipientSince + the scheme's window; null once a first purchase was made."
    )
    purchases: list[Purchase] = strawberry.field(description="Newest first.")

    @classmethod
    def of(cls, participant: domain.Participant) -> Participant:
        newest_first = sorted(participant.purchases, key=lambda p: p.purchased_at, reverse=True)
        return cls(
            card_number=participant.masked_card_number,
            scheme=participant.scheme,
            card_status=participant.card_status,
            initial_balance=Money.of(participant.initial_balance),
            remaining_balance=Money.of(participant.remaining_balance),
            first_purchase_deadline=participant.first_purchase_deadline,
            purchases=[Purchase.of(p) for p in newest_first],
        )
