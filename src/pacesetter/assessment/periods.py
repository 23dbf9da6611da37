"""Periods of the cadence: the one containing a given day, with its Chinese label."""

from __future__ import annotations

import calendar
import datetime

from pacesetter.assessment.models import PeriodKind


def bounds(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """(start, end, label) of the period of ``kind`` containing ``day``; weeks start on Monday."""
    if kind == PeriodKind.DAY:
        return day, day, f"{day.year}年{day.month}月{day.day}日"
    if kind == PeriodKind.WEEK:
        start = day - datetime.timedelta(days=day.weekday())
        iso_year, week, _weekday = start.isocalendar()
        return start, start + datetime.timedelta(days=6), f"{iso_year}年第{week}周"
    if kind == PeriodKind.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return (day.replace(day=1), day.replace(day=last), f"{day.year}年{day.month}月")
    if kind == PeriodKind.QUARTER:
        quarter = (day.month - 1) // 3
        start = datetime.date(day.year, quarter * 3 + 1, 1)
        end_month = quarter * 3 + 3
        end = datetime.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
        return start, end, f"{day.year}年第{quarter + 1}季度"
    if kind == PeriodKind.HALF_YEAR:
        first = day.month <= 6
        start = datetime.date(day.year, 1 if first else 7, 1)
        end = datetime.date(day.year, 6, 30) if first else datetime.date(day.year, 12, 31)
        return start, end, f"{day.year}年{'上' if first else '下'}半年"
    if kind == PeriodKind.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31), f"{day.year}年"
    raise ValueError(kind)
