"""超期积压 (README 「页面」预警, config/alerts.toml [backlog]): a town's cases open past their deadline at the
month's end, where it is worth an official's attention — many of them, or one long overdue."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dangqun import metrics, workdays
from dangqun.alerts.base import Ask, Month, Query, Rule, alert, key


@dataclass(frozen=True)
class Settings:
    min_cases: int          # a town with this many late cases is alerted
    escalate_days: int      # … or with a case more working days late than this, 高
    high_cases: int         # 高 from this many


def settings(table) -> Settings:
    return Settings(min_cases=int(table["min_cases"]), escalate_days=int(table["escalate_days"]),
                    high_cases=int(table["high_cases"]))


def queries(ask: Ask) -> dict[str, Query]:
    return {"alert_backlog": Query("alert_backlog", {"region": ask.prefix, "as_of": ask.as_of})}


def backlog_cases(cases: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """alert_backlog's cases with workdays_overdue (working days after the deadline up to as_of), without
    those past it by no working day: a case due on a Friday and open on the Sunday is not yet a backlog
    (listed, it read 超期 0 个工作日). <NA> where a date lies outside the working-day calendar: kept."""
    due = pd.to_datetime(cases["due_on"]).to_numpy("datetime64[D]")
    n = workdays.workdays_between_many(due, pd.Timestamp(as_of).to_datetime64().astype("datetime64[D]"))
    return cases.assign(workdays_overdue=pd.Series(n, index=cases.index, dtype="Int64").mask(n < 0))[n != 0]


def backlog_alerts(cases: pd.DataFrame, period: str, as_of: dt.date, cfg) -> list:
    """超期积压 where it is worth an official's attention (config/alerts.toml [backlog]): a town with min_cases
    cases or more open past their deadline, or any of them more than escalate_days working days past it;
    高 with high_cases or more, or with such a long-overdue case. Fewer, fresher cases stay on 服务办理's
    超期件 list."""
    s = cfg.backlog
    out = []
    aged = backlog_cases(cases, as_of)
    for (code, name), g in aged.groupby(["unit_code", "unit_name"], sort=True):
        oldest = int(g["workdays_overdue"].max())
        escalated = int((g["workdays_overdue"] > s.escalate_days).sum())
        if len(g) < s.min_cases and not escalated:
            continue
        fmt = dict(n=len(g), as_of=metrics.fmt_date(as_of), oldest=oldest, days=s.escalate_days,
                   escalated=escalated, min_cases=s.min_cases, high=s.high_cases)
        out.append(alert(
            RULE, "高" if escalated or len(g) >= s.high_cases else "中", code, name, "", "", period,
            "{n} 件超期未办结，最长超期 {oldest} 个工作日",
            ("截至 {as_of} 有 {n} 件已过截止日期仍未办结，最长超期 {oldest} 个工作日；"
             + ("其中 {escalated} 件超期超过 {days} 个工作日。" if escalated else "都没有超期超过 {days} 个工作日。")
             + "积压达到 {min_cases} 件或有件超期超过 {days} 个工作日即预警，"
             "达到 {high} 件或有件超期超过 {days} 个工作日为“高”。"),
            "app_pages/services.py", code, args=fmt))
    return out


def evaluate(frames: dict[str, pd.DataFrame], month: Month) -> list:
    return backlog_alerts(frames["alert_backlog"], month.period, month.as_of, month.cfg)


def cases(frames: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """Every late case, under its town's alert key (the stored records keep those of the alerts found)."""
    late = frames["alert_backlog"]
    return late.assign(alert_key=[key(RULE.name, u, "", period) for u in late["unit_code"]])


def yardstick(w, q: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """alert_backlog in pandas (the bench's yardstick, w: dangqun.bench.pandas_way.Records)."""
    r = w.records
    as_of = pd.Timestamp(q["alert_backlog"]["as_of"])
    late = w.rows((r.received_at < as_of + pd.Timedelta(days=1)) & (r.due < as_of)
                  & (r.is_open | (r.closed & (r.closed_at.dt.normalize() > as_of))),
                  ["record_id", "center_name", "item_code", "due_on", "status"])
    code, name = w.units(late, 9)
    return {"alert_backlog": late.assign(unit_code=code, unit_name=name)}


RULE = Rule("backlog", "超期积压", "backlog", settings, queries, evaluate, cases=cases, yardstick=yardstick)
