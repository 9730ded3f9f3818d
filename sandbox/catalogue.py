"""The demo catalogue: the canonical truth the simulated feeds render, generated deterministically from a seed.

:func:`generate` spreads courses over every platform of :data:`sandbox.platforms.PLATFORMS` the way the real
programme looked: many small LPs, the same course sold on several platforms at different prices (its title
sometimes differing in case, accents, punctuation or spacing), a few bundles, inactive listings, unparseable prices,
and listings missing an NIB, a syllabus or a final assessment. Every record holds what an adapter must make of the
listing, so tests compare the gateway's output with :class:`CourseRecord` fields directly.
"""

from __future__ import annotations

import html
import itertools
import random
import sys
import uuid
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Generic, Literal, TypeVar

from . import vocabulary as vocab
from .platforms import (
    DURATION_STEP_H,
    OPTIONAL_DURATION,
    PLATFORMS,
    TEXT_PRICES,
    UNRATED,
    labels_for,
)
from .text import fold, plain_text, slugify, strip_accents

Method = Literal["SELF_PACED", "WEBINAR", "OFFLINE"]


@dataclass(frozen=True, slots=True)
class Rating:
    average: float
    count: int


@dataclass(frozen=True, slots=True)
class CourseRecord:
    """One listing on one platform, as the platform means it (the feeds render it in the platform's own shape)."""

    platform: str
    listing_id: str
    """The platform's own id, as text (Tokopedia and Sisnaker send it as a number)."""
    slug: str
    """The platform's URL slug; Sekolahmu uses it as the id, Skill Academy builds the URL from it."""
    title: str
    provider_name: str
    provider_nib: str | None
    price: int
    """Whole rupiah. When ``bad_price`` is set the feed sends text nobody can parse instead."""
    category: str
    """The official category (rules.md §4) an adapter must give the listing."""
    platform_category: str
    """The platform's own label, exactly as its feed sends it."""
    method: Method
    duration_hours: float | None
    rating: Rating | None
    syllabus: tuple[str, ...]
    has_final_assessment: bool
    url: str
    description: str | None
    """As the feed sends it: HTML on some platforms, plain text on others. See :attr:`description_text`."""
    is_bundle: bool = False
    components: tuple[str, ...] = ()
    """A bundle's component listing ids, on the same platform."""
    active: bool = True
    bad_price: bool = False
    course_key: int = -1
    """Listings with the same key are the same course (same provider, same title after folding)."""

    @property
    def id(self) -> str:
        """The gateway's course id: ``"<platform>:<listing id>"``."""
        return f"{self.platform}:{self.listing_id}"

    @property
    def on_sale(self) -> bool:
        """Listed by the gateway: active, a single course, and a price that parses."""
        return self.active and not self.is_bundle and not self.bad_price

    @property
    def description_text(self) -> str | None:
        """The description as plain text, as the gateway must expose it."""
        return plain_text(self.description) or None if self.description else None


