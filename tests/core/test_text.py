"""Text folding: what search and course identity ignore (case, accents, punctuation, spacing) and what they keep."""

from __future__ import annotations

import pytest

from core.text import compact, fold, html_to_text, terms
from tests import skill_week


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Kué  Kering", "kue kering"),
        ("KURSUS AKUNTAN : TATA KELOLA KEUANGAN PERUSAHAAN", "kursus akuntan tata kelola keuangan perusahaan"),
        ("Fundamental UI/UX", "fundamental ui ux"),
        ("Percakapan Sehari-hari", "percakapan sehari hari"),
        ("Shalat Jum'at & Qur’an", "shalat jumat quran"),  # an apostrophe joins the parts of a word
        ("Crème brûlée\u00a0(Pâtisserie)", "creme brulee patisserie"),
        ("ﬁnansial ²", "finansial 2"),  # compatibility forms
        ("Straße", "strasse"),
        ("İzmir", "izmir"),
        ("Łódź", "łodz"),  # a letter with no decomposition stays a letter
        ("中文 课程", "中文 课程"),  # other scripts are kept, not dropped
        ("snake_case", "snake case"),
        ("  \t ", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_of_every_real_title_is_lower_case_words_only() -> None:
    for title in skill_week.titles():
        folded = fold(title)
        assert folded == folded.lower().strip() and "  " not in folded
        assert all(word.isalnum() for word in folded.split()), title
        assert fold(folded) == folded
        assert fold(title.upper()) == fold(title.lower()) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Front-End Dasar", "front end  dasar"),
        ("Front-End Dasar", "FrontEnd Dasar!"),
        ("Roti/kue", "Roti Kue"),
        ("Kué", "KUE"),
        ("Pelatihan (Coaching & Mentoring)", "pelatihan coaching mentoring"),
    ],
)
def test_compact_ignores_spacing_too(a: str, b: str) -> None:
    assert compact(a) == compact(b) != ""


def test_terms_are_the_folded_words_and_each_punctuation_joined_run_written_together() -> None:
    assert terms("Fundamental UI/UX") == {"fundamental", "ui", "ux", "uiux"}
    assert terms("E-Commerce, Sehari-hari.") == {"e", "commerce", "ecommerce", "sehari", "hari", "seharihari"}
    assert terms("Kué Kering (untuk pemula)") == {"kue", "kering", "untuk", "pemula"}
    assert terms("Rp1.500.000") == {"rp1", "500", "000", "rp1500000"}
    assert terms("") == set()


def test_terms_of_non_ascii_text_match_the_ascii_path() -> None:
    for title in skill_week.titles():
        accented = title.replace("a", "á")
        assert terms(accented) == terms(title), title


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Belajar <strong>Excel</strong></p><p>dasar</p>", "Belajar Excel dasar"),
        ("<ul><li>Modul 1</li><li>Modul 2</li></ul>", "Modul 1 Modul 2"),
        ("Kue &amp; Roti &quot;enak&quot;&nbsp;sekali", 'Kue & Roti "enak" sekali'),
        ("a<br>b<br/>c", "a b c"),
        ("<div>teks<script>alert(1)</script><style>p{}</style> lanjut</div>", "teks lanjut"),
        ("tanpa tag", "tanpa tag"),
        ("<p>tidak ditutup", "tidak ditutup"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text
