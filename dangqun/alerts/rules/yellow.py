"""低于黄榜线 (README 「页面」预警; its one threshold is yellow_min_valid in config/alerts.toml [satisfaction], the
line itself yellow_below in config/metrics.toml): a town's month of 满意率 under the 黄榜 line. It reads
满意率下滑's frame (alert_satisfaction), asked once for both."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dangqun import metrics
from dangqun.alerts.base import Month, Rule, alert
from dangqun.alerts.rules import satisfaction


@dataclass(frozen=True)
class Settings:
    min_valid: int          # only towns with this many 有效回访 (as the 考核 ranking's min_valid)


def settings(table) -> Settings:
    return Settings(min_valid=int(table["yellow_min_valid"]))


def yellow_alerts(units: pd.DataFrame, period: str, cfg, mcfg: metrics.MetricsConfig | None = None) -> list:
    """低于黄榜线: the month's 满意率 under the 黄榜 line with at least min_valid 有效回访."""
    mcfg = mcfg or metrics.load_config()
    out = []
    for row, valid, weighted in satisfaction.answered(units, mcfg):
        rate = weighted / valid
        if valid >= cfg.yellow.min_valid and metrics.below(rate, mcfg.yellow_below):
            fmt = dict(rate=metrics.fmt_pct(rate), valid=metrics.fmt_int(valid),
                       line=metrics.fmt_pct(mcfg.yellow_below, 0))
            out.append(alert(
                RULE, "中", row.unit_code, row.unit_name, "", "", period,
                "本月满意率 {rate}，低于黄榜线 {line}",
                "本月满意率 {rate}（有效回访 {valid} 件），低于黄榜线 {line}。",
                "app_pages/satisfaction.py", row.unit_code, args=fmt))
    return out


def evaluate(frames: dict[str, pd.DataFrame], month: Month) -> list:
    return yellow_alerts(frames["alert_satisfaction"], month.period, month.cfg, month.mcfg)


RULE = Rule("yellow", "低于黄榜线", "satisfaction", settings, satisfaction.queries, evaluate)
