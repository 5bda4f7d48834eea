"""The tests' reference computations: what the dashboard should show, computed in plain pandas from the
demo's raw rows (the `demo_raw` fixture in conftest.py).

Deliberately independent of queries/*.sql and of dangqun's SQL: nothing here runs a query of the
project, so a test that compares a query (or a page built on one) with these numbers compares two
separate computations of the same definitions (受理量, 办结, 按期办结, 超期, 有效回访 = a valid
survey of a case in the assessment, 响应率/解决率/满意率 and the 综合成绩 weights). Keep it that way:
do not import dangqun.db or call the queries from here, and do not mutate the frames passed in (the
session shares them)."""
from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from dangqun import workdays

OPEN = ("待受理", "办理中", "延期")
# 综合成绩 = 100 × (0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率)；满意率 = (满意 + 0.9 × 基本满意) / 有效回访
# written out here rather than read from config/, so a change in either shows.
W_RESPONSE, W_SOLVE, W_SATISFACTION, BASIC = 0.1, 0.5, 0.4, 0.9


def flag(col: pd.Series) -> pd.Series:
    """A nullable yes/no column as booleans, a missing value counting as no."""
    return col.fillna(False).astype(bool)


def window(records: pd.DataFrame, prefix: str, start, end, category: str = "", channel: str = "") -> pd.DataFrame:
    """The records (carrying their center's region_code) under the region code `prefix`, received on the
    days `start`..`end` (both whole days), of the 大类 `category` (the first two digits of item_code) and
    the channel `channel`; an empty category or channel does not filter."""
    keep = (records.region_code.str.startswith(prefix) & (records.received_at >= pd.Timestamp(start))
            & (records.received_at < pd.Timestamp(end) + pd.Timedelta(days=1)))
    if category:
        keep &= records.item_code.str[:2] == category
    if channel:
        keep &= records.channel == channel
    return records[keep]


def is_valid(r: pd.DataFrame) -> pd.Series:
    """有效回访: a valid survey of a case counted in the assessment."""
    return flag(r.survey_valid) & flag(r.in_assessment)


def valid(r: pd.DataFrame) -> pd.DataFrame:
    """The records with a 有效回访."""
    return r[is_valid(r)]


def counts(r: pd.DataFrame, end) -> dict[str, int]:
    """The measures kpi_summary, monthly_trend and unit_scores count, for the records `r` of a window
    ending on the day `end` (an open case is overdue when its deadline is before `end`)."""
    v = is_valid(r)
    return {
        "received": len(r),
        "closed": int((r.status == "已办结").sum()),
        "closed_on_time": int(on_time(r.status, r.closed_at, r.due_on).sum()),
        "overdue": int(overdue(r.status, r.closed_at, r.due_on, end).sum()),
        "valid": int(v.sum()),
        "contacted": int((v & flag(r.contacted)).sum()),
        "solved": int((v & flag(r.solved)).sum()),
        "satisfied": int((v & (r.satisfaction == "满意")).sum()),
        "basic": int((v & (r.satisfaction == "基本满意")).sum()),
    }


# The count metrics of the metric registry (dangqun.metric_registry) counted from the records of a window:
# each count metric the registry adds must be here, or its tests fail (tests/test_metric_registry.py).
REGISTERED_COUNTS = {
    "received": lambda r: len(r),
    "proxy": lambda r: int(flag(r.is_proxy).sum()),
}


# The per-unit counts of the scorecard queries (brand_scorecard, funds_by_center, funds_by_unit).
COUNTS = dict(received=("record_id", "size"), closed=("closed", "sum"), valid=("valid", "sum"),
              contacted=("contacted", "sum"), solved=("solved", "sum"), satisfied=("satisfied", "sum"),
              basic=("basic", "sum"))


def counts_by(r: pd.DataFrame, by) -> pd.DataFrame:
    """COUNTS of the records `r` per group of `by` (a column name or a Series aligned with `r`)."""
    v = is_valid(r)
    flags = r.assign(
        closed=(r.status == "已办结").astype(int), valid=v.astype(int),
        contacted=(v & flag(r.contacted)).astype(int),
        solved=(v & flag(r.solved)).astype(int),
        satisfied=(v & (r.satisfaction == "满意")).astype(int),
        basic=(v & (r.satisfaction == "基本满意")).astype(int))
    return flags.groupby(by).agg(**COUNTS)


