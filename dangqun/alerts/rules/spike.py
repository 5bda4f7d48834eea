"""诉求突增 (README 「页面」预警 and 「演示数据中的预警」, config/alerts.toml [spike]): a town's 事项 whose month is
over the Poisson upper limit of its own baseline, adjusted for the town's other 事项 and for the 事项 in
the province's other towns."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dangqun import metrics, stats
from dangqun.alerts.base import Ask, Month, Query, Rule, alert, base_months, fmt_p


@dataclass(frozen=True)
class Settings:
    base_months: int
    alpha: float
    min_count: int          # fewer this month: no spike


def settings(table) -> Settings:
    return Settings(base_months=int(table["base_months"]), alpha=float(table["alpha"]),
                    min_count=int(table["min_count"]))


def queries(ask: Ask) -> dict[str, Query]:
    """alert_item_counts by town: each town's 事项 this month and in the base_months before."""
    base_start, base_end = ask.before(ask.cfg.spike.base_months)
    return {"spike": Query("alert_item_counts", {"region": ask.prefix, "start": ask.start, "end": ask.end,
                                                 "base_start": base_start, "base_end": base_end, "digits": 9})}


def spike_alerts(counts: pd.DataFrame, period: str, months: int, cfg) -> list:
    """诉求突增: a town's 事项 whose count this month exceeds the upper Poisson limit of its own monthly
    mean over the `months` baseline months the data covers (P(X ≥ count) < alpha, at least min_count).
    The mean is scaled twice: by how the town's other 事项 moved this month against their own mean, so a
    month busy for every 事项 (the year's end) is not a spike of each; and by how the 事项 moved in the
    other towns against those towns' whole, so a 事项 of the season (参保 at the year's end, rising in
    every town) is not a spike of every town. What is left is the town's own rise."""
    s = cfg.spike
    out = []
    if months <= 0 or counts.empty:
        return out
    towns = counts.groupby("unit_code")[["received", "base_received"]].transform("sum")
    items = counts.groupby("item_code")[["received", "base_received"]].transform("sum")
    other_now = towns["received"] - counts["received"]
    other_mean = (towns["base_received"] - counts["base_received"]) / months
    factor = (other_now / other_mean.where(other_mean > 0)).fillna(1.0)
    # the 事项 elsewhere, against everything elsewhere (sums over the same months: their ratio is the means')
    item_ratio = ((items["received"] - counts["received"])
                  / (items["base_received"] - counts["base_received"]).where(lambda x: x > 0))
    rest_now = counts["received"].sum() - towns["received"]
    rest_base = counts["base_received"].sum() - towns["base_received"]
    season = (item_ratio / (rest_now / rest_base.where(rest_base > 0)).where(lambda x: x > 0)).fillna(1.0)
    expected = counts["base_received"] / months * factor * season
    # a count at or under its expectation cannot be a spike: only the others are tested
    candidates = counts.assign(mean=counts["base_received"] / months, factor=factor, season=season,
                               expected=expected)
    candidates = candidates[(candidates["received"] >= s.min_count) & (candidates["received"] > expected)]
    for row in candidates.itertuples(index=False):
        n = int(row.received)
        if stats.poisson_pmf(n, float(row.expected)) >= s.alpha:
            continue      # P(X ≥ n) ≥ P(X = n) ≥ alpha: no alarm, and the tail sum is spared (speed)
        p = stats.poisson_sf(n, float(row.expected))
        if p >= s.alpha:
            continue
        limit = stats.poisson_upper_limit(float(row.expected), s.alpha)
        # against the adjusted baseline: what this town's month would be without a rise of its own
        first_line, ratio = rise_words(n, float(row.expected))
        fmt = dict(n=n, item=row.item_name, months=months, mean=metrics.fmt_num(row.mean, 1), ratio=ratio,
                   factor=metrics.fmt_num(row.factor, 2), season=metrics.fmt_num(row.season, 2),
                   expected=metrics.fmt_num(row.expected, 1),
                   limit=limit, p=fmt_p(p), alpha=f"{s.alpha:g}")
        out.append(alert(
            RULE, "高" if p < s.alpha / 1000 else "中", row.unit_code, row.unit_name, row.item_code,
            row.item_name, period, first_line,
            "“{item}”本月 {n} 件；前 {months} 个月月均 {mean} 件，按本单位其他事项本月的增减（× {factor}）"
            "和该事项在其他乡镇街道本月的增减（× {season}）"
            "调整后基线为 {expected} 件，泊松分布上限 {limit} 件（超过它的概率不到 {alpha}），"
            "本月件数出现的概率 p = {p}。",
            "app_pages/records.py", row.unit_code, row.item_code, p_value=p, args=fmt))
    return out


def rise_words(n: int, mean: float) -> tuple[str, str]:
    """The first line of a 诉求突增 (its template, and the ratio as written): the month's count against what
    the month would usually bring (`mean`, the adjusted baseline) in words an official reads at a glance;
    how the baseline is adjusted and the test stay in the explanation behind it."""
    if mean <= 0:
        return "本月 {n} 件，此前 {months} 个月没有", ""
    ratio = n / mean
    if ratio < 2:
        return "本月 {n} 件，比平时（{expected} 件）多 {ratio}", metrics.fmt_pct(ratio - 1, 0)
    return "本月 {n} 件，约为平时的 {ratio} 倍", metrics.fmt_num(ratio, 0 if ratio >= 10 else 1)


def evaluate(frames: dict[str, pd.DataFrame], month: Month) -> list:
    months = base_months(month.first_day, month.period, month.cfg.spike.base_months)
    return spike_alerts(frames["spike"], month.period, months, month.cfg)


def yardstick(w, q: dict[str, dict]) -> dict[str, pd.DataFrame]:
    """alert_item_counts by town in pandas (the bench's yardstick, w: dangqun.bench.pandas_way.Records)."""
    return {"spike": w.item_counts(q["spike"])}


RULE = Rule("spike", "诉求突增", "spike", settings, queries, evaluate, yardstick=yardstick)
