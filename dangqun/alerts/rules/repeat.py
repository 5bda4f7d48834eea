"""重复诉求 (README 「页面」预警 and 「演示数据中的预警」, config/alerts.toml [repeat]): one resident coming back to
one town about one 事项 min_count times within window_days days."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from dangqun import metrics
from dangqun.alerts.base import Ask, Month, Query, Rule, alert, key


@dataclass(frozen=True)
class Settings:
    window_days: int
    min_count: int


def settings(table) -> Settings:
    return Settings(window_days=int(table["window_days"]), min_count=int(table["min_count"]))


def queries(ask: Ask) -> dict[str, Query]:
    s = ask.cfg.repeat
    return {"alert_repeats": Query("alert_repeats", {"region": ask.prefix, "start": ask.start, "end": ask.end,
                                                     "window_days": s.window_days, "min_count": s.min_count})}


REPEAT_COLUMNS = ("resident_hash", "item_code", "item_name", "who", "n", "first", "last", "unit_code", "unit_name")


def repeat_summary(cases: pd.DataFrame) -> pd.DataFrame:
    """alert_repeats' cases as one row per resident, 事项 and town: the resident as stored (masked name and
    phone), the 事项, how many cases, the first and last day, the town."""
    if cases.empty:
        return pd.DataFrame(columns=list(REPEAT_COLUMNS))
    by = ["resident_hash", "item_code", "unit_code"]
    # one sort, then each group's first and last rows (a loop over the groups took a second at 20M records)
    ordered_cases = cases.sort_values(by + ["received_at"], kind="stable")
    groups = ordered_cases.groupby(by, sort=True)
    last, first = groups.tail(1).set_index(by), groups.head(1)
    who = [f"{name or '—'}（{phone or '—'}）" for name, phone in zip(last["resident_name"], last["phone"])]
    out = pd.DataFrame({
        "resident_hash": last.index.get_level_values(0), "item_code": last.index.get_level_values(1),
        "item_name": last["item_name"].to_numpy(), "who": who, "n": groups.size().to_numpy(),
        "first": first["received_at"].to_numpy(), "last": last["received_at"].to_numpy(),
        "unit_code": last.index.get_level_values(2), "unit_name": last["unit_name"].to_numpy()})
    return out[list(REPEAT_COLUMNS)]


def stored_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """repeat_summary's rows from stored alerts (alert_list's rows: args as stored, JSON) instead of the cases:
    a 重复诉求 alert stores who, which 事项, how many times and the first and last day. resident_hash is the
    subject's part, the hash's first 16 characters (enough to tell residents apart); first and last are days.
    The 通报 reads this: searching the records again took 1.5 s for a province's month at 20M."""
    mine = rows[rows["rule"] == RULE.name]
    if mine.empty:
        return pd.DataFrame(columns=list(REPEAT_COLUMNS))
    args = [a if isinstance(a, dict) else json.loads(a) for a in mine["args"]]
    resident, item = zip(*(s.split(":", 1) for s in mine["subject"]))
    out = pd.DataFrame({
        "resident_hash": resident, "item_code": item, "item_name": [a["item"] for a in args],
        "who": [a["who"] for a in args], "n": [int(a["n"]) for a in args],
        "first": pd.to_datetime([a["first"] for a in args]), "last": pd.to_datetime([a["last"] for a in args]),
        "unit_code": mine["unit_code"].to_numpy(), "unit_name": mine["unit_name"].to_numpy()})
    return out[list(REPEAT_COLUMNS)]


def subject(resident_hash: str, item_code: str) -> str:
    """A repeat alert's subject: the resident (the hash's first 16 characters) and the 事项."""
    return f"{resident_hash[:16]}:{item_code}"


def repeat_alerts(cases: pd.DataFrame, period: str, cfg) -> list:
    """One alert per resident, 事项 and town (the query lists their cases); unit: the town."""
    s = cfg.repeat
    out = []
    for row in repeat_summary(cases).itertuples(index=False):
        fmt = dict(n=row.n, who=row.who, item=row.item_name, days=s.window_days,
                   first=metrics.fmt_date(row.first), last=metrics.fmt_date(row.last), min_count=s.min_count)
        out.append(alert(
            RULE, "高" if row.n > s.min_count else "中", row.unit_code, row.unit_name,
            subject(row.resident_hash, row.item_code), f"{row.who} · {row.item_name}", period,
            "{first} 至 {last} 共 {n} 次",
            "服务对象 {who} 就“{item}”在 {first} 至 {last} 共 {n} 次诉求，"
            "{days} 天内达到 {min_count} 次及以上。",
            "app_pages/records.py", row.unit_code, row.item_code, args=fmt))
    return out


def evaluate(frames: dict[str, pd.DataFrame], month: Month) -> list:
    return repeat_alerts(frames["alert_repeats"], month.period, month.cfg)


def cases(frames: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """Every repeated case, under its resident's, 事项's and town's alert key."""
    rep = frames["alert_repeats"]
    return rep.assign(alert_key=[key(RULE.name, u, subject(h, i), period)
                                 for u, h, i in zip(rep["unit_code"], rep["resident_hash"], rep["item_code"])])


def yardstick(w, q: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """alert_repeats in pandas (the bench's yardstick, w: dangqun.bench.pandas_way.Records)."""
    r, rep = w.records, q["alert_repeats"]
    start = pd.Timestamp(rep["start"])
    recent = w.rows(w.received(start - pd.Timedelta(days=rep["window_days"] - 1), rep["end"])
                    & r.resident_hash.notna(), ["resident_hash", "item_code", "record_id", "center_name", "status"])
    recent = recent.assign(town=recent.region_code.str[:9])
    keys = ["resident_hash", "item_code", "town"]
    g = recent.groupby(keys).received_at
    recent = recent[(g.transform("size") >= rep["min_count"]) & (g.transform("max") >= start)]
    recent = recent.sort_values(keys + ["received_at"])
    in_window = (recent.groupby(keys).rolling(f"{rep['window_days'] - 1}D", on="received_at", closed="both")
                 .received_at.count().to_numpy())
    hit = recent[(in_window >= rep["min_count"]) & (recent.received_at >= start)][keys].drop_duplicates()
    found = recent.merge(hit, on=keys)
    code, name = w.units(found, 9)
    return {"alert_repeats": found.assign(unit_code=code, unit_name=name, item_name=found.item_code.map(w.items),
                                          resident_name="—", phone="—")}


RULE = Rule("repeat", "重复诉求", "repeat", settings, queries, evaluate, cases=cases, yardstick=yardstick)