class DemoCatalogue:
    """An immutable set of records, with the views tests need. Build new ones with :meth:`with_records`."""

    def __init__(self, records: Iterable[CourseRecord], *, seed: int | None = None, junk_lines: int = 0,
                 repeated: Iterable[str] = ()) -> None:
        self.records: tuple[CourseRecord, ...] = tuple(records)
        self.seed = seed
        self.junk_lines = junk_lines
        """Lines of invalid JSON the Sisnaker export mixes in among its records."""
        self.repeated = frozenset(repeated)
        """Gateway ids (``"tokopedia:8811201"``) of listings their platform's feed sends twice, one right after the
        other: an export job that ran a batch again. They count twice in :attr:`by_platform` and its views."""
        grouped: dict[str, list[CourseRecord]] = {slug: [] for slug in PLATFORMS}
        self._index: dict[tuple[str, str], CourseRecord] = {}
        for record in self.records:
            if record.platform not in grouped:
                raise ValueError(f"unknown platform {record.platform!r} in record {record.listing_id!r}")
            if (record.platform, record.listing_id) in self._index:
                raise ValueError(f"duplicate listing {record.id!r}")
            grouped[record.platform].append(record)
            if self.repeated and record.id in self.repeated:
                grouped[record.platform].append(record)
            self._index[record.platform, record.listing_id] = record
        self.by_platform: Mapping[str, tuple[CourseRecord, ...]] = {k: tuple(v) for k, v in grouped.items()}
        """Every platform's records in feed order (platforms without records map to an empty tuple)."""
        self._courses: dict[int, list[CourseRecord]] | None = None

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[CourseRecord]:
        return iter(self.records)

    def get(self, platform: str, listing_id: str) -> CourseRecord:
        return self._index[platform, listing_id]

    # -- views --------------------------------------------------------------------------------------

    def on_sale(self, platform: str | None = None) -> tuple[CourseRecord, ...]:
        """What the gateway lists: active single courses with a parseable price."""
        return self._select(platform, lambda r: r.on_sale)

    def bundles(self, platform: str | None = None) -> tuple[CourseRecord, ...]:
        return self._select(platform, lambda r: r.is_bundle)

    def inactive(self, platform: str | None = None) -> tuple[CourseRecord, ...]:
        return self._select(platform, lambda r: not r.active)

    def bad_prices(self, platform: str | None = None) -> tuple[CourseRecord, ...]:
        return self._select(platform, lambda r: r.bad_price)

    def skipped(self, platform: str) -> int:
        """How many bad entries an adapter must skip and count: unparseable prices, plus junk lines on Sisnaker."""
        return len(self.bad_prices(platform)) + (self.junk_lines if platform == "sisnaker" else 0)

    def same_course(self, record: CourseRecord) -> tuple[CourseRecord, ...]:
        """The other on-sale listings of the same course (``otherOffers``), cheapest first."""
        listings = self._course_index().get(record.course_key, [])
        others = [r for r in listings if r is not record and r.on_sale]
        return tuple(sorted(others, key=lambda r: (r.price, r.id)))

    def shared_courses(self) -> tuple[tuple[CourseRecord, ...], ...]:
        """Courses on sale on more than one platform, each as its on-sale listings."""
        groups = ([r for r in listings if r.on_sale] for listings in self._course_index().values())
        return tuple(tuple(g) for g in groups if len({r.platform for r in g}) > 1)

    def _select(self, platform: str | None, keep: Callable[[CourseRecord], bool]) -> tuple[CourseRecord, ...]:
        records = self.records if platform is None else self.by_platform[platform]
        return tuple(r for r in records if keep(r))

    def _course_index(self) -> dict[int, list[CourseRecord]]:
        if self._courses is None:
            self._courses = {}
            for record in self.records:
                if record.course_key >= 0:
                    self._courses.setdefault(record.course_key, []).append(record)
        return self._courses

    # -- changed copies -----------------------------------------------------------------------------

    def with_records(self, records: Iterable[CourseRecord]) -> DemoCatalogue:
        """A copy with these records replacing the ones of the same id, and new ones appended."""
        changes = {(r.platform, r.listing_id): r for r in records}
        kept = [changes.pop((r.platform, r.listing_id), r) for r in self.records]
        return DemoCatalogue([*kept, *changes.values()], seed=self.seed, junk_lines=self.junk_lines,
                             repeated=self.repeated)

    def without(self, *ids: str) -> DemoCatalogue:
        """A copy without the records of these gateway ids (``"tokopedia:8811201"``)."""
        drop = set(ids)
        return DemoCatalogue((r for r in self.records if r.id not in drop), seed=self.seed, junk_lines=self.junk_lines,
                             repeated=self.repeated - drop)

    def with_feed_faults(self, *, junk_lines: int | None = None, repeated: Iterable[str] = ()) -> DemoCatalogue:
        """A copy whose Sisnaker export holds ``junk_lines`` broken lines (unless ``None``: as now) and whose feeds
        also send the listings ``repeated`` (gateway ids) twice."""
        return DemoCatalogue(self.records, seed=self.seed,
                             junk_lines=self.junk_lines if junk_lines is None else junk_lines,
                             repeated=self.repeated | set(repeated))


