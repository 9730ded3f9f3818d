"""Course identity (rules.md §5): same provider and same title, case, accents, punctuation and spacing ignored."""

from __future__ import annotations

import pytest

from core.domain import Provider
from core.identity import nib_key, same_course, same_provider, title_key
from tests import skill_week


def test_every_real_title_is_its_own_course_whatever_way_a_platform_types_it() -> None:
    keys = {title_key(title) for title in skill_week.titles()}
    assert len(keys) == len(skill_week.titles())  # 266 different courses stay different
    for title in skill_week.titles():
        for variant in skill_week.variants():
            assert title_key(variant(title)) == title_key(title), (title, variant(title))


@pytest.mark.parametrize(
    "variant",
    [
        "Fundamental Front-End Engineer with React",
        "FUNDAMENTAL FRONT END ENGINEER WITH REACT",
        "fundamental  frontend engineer with react.",
        "Fundamentál Frönt-Énd Engineer — with React!",
        " Fundamental Front_End Engineer\twith React ",
    ],
)
def test_title_key_ignores_case_accents_punctuation_and_spacing(variant: str) -> None:
    assert title_key(variant) == title_key("Fundamental Front-End Engineer with React")


def test_different_titles_stay_different() -> None:
    assert title_key("Kursus Sertifikasi Brevet Pajak A/B Terapan") != title_key("Kursus Sertifikasi Brevet Pajak A")
    assert title_key("Belajar Bahasa Korea") != title_key("Belajar Bahasa Korea 2")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (Provider("Bebas Jam Kerja", "9120001234567"), Provider("LKP Bebas Jam Kerja", "9120001234567"), True),
        (Provider("Bebas Jam Kerja", "9120001234567"), Provider("Bebas Jam Kerja", "9120009999999"), False),
        (Provider("Bebas Jam Kerja", "9120001234567"), Provider("bebas jam-kerja", None), True),
        (Provider("Bebas Jam Kerja", ""), Provider("BEBAS  JAM KERJA", None), True),
        (Provider("PT. Bina Karya", None), Provider("PT Bina Karya", None), True),
        (Provider("Kursus Kué Ibu", None), Provider("kursus kue ibu", None), True),
        (Provider("Bina Karya", None), Provider("Bina Karya Mandiri", None), False),
        (Provider("912-000-1234567", "912 000 1234567"), Provider("x", "9120001234567"), True),
        (Provider("-", "-"), Provider("...", None), False),  # a name of punctuation alone says nothing
    ],
)
def test_same_provider(a: Provider, b: Provider, same: bool) -> None:
    assert same_provider(a, b) is same
    assert same_provider(b, a) is same


def test_nib_key() -> None:
    assert nib_key("9120001234567") == "9120001234567"
    assert nib_key(" 912-000-1234567 ") == "9120001234567"
    assert nib_key("") is nib_key(None) is nib_key("-") is None


def test_same_course_needs_both_the_provider_and_the_title() -> None:
    title = skill_week.titles()[0]
    lkp = Provider("LKP Bina Karya Mandiri", None)
    assert same_course(title, lkp, title.upper(), Provider("lkp bina karya mandiri", "9120001234567"))
    assert not same_course(title, lkp, title, Provider("LKP Lain", None))
    assert not same_course(title, lkp, skill_week.titles()[1], lkp)
    assert not same_course("!!!", lkp, "???", lkp)
