"""服务办理's 超期件: how many working days each overdue case is past its deadline (DESIGN §4, 限时办结)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dangqun import metrics, workdays


def as_of_day(period_end: dt.date, latest: dt.date) -> dt.date:
    """The day open cases are counted late to: the end of the window, but never past the latest day
    in the data (a window reaching into the future would otherwise grow the lateness every day)."""
    return min(period_end, latest)


def workdays_overdue(due_on, closed_at, status, as_of: dt.date) -> pd.Series:
    """Working days from the deadline (due_on) to the closing day for closed cases, or to `as_of`
    for open ones (待受理/办理中/延期); <NA> where the deadline or that day is missing."""
    due = pd.to_datetime(pd.Series(due_on)).dt.normalize()
    closed = pd.to_datetime(pd.Series(closed_at, index=due.index)).dt.normalize()
    status = pd.Series(status, index=due.index)
    is_open = status.isin(metrics.OPEN_STATUSES).fillna(False).astype(bool)
    until = closed.where(~is_open, pd.Timestamp(as_of))
    n = workdays.workdays_between_many(due.to_numpy("datetime64[D]"), until.to_numpy("datetime64[D]"))
    return pd.Series(n, index=due.index, dtype="Int64").mask(n < 0)


def overdue_table(cases: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The overdue_cases query as the page shows and downloads it: the columns an official reads,
    with 超期工作日 (workdays_overdue)."""
    out = cases.assign(workdays_overdue=workdays_overdue(cases["due_on"], cases["closed_at"],
                                                         cases["status"], as_of))
    cols = ["record_id", "center_name", "item_name", "received_at", "promised_days", "due_on",
            "closed_at", "status", "workdays_overdue"]
    # the query picks the latest by calendar days; within those, working days decide the order
    out = out.sort_values("workdays_overdue", ascending=False, kind="stable", na_position="last")
    return out[cols].reset_index(drop=True)