def rates(r: pd.DataFrame) -> tuple[int, float, float, float, float]:
    """(有效回访, 响应率, 解决率, 满意率, 综合成绩) of the records `r`, from their 有效回访 only."""
    v = valid(r)
    n = len(v)
    response = flag(v.contacted).sum() / n
    solve = flag(v.solved).sum() / n
    sat = ((v.satisfaction == "满意").sum() + BASIC * (v.satisfaction == "基本满意").sum()) / n
    return n, response, solve, sat, 100 * (W_RESPONSE * response + W_SOLVE * solve + W_SATISFACTION * sat)


def centers_in(raw: dict[str, pd.DataFrame], prefix: str) -> pd.DataFrame:
    """The centers under the region code `prefix`."""
    return raw["centers"][raw["centers"].region_code.str.startswith(prefix)]


def funds_in(raw: dict[str, pd.DataFrame], prefix: str, start, end) -> pd.DataFrame:
    """The funds of the centers under `prefix` (with their region_code) for the fiscal years the days
    `start`..`end` touch — funds are counted by year, not by the day they were granted — with
    amount_wan as float."""
    c = centers_in(raw, prefix)
    f = raw["funds"].merge(c[["center_id", "region_code"]], on="center_id")
    f = f[f.fiscal_year.between(start.year, end.year)]
    return f.assign(amount_wan=f.amount_wan.astype(float))


def activities_in(raw: dict[str, pd.DataFrame], prefix: str, start, end) -> pd.DataFrame:
    """The activities of the centers under `prefix` held on the days `start`..`end`."""
    c = centers_in(raw, prefix)
    a = raw["activities"].merge(c[["center_id"]], on="center_id")
    return a[(a.activity_date >= pd.Timestamp(start)) & (a.activity_date <= pd.Timestamp(end))]


# ── per record: durations, deadlines, working days ─────────────────────────────────────────────

def hours_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Duration in hours (派单→接单, 受理→办结, …); NaN where a time is missing or out of order
    (a negative duration is a data error, not a fast case)."""
    hours = (pd.to_datetime(end) - pd.to_datetime(start)).dt.total_seconds() / 3600
    return hours.where(hours >= 0)


def median_p90(values) -> tuple[float | None, float | None]:
    """Median and 90th percentile with linear interpolation (DuckDB's quantile_cont); missing values
    are ignored; (None, None) when nothing is left."""
    arr = pd.Series(values, dtype="float64").dropna().to_numpy()
    if arr.size == 0:
        return None, None
    med, p90 = np.quantile(arr, [0.5, 0.9])
    return float(med), float(p90)


def _day(x) -> pd.Series:
    return pd.to_datetime(x).dt.normalize()


def on_time(status: pd.Series, closed_at: pd.Series, due_on: pd.Series) -> pd.Series:
    """按期办结: closed (已办结) on or before its deadline day (due_on = received + 承诺时限 working
    days, set on import). Without a deadline or a closing time nothing shows it was on time, so it
    is not counted (the SQL's coalesce(…, false)). 按期办结率 = on_time.sum() / 办结量."""
    closed = status.eq("已办结").fillna(False).astype(bool)
    return closed & (_day(closed_at) <= _day(due_on)).fillna(False).astype(bool)


def overdue(status: pd.Series, closed_at: pd.Series, due_on: pd.Series, as_of: date) -> pd.Series:
    """超期件: a case with a deadline that was closed after it, or is still open (待受理/办理中/延期)
    with the deadline behind `as_of` (the end of the period, or the latest day in the data)."""
    due = _day(due_on)
    closed = status.eq("已办结").fillna(False).astype(bool)
    open_ = status.isin(OPEN).fillna(False).astype(bool)
    late_closed = closed & (_day(closed_at) > due).fillna(False).astype(bool)
    late_open = open_ & (pd.Timestamp(as_of) > due).fillna(False).astype(bool)
    return late_closed | late_open


def workdays_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start), one pair at a time
    through dangqun.workdays' calendar."""
    return int(workdays.workdays_between_many(np.datetime64(start, "D"), np.datetime64(end, "D")))


def numbers(x):
    """A figure's numeric array as sent to the browser: Plotly writes them as base64 typed arrays."""
    import base64

    if isinstance(x, dict) and "bdata" in x:
        return np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"])).tolist()
    return list(x)


def full_title(layout) -> str:
    """A chart's title as the page wrote it before charts.split_title, from its layout as sent to the browser
    (a dict): the main line and its note in brackets."""
    title = layout.get("title") or {}
    note = (title.get("subtitle") or {}).get("text")
    if not note:
        return title.get("text", "")
    return f"{title['text']}（{note}）" if re.search(r"[\u4e00-\u9fff]", note) else f"{title['text']} ({note})"
