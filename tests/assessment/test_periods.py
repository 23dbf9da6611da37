"""Periods of the cadence (每日报、每月晒、半年展、年终评) and their labels."""

import datetime

import pytest

from pacesetter.assessment.periods import bounds

DAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(("kind", "start", "end", "label"), [
    ("day", "2026-11-22", "2026-11-22", "2026年11月22日"),
    ("week", "2026-11-16", "2026-11-22", "2026年第47周"),
    ("month", "2026-11-01", "2026-11-30", "2026年11月"),
    ("quarter", "2026-10-01", "2026-12-31", "2026年第4季度"),
    ("half_year", "2026-07-01", "2026-12-31", "2026年下半年"),
    ("year", "2026-01-01", "2026-12-31", "2026年"),
])
def test_period_containing_a_day(kind, start, end, label):
    assert bounds(kind, DAY) == (datetime.date.fromisoformat(start),
                                 datetime.date.fromisoformat(end), label)


def test_february_and_the_first_half():
    assert bounds("month", datetime.date(2028, 2, 3))[1] == datetime.date(2028, 2, 29)
    assert bounds("half_year", datetime.date(2026, 3, 1))[2] == "2026年上半年"


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        bounds("decade", DAY)
