"""满意率下滑 (README 「页面」预警 and 「演示数据中的预警」, config/alerts.toml [satisfaction]): a town's month of
满意率 significantly under its own trailing months (a one-sided exact binomial test)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from dangqun import metrics, stats
from dangqun.alerts.base import Ask, Month, Query, Rule, alert, fmt_p


@dataclass(frozen=True)
class Settings:
    base_months: int        # the trailing months the month is tested against
    min_valid: int          # fewer 有效回访 this month: not tested
    min_base_valid: int     # fewer in the trailing months: no baseline
    alpha: float


def settings(table) -> Settings:
    return Settings(base_months=int(table["base_months"]), min_valid=int(table["min_valid"]),
                    min_base_valid=int(table["min_base_valid"]), alpha=float(table["alpha"]))


def queries(ask: Ask) -> dict[str, Query]:
    """alert_satisfaction: each town's answers of the month and of its base_months before (低于黄榜线 reads
    the same frame)."""
    base_start, base_end = ask.before(ask.cfg.satisfaction.base_months)
    return {"alert_satisfaction": Query("alert_satisfaction", {
        "region": ask.prefix, "start": ask.start, "end": ask.end, "base_start": base_start, "base_end": base_end})}


def answered(units: pd.DataFrame, mcfg: metrics.MetricsConfig):
    """Each town of alert_satisfaction's frame with 有效回访 this month: its row, its 有效回访 and its weighted
    satisfied answers (满意 + the configured share of 基本满意)."""
    for row in units.itertuples(index=False):
        valid = int(row.valid)
        if valid > 0:
            yield row, valid, metrics.satisfied_weighted(row.satisfied, row.basic, mcfg)


def satisfaction_alerts(units: pd.DataFrame, period: str, cfg, mcfg: metrics.MetricsConfig | None = None) -> list:
    """满意率下滑: the month's weighted satisfied answers (rounded to whole answers) tested against the unit's
    own trailing-months rate with a one-sided exact binomial test, p < alpha."""
    s = cfg.satisfaction
    mcfg = mcfg or metrics.load_config()
    out = []
    for row, valid, weighted in answered(units, mcfg):
        rate = weighted / valid
        base_valid = int(row.base_valid)
        base_rate = (metrics.satisfied_weighted(row.base_satisfied, row.base_basic, mcfg) / base_valid
                     if base_valid else None)
        if not (valid >= s.min_valid and base_valid >= s.min_base_valid and base_rate is not None
                and rate < base_rate):
            continue
        k = int(math.floor(weighted + 0.5))
        p = stats.binom_cdf(k, valid, base_rate)
        if p >= s.alpha:
            continue
        fmt = dict(rate=metrics.fmt_pct(rate), valid=metrics.fmt_int(valid), base=metrics.fmt_pct(base_rate),
                   months=s.base_months, base_valid=metrics.fmt_int(base_valid), k=k,
                   lcl=metrics.fmt_pct(stats.p_chart_lower(base_rate, valid)), p=fmt_p(p), alpha=f"{s.alpha:g}")
        out.append(alert(
            RULE, "高", row.unit_code, row.unit_name, "", "", period,
            "本月满意率 {rate}，前 {months} 个月为 {base}",
            "本月满意率 {rate}（有效回访 {valid} 件），前 {months} 个月为 {base}（{base_valid} 件）；"
            "按前 {months} 个月的满意率，{valid} 件中折算满意不多于 {k} 件的概率 p = {p}（单侧二项检验），"
            "低于 {alpha}；p 控制图下限为 {lcl}。",
            "app_pages/satisfaction.py", row.unit_code, p_value=p, args=fmt))
    return out


def evaluate(frames: dict[str, pd.DataFrame], month: Month) -> list:
    return satisfaction_alerts(frames["alert_satisfaction"], month.period, month.cfg, month.mcfg)


def yardstick(w, q: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """alert_satisfaction in pandas (the bench's yardstick, w: dangqun.bench.pandas_way.Records)."""
    sat, cols = q["alert_satisfaction"], ["valid", "satisfied", "basic"]
    now = w.rows(w.received(sat["start"], sat["end"]), cols)
    base = w.rows(w.received(sat["base_start"], sat["base_end"]), cols)
    month = now.groupby(w.units(now, 9)[0])[cols].sum()
    past = base.groupby(w.units(base, 9)[0])[cols].sum().add_prefix("base_")
    units = month.join(past, how="left").fillna(0).rename_axis("unit_code").reset_index()
    units["unit_name"] = units.unit_code.map(w.names).fillna(units.unit_code)
    return {"alert_satisfaction": units}


RULE = Rule("satisfaction", "满意率下滑", "satisfaction", settings, queries, evaluate, yardstick=yardstick)