# -- the generator ----------------------------------------------------------------------------------

PLATFORM_SHARE: Final[dict[str, float]] = {
    "tokopedia": 0.18, "skillacademy": 0.14, "maubelajarapa": 0.11, "bukalapak": 0.10, "pintaria": 0.09,
    "sekolahmu": 0.12, "sisnaker": 0.08, "pijarmahir": 0.11, "karirmu": 0.07,
}
CATEGORY_SHARE: Final[dict[str, float]] = {
    "Teknologi Informasi": 0.22, "Penjualan dan Pemasaran": 0.15, "Lainnya": 0.06, "Makanan dan Minuman": 0.10,
    "Perkantoran": 0.08, "Teknik": 0.08, "Bahasa Asing": 0.07, "Keuangan": 0.06, "Gaya Hidup": 0.05,
    "Manajemen": 0.05, "Sosial dan Perilaku": 0.05, "Pertanian": 0.03,
}
BUNDLE_RATE: Final = 0.03
INACTIVE_RATE: Final = 0.03
BAD_PRICE_RATE: Final = 0.01
NO_NIB_RATE: Final = 0.05
NO_SYLLABUS_RATE: Final = 0.03
NO_ASSESSMENT_RATE: Final = 0.04
NO_DURATION_RATE: Final = 0.05
UNRATED_RATE: Final = 0.15
PLATFORMS_PER_COURSE: Final = {1: 78, 2: 14, 3: 6, 4: 2}
"""How many platforms sell one course, with weights: about one course in five is sold on several."""

# Price tiers (rupiah), with weights: free courses, the bulk under the 2020 balance, some up to the 2023 balance
# (both limits included exactly, since "above the limit" is strict), and a few beyond it.
PRICE_TIERS: Final[dict[tuple[int, ...], float]] = {
    (0,): 5,
    (49_000, 75_000, 99_000, 100_000, 125_000, 150_000, 175_000, 199_000, 200_000, 225_000, 250_000, 275_000,
     299_000, 300_000, 350_000, 400_000, 450_000, 499_000, 500_000, 600_000, 750_000, 800_000, 900_000,
     950_000, 1_000_000): 84,
    (1_250_000, 1_500_000, 1_750_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000): 8.5,
    (3_750_000, 4_000_000, 4_500_000, 5_000_000, 7_500_000): 2.5,
}
HOURS: Final = (2.0, 3.0, 4.0, 5.0, 6.0, 7.5, 8.0, 10.0, 12.0, 12.5, 15.0, 16.0, 20.0, 24.0, 30.0, 36.0, 40.0)
METHODS: Final[dict[Method, int]] = {"SELF_PACED": 65, "WEBINAR": 25, "OFFLINE": 10}
HTML_DESCRIPTIONS: Final = frozenset({"tokopedia", "skillacademy", "pintaria", "sekolahmu"})
NO_DESCRIPTION: Final = frozenset({"bukalapak"})
URLS: Final[dict[str, str]] = {
    "tokopedia": "https://www.tokopedia.com/prakerja/{slug}",
    "skillacademy": "https://skillacademy.com/kelas/{slug}",
    "maubelajarapa": "https://maubelajarapa.com/kelas/{slug}",
    "bukalapak": "https://www.bukalapak.com/prakerja/{id}",
    "pintaria": "https://www.pintaria.com/kursus/{slug}",
    "sekolahmu": "https://www.sekolah.mu/program/{slug}",
    "sisnaker": "https://skillhub.kemnaker.go.id/pelatihan/{id}",
    "pijarmahir": "https://pijarmahir.id/course/{id}",
    "karirmu": "https://karier.mu/kelas/{slug}",
}

T = TypeVar("T")
K = TypeVar("K")


