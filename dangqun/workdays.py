"""Working days after China's statutory holidays and adjusted workdays (chinese-calendar).

A record's deadline (due_on) is the `promised_days`-th working day after the day it was
received; 0 promised days means the same day. Outside the years chinese-calendar knows,
Monday–Friday are taken as working days.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar
import numpy as np

# Wide enough for any export we meet; cached once per process.
CAL_START = dt.date(2000, 1, 1)
CAL_END = dt.date(2035, 12, 31)


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


@lru_cache(maxsize=1)
def _calendar() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(all days as datetime64[D], cumulative workdays up to and including each day, is-workday)."""
    days = np.arange(np.datetime64(CAL_START), np.datetime64(CAL_END) + 1, dtype="datetime64[D]")
    # is_workday for every day, from chinese-calendar's own tables at once (asking it day by day took
    # 0.6 s, the most of a process's first 预警): Monday–Friday except holidays, plus adjusted workdays,
    # within the years it knows; Monday–Friday outside them
    weekday = (days.astype(np.int64) + 3) % 7 < 5          # 1970-01-01 was a Thursday
    known = np.array(sorted(chinese_calendar.holidays), dtype="datetime64[D]")
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    inside = (years >= known[0].astype("datetime64[Y]").astype(np.int64) + 1970) & \
             (years <= known[-1].astype("datetime64[Y]").astype(np.int64) + 1970)
    off = np.isin(days, known)
    adjusted = np.isin(days, np.array(sorted(chinese_calendar.workdays), dtype="datetime64[D]"))
    work = np.where(inside, (weekday & ~off) | adjusted, weekday)
    return days, np.cumsum(work), work


@lru_cache(maxsize=64)
def off_days(start: dt.date, end: dt.date) -> str:
    """The non-working days from `start` to `end` (weekends and statutory holidays, not the 调休 working days)
    as comma-separated ISO dates, '' when none: the off_days parameter of the queries that split receipts into
    节假日 and working days. Outside CAL_START–CAL_END, as is_workday beyond chinese-calendar: Saturday and Sunday."""
    days, _, work = _calendar()
    want = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1, dtype="datetime64[D]")
    inside = (want >= days[0]) & (want <= days[-1])
    off = np.zeros(len(want), bool)
    off[inside] = ~work[(want[inside] - days[0]).astype(np.int64)].astype(bool)
    off[~inside] = (want[~inside].astype(np.int64) + 3) % 7 >= 5          # 1970-01-01 was a Thursday
    return ",".join(str(d) for d in want[off])


def due_dates(received: np.ndarray, promised_days: np.ndarray) -> np.ndarray:
    """Vectorised deadline: for each received date (datetime64[D]) and promised working days,
    the date of the n-th working day after it. NaT/negative/missing promised days give NaT."""
    days, cum, work = _calendar()
    received = np.asarray(received, dtype="datetime64[D]")
    promised = np.asarray(promised_days, dtype="float64")
    out = np.full(received.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    ok = ~np.isnat(received) & ~np.isnan(promised) & (promised >= 0)
    ok &= (received >= days[0]) & (received <= days[-1])
    if not ok.any():
        return out
    idx = (received[ok] - days[0]).astype(np.int64)
    n = promised[ok].astype(np.int64)
    target = cum[idx] + n
    # first day whose cumulative workday count reaches target; for n == 0 the day itself
    pos = np.searchsorted(cum, target, side="left")
    pos = np.where(n == 0, idx, pos)
    inside = pos < len(days)
    res = np.full(idx.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    res[inside] = days[pos[inside]]
    out[ok] = res
    return out


def workdays_between_many(start, end) -> np.ndarray:
    """For each pair of dates (arrays of datetime64[D] or anything numpy turns into it): the working
    days after the start up to and including the end, 0 when end <= start; -1 where either date is
    missing or outside the calendar (CAL_START..CAL_END)."""
    days, cum, _ = _calendar()
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    out = np.full(np.broadcast(start, end).shape, -1, dtype=np.int64)
    start, end = np.broadcast_arrays(start, end)
    ok = ~np.isnat(start) & ~np.isnat(end)
    ok &= (start >= days[0]) & (start <= days[-1]) & (end >= days[0]) & (end <= days[-1])
    i = (start[ok] - days[0]).astype(np.int64)
    j = (end[ok] - days[0]).astype(np.int64)
    out[ok] = np.maximum(cum[j] - cum[i], 0)
    return out
