"""预警 page logic without Streamlit: the month the alerts are for, the cards, the filtered table as shown
and downloaded, the records behind one alert and the sidebar filters its drill opens (dangqun.alerts has
the rules)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from dangqun import alerts, filters, metrics, periods, regions
from dangqun.i18n import t

# alert column → header (an i18n key), in the order the table shows them
# 状态 early: after the long 说明 it was off the screen at 1440 px
COLUMNS = {
    "severity": "严重程度",
    "status": "状态",
    "rule_name": "规则",
    "unit_name": "单位",
    "subject_name": "对象",
    "numbers": "数字",
    "explanation": "说明",
    "note": "备注",
    "updated_by": "处理人",
    "updated_at": "处理时间",
}
# a case of an alert (repeat or backlog) → header, as its table shows them
CASE_COLUMNS = {
    "record_id": "受理编号",
    "received_at": "受理时间",
    "center_name": "中心",
    "item_name": "事项",
    "resident_name": "服务对象",
    "phone": "联系电话",
    "status": "状态",
    "due_on": "截止日期",
    "workdays_overdue": "超期工作日",
    "request_text": "诉求内容",
}


def period_for(f: filters.Filters) -> str:
    """The alerts' month: the last month of the sidebar's period."""
    return alerts.period_of(f.period.end)


def rule_counts(table: pd.DataFrame) -> list[tuple[str, str, int, int]]:
    """(rule, its name, alerts, of them 待处理) for every rule, in the order of the cards."""
    out = []
    for rule, name in alerts.RULES.items():
        mine = table[table["rule"] == rule]
        out.append((rule, name, len(mine), int((mine["status"] == alerts.STATUSES[0]).sum())))
    return out


def select(table: pd.DataFrame, rules: list[str], statuses: list[str]) -> pd.DataFrame:
    """The alerts of the chosen rules (names) and statuses; an empty choice means all."""
    keep = pd.Series(True, index=table.index)
    if rules:
        keep &= table["rule_name"].isin(rules)
    if statuses:
        keep &= table["status"].isin(statuses)
    return table[keep].reset_index(drop=True)


# a unit's line of by_unit → header (an i18n key)
UNIT_COLUMNS = {"severity": "严重程度", "unit_name": "单位", "alerts": "预警条数", "rules": "预警规则", "size": "涉及件数"}


def by_unit(table: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """One line per unit, however many rules fired there: its severest alert's severity, how many alerts and
    which, and the cases (or 有效回访) they are about; severest first, then the biggest. The 预警 page's first
    table, so a town with three alerts reads as one matter."""
    if table.empty:
        return pd.DataFrame(columns=["unit_code", *UNIT_COLUMNS])
    rank = {s: i for i, s in enumerate(alerts.SEVERITIES)}
    rows = []
    for code, g in table.groupby("unit_code", sort=False):
        rules = "、".join(f"{t(name, lang)} {int((g['rule'] == rule).sum())}"
                         for rule, name in alerts.RULES.items() if (g["rule"] == rule).any())
        rows.append({"unit_code": code, "severity": min(g["severity"], key=rank.get), "unit_name": g["unit_name"].iloc[0],
                     "alerts": len(g), "rules": rules, "size": int(g["size"].sum())})
    out = pd.DataFrame(rows)
    out = out.assign(_s=out["severity"].map(rank)).sort_values(["_s", "size", "unit_code"], ascending=[True, False, True])
    return out.drop(columns="_s").reset_index(drop=True)


def labelled(table: pd.DataFrame, lang: str = "zh", columns: dict | None = None) -> pd.DataFrame:
    """The table as shown and downloaded: the columns in order with headers in `lang`; rule names,
    severities and statuses translated."""
    columns = columns or COLUMNS
    out = table.copy()
    for col in ("severity", "rule_name", "status"):
        if col in out.columns:
            out[col] = out[col].map(lambda x: t(x, lang) if isinstance(x, str) else x)
    cols = [c for c in columns if c in out.columns]
    return out[cols].rename(columns={c: t(columns[c], lang) for c in cols})


def with_places(table: pd.DataFrame, index: filters.RegionIndex, region: str) -> pd.DataFrame:
    """`table` with each unit's name led by the names of the regions between `region` (the view) and it,
    as an address reads: '丹东市东港市 光明街道' in the province, '东港市 光明街道' in 丹东市. Many towns share a
    name (光明街道, 和平街道), so above the county a name alone does not say which; in a county, or below
    it, the name stays as it is (a county official knows their own towns). The names come from `index`
    (the sidebar's regions: every unit with an alert has centers, so it and its parents are there)."""
    level = regions.level_of(region)
    if table.empty or level >= 2:
        return table

    def place(code: str, name: str) -> str:
        above = [index.names.get(code[:digits].ljust(12, "0"))
                 for digits in regions.LEVEL_DIGITS[level + 1:regions.level_of(code)]]
        return " ".join(["".join(n for n in above if n), name]).strip() if any(above) else name

    names = {code: place(code, name) for code, name in zip(table["unit_code"], table["unit_name"])}
    return table.assign(unit_name=table["unit_code"].map(names))


def option_label(row: dict, lang: str = "zh") -> str:
    """'[高] 超期积压 · 演武街道 · 3 件，最长超期 12 个工作日' for the alert chooser."""
    subject = f" · {row['subject_name']}" if row["subject_name"] else ""
    return f"[{t(row['severity'], lang)}] {t(row['rule_name'], lang)} · {row['unit_name']}{subject} · {row['numbers']}"


def cases_of(alert: dict, run, stored: alerts.Stored) -> pd.DataFrame:
    """The records behind a 重复诉求, 超期积压 or 热点 (a topic of 诉求内容) alert (masked as stored), stored with
    it (alert_cases, through `run`, ui.query); for 超期积压 the working days overdue, longest first; for a
    topic what each resident said. Empty for the other rules, whose records the drill opens elsewhere."""
    if alert["rule"] not in ("repeat", "backlog") and not is_topic(alert):
        return pd.DataFrame(columns=list(CASE_COLUMNS))
    cases = run("alert_cases", {"alert_key": alert["alert_key"], "run_key": stored.key})
    if alert["rule"] == "repeat":
        return cases.drop(columns=["item_code", "due_on", "request_text"])
    if alert["rule"] == "hotspot":
        return cases[["record_id", "received_at", "center_name", "request_text", "status"]]
    aged = alerts.backlog_cases(cases.drop(columns=["item_code", "item_name", "resident_name", "phone", "request_text"]),
                                stored.as_of)
    return aged.sort_values("workdays_overdue", ascending=False, kind="stable").reset_index(drop=True)


def is_topic(alert: dict) -> bool:
    """A 热点 that is a topic of 诉求内容 (dangqun.topics), not a rising 事项."""
    return alert["rule"] == "hotspot" and str(alert["subject"]).startswith("题:")


def drill_filters(f: filters.Filters, alert: dict, index: filters.RegionIndex, latest: dt.date) -> filters.Filters:
    """The sidebar filters an alert's drill opens: its unit as the region (when the official may see it),
    its month as the period (the comparison following the chosen mode), no category or channel."""
    start = alerts.parse_period(alert["period"])
    period = periods.Period(start, periods.month_end(start))
    code = alert["drill_region"]
    moved = f.with_region(code, index) if code in index.names else f
    mode = "yoy" if f.compare == "custom" else f.compare   # a custom comparison belonged to the old period
    return dataclasses.replace(moved, period=period, preset=periods.match_preset(period, latest), compare=mode,
                               compare_period=periods.comparison_period(period, mode), category="", channel="")


def caption(period: str, as_of: dt.date, n: int, lang: str = "zh", town: str | None = None) -> str:
    """What the alerts are: their month, the day open cases are counted to, how many; for a village, that
    they are its town's (`town`, its name), the rules' unit."""
    text = t("预警月份 {period}（统计周期的最后一个月），超期计至 {as_of}；共 {n} 条预警。", lang,
             period=period, as_of=metrics.fmt_date(as_of), n=metrics.fmt_int(n))
    if town:
        text += t("预警以乡镇街道为单位，这里列出 {town} 的预警。", lang, town=town)
    return text