class _Weighted(Generic[K]):
    """A weighted choice with its cumulative weights computed once (``random.choices`` redoes them per call)."""

    def __init__(self, weights: Mapping[K, float]) -> None:
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> K:
        return self.keys[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


_CATEGORIES = _Weighted(CATEGORY_SHARE)
_METHODS = _Weighted(METHODS)
_PLATFORM_COUNTS = _Weighted(PLATFORMS_PER_COURSE)
_PRICE_TIERS = _Weighted(PRICE_TIERS)
_SELLERS = {c: {p: PLATFORM_SHARE[p] for p in PLATFORMS if labels_for(p, c)} for c in CATEGORY_SHARE}
"""For each category, the platforms that have a label for it, with their shares."""
_FIRST_SELLER = {c: _Weighted(sellers) for c, sellers in _SELLERS.items()}


def generate(courses: int = 3000, seed: int = 2020) -> DemoCatalogue:
    """A catalogue of ``courses`` listings over every platform, the same for the same arguments."""
    if courses < 0:
        raise ValueError("courses must not be negative")
    return _Generator(random.Random(seed), courses).run(seed)


@dataclass(slots=True)
class _Provider:
    name: str
    nib: str
    categories: tuple[str, ...]


@dataclass(slots=True)
class _Draft:
    """A listing while it is being built; frozen into a :class:`CourseRecord` at the end."""

    platform: str
    course_key: int
    title: str
    topic: vocab.Topic
    provider: _Provider
    provider_name: str
    price: int
    category: str
    label: str
    method: Method
    hours: float | None
    rating: Rating | None
    syllabus: tuple[str, ...]
    description: str | None
    is_bundle: bool = False
    parts: list[_Draft] = field(default_factory=list)
    listing_id: str = ""
    slug: str = ""
    nib: bool = True
    assessment: bool = True
    active: bool = True
    bad_price: bool = False


class _Generator:
    def __init__(self, rng: random.Random, courses: int) -> None:
        self.rng = rng
        self.courses = courses
        self.providers = self._providers(min(3000, max(40, courses // 10)))
        self.by_category: dict[str, list[_Provider]] = {c: [] for c in CATEGORY_SHARE}
        for provider in self.providers:
            for category in provider.categories:
                self.by_category[category].append(provider)
        self.seen: set[tuple[str, str]] = set()
        self.drafts: dict[str, list[_Draft]] = {p: [] for p in PLATFORMS}
        self.keys = 0

    def run(self, seed: int) -> DemoCatalogue:
        bundles = round(self.courses * BUNDLE_RATE)
        singles = self.courses - bundles
        made = 0
        while made < singles:
            made += self._course(limit=singles - made)
        self._add_bundles(bundles)
        records: list[CourseRecord] = []
        for platform, drafts in self.drafts.items():
            self._number(platform, drafts)
            self._flag(platform, drafts)
            records.extend(_freeze(d) for d in drafts)
        junk = max(2, len(self.drafts["sisnaker"]) // 60) if self.drafts["sisnaker"] else 0
        return DemoCatalogue(records, seed=seed, junk_lines=junk)

    # -- providers ----------------------------------------------------------------------------------

    def _providers(self, count: int) -> list[_Provider]:
        rng = self.rng
        names: set[str] = set()
        providers: list[_Provider] = []
        nibs = rng.sample(range(10**10), count)
        categories = list(CATEGORY_SHARE)
        weights = list(CATEGORY_SHARE.values())
        while len(providers) < count:
            a, b = rng.sample(vocab.PROVIDER_WORDS, 2)
            name = rng.choice(vocab.PROVIDER_PATTERNS).format(a=a, b=b, city=rng.choice(vocab.CITIES))
            if fold(name) in names:
                continue
            names.add(fold(name))
            # Most LPs teach in one or two fields; the biggest spread wider.
            fields = {*rng.choices(categories, weights, k=rng.choice((1, 1, 2, 3)))}
            nib = f"{rng.choice('89')}12{nibs[len(providers)]:010d}"
            providers.append(_Provider(name, nib, tuple(sorted(fields))))
        return providers

    # -- single courses -----------------------------------------------------------------------------

    def _course(self, limit: int) -> int:
        """One course, listed on one or more platforms (at most ``limit``); returns how many listings."""
        rng = self.rng
        category = _CATEGORIES(rng)
        topic, title, provider = self._title(category)
        key = self.keys
        self.keys += 1
        count = min(limit, _PLATFORM_COUNTS(rng))
        platforms = self._platforms(category, count)
        price = _price(rng)
        hours = rng.choice(HOURS)
        method = _METHODS(rng)
        syllabus = _syllabus(rng, topic)
        description = _description(rng, title, topic)
        for n, platform in enumerate(platforms):
            first = n == 0
            self.drafts[platform].append(_Draft(
                platform=platform,
                course_key=key,
                title=title if first or rng.random() < 0.6 else _title_variant(rng, title),
                topic=topic,
                provider=provider,
                provider_name=provider.name if first or rng.random() < 0.9 else provider.name.upper(),
                price=price if first else _other_price(rng, price),
                category=category,
                label=self._label(platform, category),
                method=method,
                hours=_hours(rng, platform, hours),
                rating=None if platform in UNRATED or rng.random() < UNRATED_RATE else _rating(rng),
                syllabus=syllabus,
                description=_render_description(rng, platform, description),
            ))
        return len(platforms)

    def _title(self, category: str) -> tuple[vocab.Topic, str, _Provider]:
        rng = self.rng
        providers = self.by_category[category] or self.providers
        for _ in range(10_000):
            topic = rng.choice(vocab.TOPICS[category])
            title = sys.intern(rng.choice(vocab.TITLE_PATTERNS).format(skill=topic[0], job=topic[1]))
            provider = rng.choice(providers)
            key = (provider.nib, fold(title))
            if key not in self.seen:
                self.seen.add(key)
                return topic, title, provider
        raise RuntimeError(f"ran out of distinct {category} titles; generate fewer courses")

    def _platforms(self, category: str, count: int) -> list[str]:
        sellers = _SELLERS[category]
        first = _FIRST_SELLER[category](self.rng)
        if count == 1:
            return [first]
        candidates = {p: w for p, w in sellers.items() if p != first}
        chosen = [first]
        while candidates and len(chosen) < count:
            platform = _Weighted(candidates)(self.rng)
            chosen.append(platform)
            del candidates[platform]
        return chosen

    def _label(self, platform: str, category: str) -> str:
        label = self.rng.choice(labels_for(platform, category))
        if platform == "pintaria" and self.rng.random() < 0.3:
            # Pintaria types its categories by hand: any letter case, stray spaces (platforms.md §4).
            label = self.rng.choice((label.lower(), label.upper(), f"  {label} ", label.replace(" ", "  ")))
        return label

    # -- bundles ------------------------------------------------------------------------------------

    def _add_bundles(self, total: int) -> None:
        rng = self.rng
        shares = _apportion(total, PLATFORM_SHARE)
        for platform, count in shares.items():
            singles = list(self.drafts[platform])
            if len(singles) < 2:
                continue
            for _ in range(count):
                parts = rng.sample(singles, min(len(singles), rng.choice((2, 2, 3, 4))))
                head = parts[0]
                pattern = rng.choice(vocab.BUNDLE_PATTERNS)
                title = pattern.format(skill=head.topic[0], job=head.topic[1], n=len(parts))
                hours = [p.hours for p in parts]
                bundle = _Draft(
                    platform=platform,
                    course_key=self.keys,
                    title=title,
                    topic=head.topic,
                    provider=head.provider,
                    provider_name=head.provider_name,
                    price=_round_to(sum(p.price for p in parts) * 0.8, 1000),
                    category=head.category,
                    label=head.label,
                    method=head.method,
                    hours=None if None in hours else sum(h for h in hours if h is not None),
                    rating=None,
                    syllabus=tuple(p.title for p in parts),
                    description=head.description,
                    is_bundle=True,
                    parts=parts,
                )
                self.keys += 1
                self.drafts[platform].insert(rng.randrange(len(self.drafts[platform]) + 1), bundle)

    # -- ids, slugs and flags -----------------------------------------------------------------------

    def _number(self, platform: str, drafts: list[_Draft]) -> None:
        rng = self.rng
        serial = {"tokopedia": 8_811_200, "bukalapak": 99_000, "sisnaker": 70, "pijarmahir": 4_800}.get(platform, 0)
        used: set[str] = set()
        suffixes: dict[str, int] = {}
        for draft in drafts:
            serial += rng.randint(1, 40) if platform in ("tokopedia", "bukalapak", "pijarmahir") else 1
            # Unique per platform (Sekolahmu's slug is its id): "judul", "judul-2", ... skipping any taken.
            base = slug = slugify(draft.title)
            while slug in used:
                suffixes[base] = suffixes.get(base, 1) + 1
                slug = f"{base}-{suffixes[base]}"
            used.add(slug)
            draft.slug = slug
            draft.listing_id = _listing_id(rng, platform, serial, slug)

    def _flag(self, platform: str, drafts: list[_Draft]) -> None:
        # Exact shares rather than coin tosses, so even a small catalogue has every case on every platform.
        singles = [d for d in drafts if not d.is_bundle]
        for draft in _pick(self.rng, drafts, INACTIVE_RATE):
            draft.active = False
        if platform in TEXT_PRICES:
            for draft in _pick(self.rng, [d for d in singles if d.active], BAD_PRICE_RATE):
                draft.bad_price = True
        for draft in _pick(self.rng, singles, NO_NIB_RATE):
            draft.nib = False
        for draft in _pick(self.rng, singles, NO_SYLLABUS_RATE):
            draft.syllabus = ()
        for draft in _pick(self.rng, singles, NO_ASSESSMENT_RATE):
            draft.assessment = False


def _freeze(draft: _Draft) -> CourseRecord:
    url = URLS[draft.platform].format(slug=draft.slug, id=draft.listing_id)
    return CourseRecord(
        platform=draft.platform,
        listing_id=draft.listing_id,
        slug=draft.slug,
        title=draft.title,
        provider_name=draft.provider_name,
        provider_nib=draft.provider.nib if draft.nib else None,
        price=draft.price,
        category=draft.category,
        platform_category=draft.label,
        method=draft.method,
        duration_hours=draft.hours,
        rating=draft.rating,
        syllabus=draft.syllabus,
        has_final_assessment=draft.assessment,
        url=url,
        description=draft.description,
        is_bundle=draft.is_bundle,
        components=tuple(p.listing_id for p in draft.parts),
        active=draft.active,
        bad_price=draft.bad_price,
        course_key=draft.course_key,
    )


def _listing_id(rng: random.Random, platform: str, serial: int, slug: str) -> str:
    """An id in the platform's own style (platforms.md): numbers, UUIDs, prefixed codes or slugs."""
    match platform:
        case "skillacademy":
            return str(uuid.UUID(int=rng.getrandbits(128), version=4))
        case "maubelajarapa":
            return f"MBA-{serial:04d}"
        case "bukalapak":
            return f"bl-{serial}"
        case "pintaria":
            return f"PIN-{1000 + serial}"
        case "sekolahmu":
            return slug
        case "karirmu":
            return f"KRM-{serial:05d}"
        case _:
            return str(serial)


# -- small random helpers ---------------------------------------------------------------------------

def _pick(rng: random.Random, items: Sequence[T], rate: float) -> list[T]:
    if not items:
        return []
    return rng.sample(list(items), min(len(items), max(1, round(len(items) * rate))))


def _apportion(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    """``total`` split by ``shares``, every key getting at least one while there are enough to go round."""
    counts = {k: (1 if total >= len(shares) else 0) for k in shares}
    rest = total - sum(counts.values())
    whole = sum(shares.values())
    for key, share in shares.items():
        counts[key] += int(rest * share / whole)
    for key in sorted(shares, key=shares.__getitem__, reverse=True)[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _round_to(value: float, step: int) -> int:
    return round(value / step) * step


def _price(rng: random.Random) -> int:
    price = rng.choice(_PRICE_TIERS(rng))
    if 0 < price <= 1_000_000 and rng.random() < 0.1:
        price = _round_to(price * rng.choice((0.5, 0.65, 0.7)), 50)  # a discounted price such as Rp174.750
    return price


def _other_price(rng: random.Random, price: int) -> int:
    """The same course's price on another platform: sometimes equal, usually a little different."""
    if price == 0:
        return 0 if rng.random() < 0.7 else rng.choice((20_000, 49_000))
    return max(1_000, _round_to(price * rng.choice((0.85, 0.9, 1.0, 1.1, 1.15, 1.25)), 1000))


def _hours(rng: random.Random, platform: str, hours: float) -> float | None:
    if platform in OPTIONAL_DURATION and rng.random() < NO_DURATION_RATE:
        return None
    step = DURATION_STEP_H.get(platform)
    return max(1, round(hours / step)) * step if step else hours


def _rating(rng: random.Random) -> Rating:
    return Rating(round(rng.uniform(3.5, 5.0), 1), max(1, int(10 ** rng.uniform(0, 3.7))))


def _syllabus(rng: random.Random, topic: vocab.Topic) -> tuple[str, ...]:
    skill, job = topic
    modules = [
        rng.choice(vocab.MODULE_OPENERS),
        *rng.sample(vocab.MODULE_CORE, rng.randint(2, 4)),
        rng.choice(vocab.MODULE_CLOSERS),
    ]
    # Interned: a few hundred distinct module titles are shared by every course (a third of the memory at 100k).
    return tuple(sys.intern(m.format(skill=skill, job=job)) for m in modules)


def _title_variant(rng: random.Random, title: str) -> str:
    """The same title as another platform types it: only case, accents, punctuation or spacing differ."""
    variants: tuple[Callable[[str], str], ...] = (
        str.lower,
        lambda t: t[:1] + t[1:].lower(),
        str.upper,
        strip_accents,
        lambda t: t.replace(" untuk ", " - untuk ", 1) if " untuk " in t else t + ".",
        lambda t: t.replace(": ", " - ") if ": " in t else t + "!",
        lambda t: t.replace(" ", "  ", 1),
    )
    return rng.choice(variants)(title)


@dataclass(frozen=True, slots=True)
class _Description:
    title: str
    audience: str
    goal: str
    instructor: str


def _description(rng: random.Random, title: str, topic: vocab.Topic) -> _Description:
    skill, job = topic
    goal = rng.choice(vocab.GOALS).format(job=job.lower(), skill_lower=skill.lower())
    return _Description(title, rng.choice(vocab.AUDIENCES), goal, rng.choice(vocab.DEMO_INSTRUCTORS))


def _render_description(rng: random.Random, platform: str, d: _Description) -> str | None:
    if platform in NO_DESCRIPTION or (platform == "sekolahmu" and rng.random() < 0.05):
        return None
    if platform in HTML_DESCRIPTIONS or rng.random() < 0.1:
        e = html.escape
        return (
            f"<p>Pelatihan <strong>{e(d.title)}</strong> membantu {e(d.audience)} {e(d.goal)}.</p>"
            f"<p>Dipandu {e(d.instructor)} &amp; tim praktisi, dengan sesi &quot;tanya jawab&quot; tiap modul.</p>"
            "<ul><li>Sertifikat Prakerja</li><li>Akses materi selamanya</li></ul>"
        )
    return (
        f"Pelatihan {d.title} membantu {d.audience} {d.goal}. "
        f"Dipandu {d.instructor} & tim praktisi, dengan sesi tanya jawab tiap modul."
    )
