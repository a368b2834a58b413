"""fold(): what matching names and challenge answers forgive, and nothing more."""

from __future__ import annotations

import pytest

from common.text import fold, legacy_fold


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  José   DE la Cruz ", "jose de la cruz"),
        ("Đặng", "dang"),
        ("ĐOÀN", "doan"),
        ("Łukasz", "lukasz"),
        ("Øyvind", "oyvind"),
        ("Æsa", "aesa"),
        ("Œuvre", "oeuvre"),
        ("Straße", "strasse"),
        ("Þór", "thor"),
        ("O\u2019Brien", "o'brien"),
        ("O\u2018Brien", "o'brien"),
        ("O\u02bcBrien", "o'brien"),
        ("Smith\u2010Jones", "smith-jones"),
        ("Smith\u2011Jones", "smith-jones"),
        ("Smith\u2013Jones", "smith-jones"),
        ("Smith\u2014Jones", "smith-jones"),
        ("Smith\u2212Jones", "smith-jones"),
    ],
)
def test_it_folds_what_families_type(typed, stored):
    assert fold(typed) == stored


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Smith-Jones", "Smith Jones"),  # a hyphen is not a space
        ("Dang", "Dan"),  # a missing letter is missing
        ("O'Brien", "OBrien"),
        ("李", "Li"),  # other scripts keep their letters
        ("Иван", "Ivan"),
        ("Ελένη", "Eleni"),
    ],
)
def test_it_forgives_nothing_else(one, other):
    assert fold(one) != fold(other)


def test_the_legacy_fold_is_the_fold_answers_were_stored_in_before():
    assert legacy_fold("  Đà   NẴNG ") == "đa nang"
    assert legacy_fold("O\u2019Brien") == "o\u2019brien"
    assert legacy_fold("José") == fold("José") == "jose"
