"""Period arithmetic for the sidebar (README 同口径对比): presets, comparison windows, labels, URL dates.

Presets are anchored on the latest month in the data, not the wall clock, so a demo database of
2021–2022 opens on 2022 whatever today is. 本季度 and 本年 run to the end of that latest month
(quarter-to-date / year-to-date): there are no data after it, and a 同比 of "2022 Jan–Jul" must be
"2021 Jan–Jul", not the whole of 2021. When the latest month is a quarter's or the year's last
month they are the full quarter or year.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

# key → Chinese label (translated with i18n.t); order is the sidebar's.
PRESETS = {"month": "本月", "quarter": "本季度", "year": "本年", "last12": "近12个月", "custom": "自定义"}
COMPARE_MODES = {"yoy": "同比", "mom": "环比", "none": "无", "custom": "自定义"}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def add_months(d: date, n: int) -> date:
    """The same day n months later (or earlier); a day the target month lacks becomes its last day."""
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def quarter_start(d: date) -> date:
    return date(d.year, 3 * quarter_of(d) - 2, 1)


def parse_date(s) -> date | None:
    """A URL value `YYYY-MM-DD` → date; anything else (other formats, impossible dates) → None."""
    if not isinstance(s, str) or not _ISO_DATE.fullmatch(s.strip()):
        return None
    try:
        return date.fromisoformat(s.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Period:
    start: date
    end: date   # inclusive

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"统计周期的结束日期 {self.end} 早于开始日期 {self.start}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> int | None:
        """Number of calendar months when the period runs from a month's first to a month's last
        day, else None."""
        if self.start.day != 1 or self.end != month_end(self.end):
            return None
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def label(self, lang: str = "zh") -> str:
        s, e, en = self.start, self.end, lang == "en"
        months = self.whole_months
        if months and s.year == e.year:
            if months == 12:
                return f"{s.year}" if en else f"{s.year}年"
            if months == 1:
                return f"{_MONTHS_EN[s.month - 1]} {s.year}" if en else f"{s.year}年{s.month}月"
            if months == 3 and s == quarter_start(s):
                return f"{s.year} Q{quarter_of(s)}" if en else f"{s.year}年第{quarter_of(s)}季度"
            if en:
                return f"{_MONTHS_EN[s.month - 1]}–{_MONTHS_EN[e.month - 1]} {s.year}"
            return f"{s.year}年{s.month}–{e.month}月"
        if s == e:
            return s.isoformat()
        return f"{s.isoformat()} {'to' if en else '至'} {e.isoformat()}"


def preset_period(preset: str, latest: date, start: date | None = None,
                  end: date | None = None) -> Period:
    """The period of a sidebar preset; `latest` is the latest date (or any day of the latest month)
    in the data. 'custom' takes start and end as given."""
    last = month_end(latest)
    if preset == "month":
        return Period(month_start(latest), last)
    if preset == "quarter":
        return Period(quarter_start(latest), last)
    if preset == "year":
        return Period(date(latest.year, 1, 1), last)
    if preset == "last12":
        return Period(add_months(month_start(latest), -11), last)
    if preset == "custom":
        if start is None or end is None:
            raise ValueError("自定义周期需要开始和结束日期")
        return Period(start, end)
    raise ValueError(f"未知的统计周期：{preset}")


def match_preset(period: Period, latest: date) -> str:
    """Which preset a period (e.g. from URL start/end) equals, so the sidebar shows it; else 'custom'."""
    for key in ("month", "quarter", "year", "last12"):
        if preset_period(key, latest) == period:
            return key
    return "custom"


def _year_earlier(d: date, keep_month_end: bool) -> date:
    if keep_month_end and d == month_end(d):
        return month_end(date(d.year - 1, d.month, 1))
    return add_months(d, -12)   # Feb 29 → Feb 28


def comparison_period(period: Period, mode: str, start: date | None = None,
                      end: date | None = None) -> Period | None:
    """The window a period is compared with.

    yoy (同比)  the same window one year earlier; Feb 29 → Feb 28, and an end on a month's last day
                stays on the last day (Feb 2025 → Feb 2024 is 02-01..02-29).
    mom (环比)  the window of the same shape immediately before: a run of whole calendar months →
                as many months just before (month → previous month, quarter → previous quarter,
                year → previous year, 近12个月 → the 12 months before); any other range → as many
                days, ending the day before it starts.
    none (无)   None.
    custom      the explicit start/end (e.g. this year Jan–Jul against last year Jan–Jul).
    """
    if mode == "none":
        return None
    if mode == "yoy":
        return Period(_year_earlier(period.start, False), _year_earlier(period.end, True))
    if mode == "mom":
        months = period.whole_months
        if months:
            return Period(add_months(period.start, -months), period.start - timedelta(days=1))
        return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))
    if mode == "custom":
        if start is None or end is None:
            raise ValueError("自定义对比需要开始和结束日期")
        return Period(start, end)
    raise ValueError(f"未知的对比方式：{mode}")


@dataclass(frozen=True)
class Vintage:
    """How a comparison period is counted so that it is compared like with like (README「同口径对比」).
    The data end `days` days after the period's end; the comparison period's cases are counted as they
    stood `days` days after its own end, on `as_of`: closings, deadlines and 回访 after that day had not
    happened yet when the period now shown was as old as it is now."""
    days: int
    as_of: date


def vintage(period: Period, compare: Period | None, data_through: date | None) -> Vintage | None:
    """The cutoff of `compare` against `period`, or None when there is nothing to cut: no comparison, no
    data, or a comparison period that ends no earlier than `period` (its cases have not had longer).
    A period running past the data (the latest month, quarter-to-date) counts as ending on data_through."""
    if compare is None or data_through is None or compare.end >= period.end:
        return None
    days = max(0, (data_through - period.end).days)
    as_of = compare.end + timedelta(days=days)
    return None if as_of >= data_through else Vintage(days, as_of)
