"""预警 (README 页面): the rules that find the units and cases needing attention in a month, each alert with
its unit, its numbers and a sentence stating the test that flagged it; and the status officials keep on
each (待处理 → 已核实 / 已处理, with a note), stored under the alert's key so it survives recomputation.

The rules read the frames of five named queries (queries/alert_*.sql). ensure() runs them once per month
and data version for the whole province and stores what they find (alert_found, alert_case); the pages,
the 通报 and `dangqun alerts` read it back under the account's scope (listing). Thresholds are in
config/alerts.toml, the 黄榜 line in config/metrics.toml. Units are towns (乡镇街道), except 热点, whose
unit is the town or county of a hot topic of 诉求内容 (dangqun.topics), or where no 诉求内容 was imported
the region looked at as a whole and its rising 事项. Runs without Streamlit."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
import threading
import time
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from dangqun import audit, db, metrics, periods, regions, stats, topics, workdays
from dangqun.i18n import t

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "alerts.toml"

# rule → its name; the order of the cards
RULES = {"backlog": "超期积压", "satisfaction": "满意率下滑", "yellow": "低于黄榜线", "repeat": "重复诉求",
         "spike": "诉求突增", "hotspot": "热点"}
SEVERITIES = ("高", "中", "低")
STATUSES = ("待处理", "已核实", "已处理")
NOTE_MAX = 500
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# the columns of an alert, as evaluate() returns them and the CLI prints them
COLUMNS = ("alert_key", "rule", "rule_name", "severity", "unit_code", "unit_name", "subject", "subject_name",
           "period", "numbers", "explanation", "drill_page", "drill_region", "drill_item", "p_value")
# the columns of a found alert (find, the rules): COLUMNS with its sentences' templates and their values
FOUND_COLUMNS = COLUMNS + ("numbers_text", "explanation_text", "args")


@dataclass(frozen=True)
class AlertConfig:
    backlog_min_cases: int
    backlog_escalate_days: int
    backlog_high_cases: int
    sat_base_months: int
    sat_min_valid: int
    sat_min_base_valid: int
    sat_alpha: float
    yellow_min_valid: int
    repeat_window_days: int
    repeat_min_count: int
    spike_base_months: int
    spike_alpha: float
    spike_min_count: int
    hot_alpha: float
    hot_min_increase: int
    hot_max_alerts: int


def load_config(path=None) -> AlertConfig:
    return _load_config(str(path or CONFIG_PATH))


@lru_cache(maxsize=8)
def _load_config(path: str) -> AlertConfig:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    b, s, r, k, h = raw["backlog"], raw["satisfaction"], raw["repeat"], raw["spike"], raw["hotspot"]
    return AlertConfig(
        backlog_min_cases=int(b["min_cases"]), backlog_escalate_days=int(b["escalate_days"]),
        backlog_high_cases=int(b["high_cases"]),
        sat_base_months=int(s["base_months"]), sat_min_valid=int(s["min_valid"]),
        sat_min_base_valid=int(s["min_base_valid"]), sat_alpha=float(s["alpha"]),
        yellow_min_valid=int(s["yellow_min_valid"]),
        repeat_window_days=int(r["window_days"]), repeat_min_count=int(r["min_count"]),
        spike_base_months=int(k["base_months"]), spike_alpha=float(k["alpha"]), spike_min_count=int(k["min_count"]),
        hot_alpha=float(h["alpha"]), hot_min_increase=int(h["min_increase"]), hot_max_alerts=int(h["max_alerts"]),
    )


# ── the month and the questions ─────────────────────────────────────────────────────────────────

class BadPeriod(ValueError):
    pass


def parse_period(text: str) -> dt.date:
    """'2022-10' → its first day; anything else raises BadPeriod with the sentence to show."""
    text = str(text or "").strip()
    if not PERIOD.fullmatch(text):
        raise BadPeriod(f"预警月份应写成 YYYY-MM（如 2022-10），收到：{text[:20]}")
    return dt.date(int(text[:4]), int(text[5:]), 1)


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def as_of_day(period: str, latest: dt.date) -> dt.date:
    """The day open cases are counted late to: the month's last day, never past the data's latest day."""
    return min(periods.month_end(parse_period(period)), latest)


def query_params(region: str, period: str, latest: dt.date, cfg: AlertConfig | None = None) -> dict[str, dict]:
    """Query name → its bound parameters for the alerts of `region` (a 12-digit code) in `period`."""
    cfg = cfg or load_config()
    start = parse_period(period)
    end = periods.month_end(start)
    pre = regions.prefix(region)

    def before(months: int) -> tuple[dt.date, dt.date]:
        return periods.add_months(start, -months), start - dt.timedelta(days=1)

    sat_start, sat_end = before(cfg.sat_base_months)
    spike_start, spike_end = before(cfg.spike_base_months)
    prev_start, prev_end = before(1)
    return {
        "alert_backlog": {"region": pre, "as_of": as_of_day(period, latest)},
        "alert_satisfaction": {"region": pre, "start": start, "end": end,
                               "base_start": sat_start, "base_end": sat_end},
        "alert_repeats": {"region": pre, "start": start, "end": end, "window_days": cfg.repeat_window_days,
                          "min_count": cfg.repeat_min_count},
        "spike": {"region": pre, "start": start, "end": end, "base_start": spike_start, "base_end": spike_end,
                  "digits": 9},
        "hotspot": {"region": pre, "start": start, "end": end, "base_start": prev_start, "base_end": prev_end,
                    "digits": len(pre)},
        "topic_texts": {"region": pre, "start": start, "end": end, "base_start": prev_start},
        "text_volume": {"region": pre, "start": start, "end": end},
        "alert_place_names": {"region": pre},
    }


def base_months(first_day: dt.date | None, period: str, months: int) -> int:
    """How many of the `months` months before `period` the data covers (from its first day): a baseline
    averages over the months that were recorded, not over months before the platform existed."""
    start = parse_period(period)
    if first_day is None:
        return 0
    first = periods.month_start(first_day)
    covered = (start.year - first.year) * 12 + start.month - first.month
    return max(0, min(months, covered))


# ── the rules ──────────────────────────────────────────────────────────────────────────────────

def key(rule: str, unit_code: str, subject: str, period: str) -> str:
    return f"{rule}|{unit_code}|{subject}|{period}"


def _alert(rule, severity, unit_code, unit_name, subject, subject_name, period, numbers, explanation,
           drill_page, drill_region, drill_item="", p_value=None, args=None) -> dict:
    """One alert; `numbers` and `explanation` are sentences with {placeholders} (i18n keys) filled from
    `args`: the alert is stored so (alert_found) and put in the reader's language when read (localise)."""
    args = args or {}
    return dict(alert_key=key(rule, unit_code, subject, period), rule=rule, rule_name=RULES[rule],
                severity=severity, unit_code=unit_code, unit_name=unit_name, subject=subject,
                subject_name=subject_name, period=period, numbers=t(numbers, **args),
                explanation=t(explanation, **args), drill_page=drill_page, drill_region=drill_region,
                drill_item=drill_item, p_value=p_value, numbers_text=numbers, explanation_text=explanation,
                args=args)


def backlog_cases(cases: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """alert_backlog's cases with workdays_overdue (working days after the deadline up to as_of), without
    those past it by no working day: a case due on a Friday and open on the Sunday is not yet a backlog
    (listed, it read 超期 0 个工作日). <NA> where a date lies outside the working-day calendar: kept."""
    due = pd.to_datetime(cases["due_on"]).to_numpy("datetime64[D]")
    n = workdays.workdays_between_many(due, pd.Timestamp(as_of).to_datetime64().astype("datetime64[D]"))
    return cases.assign(workdays_overdue=pd.Series(n, index=cases.index, dtype="Int64").mask(n < 0))[n != 0]


def backlog_alerts(cases: pd.DataFrame, period: str, as_of: dt.date, cfg: AlertConfig) -> list:
    """超期积压 where it is worth an official's attention (config/alerts.toml [backlog]): a town with min_cases
    cases or more open past their deadline, or any of them more than escalate_days working days past it;
    高 with high_cases or more, or with such a long-overdue case. Fewer, fresher cases stay on 服务办理's
    超期件 list."""
    out = []
    aged = backlog_cases(cases, as_of)
    for (code, name), g in aged.groupby(["unit_code", "unit_name"], sort=True):
        oldest = int(g["workdays_overdue"].max())
        escalated = int((g["workdays_overdue"] > cfg.backlog_escalate_days).sum())
        if len(g) < cfg.backlog_min_cases and not escalated:
            continue
        fmt = dict(n=len(g), as_of=metrics.fmt_date(as_of), oldest=oldest, days=cfg.backlog_escalate_days,
                   escalated=escalated, min_cases=cfg.backlog_min_cases, high=cfg.backlog_high_cases)
        out.append(_alert(
            "backlog", "高" if escalated or len(g) >= cfg.backlog_high_cases else "中", code, name, "", "", period,
            "{n} 件超期未办结，最长超期 {oldest} 个工作日",
            ("截至 {as_of} 有 {n} 件已过截止日期仍未办结，最长超期 {oldest} 个工作日；"
             + ("其中 {escalated} 件超期超过 {days} 个工作日。" if escalated else "都没有超期超过 {days} 个工作日。")
             + "积压达到 {min_cases} 件或有件超期超过 {days} 个工作日即预警，"
             "达到 {high} 件或有件超期超过 {days} 个工作日为“高”。"),
            "app_pages/services.py", code, args=fmt))
    return out


def satisfaction_alerts(units: pd.DataFrame, period: str, cfg: AlertConfig,
                        mcfg: metrics.MetricsConfig | None = None) -> list:
    """满意率下滑: the month's weighted satisfied answers (rounded to whole answers) tested against the unit's
    own trailing-months rate with a one-sided exact binomial test, p < alpha; and 低于黄榜线: the month's
    满意率 under the 黄榜 line with at least yellow_min_valid 有效回访."""
    mcfg = mcfg or metrics.load_config()
    out = []
    for row in units.itertuples(index=False):
        valid = int(row.valid)
        if valid <= 0:
            continue
        weighted = metrics.satisfied_weighted(row.satisfied, row.basic, mcfg)
        rate = weighted / valid
        base_valid = int(row.base_valid)
        base_rate = (metrics.satisfied_weighted(row.base_satisfied, row.base_basic, mcfg) / base_valid
                     if base_valid else None)
        if (valid >= cfg.sat_min_valid and base_valid >= cfg.sat_min_base_valid and base_rate is not None
                and rate < base_rate):
            k = int(math.floor(weighted + 0.5))
            p = stats.binom_cdf(k, valid, base_rate)
            if p < cfg.sat_alpha:
                fmt = dict(rate=metrics.fmt_pct(rate), valid=metrics.fmt_int(valid), base=metrics.fmt_pct(base_rate),
                           months=cfg.sat_base_months, base_valid=metrics.fmt_int(base_valid), k=k,
                           lcl=metrics.fmt_pct(stats.p_chart_lower(base_rate, valid)), p=fmt_p(p),
                           alpha=f"{cfg.sat_alpha:g}")
                out.append(_alert(
                    "satisfaction", "高", row.unit_code, row.unit_name, "", "", period,
                    "本月满意率 {rate}，前 {months} 个月为 {base}",
                    "本月满意率 {rate}（有效回访 {valid} 件），前 {months} 个月为 {base}（{base_valid} 件）；"
                    "按前 {months} 个月的满意率，{valid} 件中折算满意不多于 {k} 件的概率 p = {p}（单侧二项检验），"
                    "低于 {alpha}；p 控制图下限为 {lcl}。",
                    "app_pages/satisfaction.py", row.unit_code, p_value=p, args=fmt))
        if valid >= cfg.yellow_min_valid and metrics.below(rate, mcfg.yellow_below):
            fmt = dict(rate=metrics.fmt_pct(rate), valid=metrics.fmt_int(valid),
                       line=metrics.fmt_pct(mcfg.yellow_below, 0))
            out.append(_alert(
                "yellow", "中", row.unit_code, row.unit_name, "", "", period,
                "本月满意率 {rate}，低于黄榜线 {line}",
                "本月满意率 {rate}（有效回访 {valid} 件），低于黄榜线 {line}。",
                "app_pages/satisfaction.py", row.unit_code, args=fmt))
    return out


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


def repeat_alerts(cases: pd.DataFrame, period: str, cfg: AlertConfig) -> list:
    """One alert per resident, 事项 and town (the query lists their cases); unit: the town."""
    out = []
    for row in repeat_summary(cases).itertuples(index=False):
        fmt = dict(n=row.n, who=row.who, item=row.item_name, days=cfg.repeat_window_days,
                   first=metrics.fmt_date(row.first), last=metrics.fmt_date(row.last),
                   min_count=cfg.repeat_min_count)
        out.append(_alert(
            "repeat", "高" if row.n > cfg.repeat_min_count else "中", row.unit_code, row.unit_name,
            f"{row.resident_hash[:16]}:{row.item_code}", f"{row.who} · {row.item_name}", period,
            "{first} 至 {last} 共 {n} 次",
            "服务对象 {who} 就“{item}”在 {first} 至 {last} 共 {n} 次诉求，"
            "{days} 天内达到 {min_count} 次及以上。",
            "app_pages/records.py", row.unit_code, row.item_code, args=fmt))
    return out


def spike_alerts(counts: pd.DataFrame, period: str, months: int, cfg: AlertConfig) -> list:
    """诉求突增: a town's 事项 whose count this month exceeds the upper Poisson limit of its own monthly
    mean over the `months` baseline months the data covers (P(X ≥ count) < alpha, at least min_count).
    The mean is scaled twice: by how the town's other 事项 moved this month against their own mean, so a
    month busy for every 事项 (the year's end) is not a spike of each; and by how the 事项 moved in the
    other towns against those towns' whole, so a 事项 of the season (参保 at the year's end, rising in
    every town) is not a spike of every town. What is left is the town's own rise."""
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
    candidates = candidates[(candidates["received"] >= cfg.spike_min_count) & (candidates["received"] > expected)]
    for row in candidates.itertuples(index=False):
        n = int(row.received)
        if stats.poisson_pmf(n, float(row.expected)) >= cfg.spike_alpha:
            continue      # P(X ≥ n) ≥ P(X = n) ≥ alpha: no alarm, and the tail sum is spared (speed)
        p = stats.poisson_sf(n, float(row.expected))
        if p >= cfg.spike_alpha:
            continue
        limit = stats.poisson_upper_limit(float(row.expected), cfg.spike_alpha)
        # against the adjusted baseline: what this town's month would be without a rise of its own
        first_line, ratio = rise_words(n, float(row.expected))
        fmt = dict(n=n, item=row.item_name, months=months, mean=metrics.fmt_num(row.mean, 1), ratio=ratio,
                   factor=metrics.fmt_num(row.factor, 2), season=metrics.fmt_num(row.season, 2),
                   expected=metrics.fmt_num(row.expected, 1),
                   limit=limit, p=fmt_p(p), alpha=f"{cfg.spike_alpha:g}")
        out.append(_alert(
            "spike", "高" if p < cfg.spike_alpha / 1000 else "中", row.unit_code, row.unit_name, row.item_code,
            row.item_name, period, first_line,
            "“{item}”本月 {n} 件；前 {months} 个月月均 {mean} 件，按本单位其他事项本月的增减（× {factor}）"
            "和该事项在其他乡镇街道本月的增减（× {season}）"
            "调整后基线为 {expected} 件，泊松分布上限 {limit} 件（超过它的概率不到 {alpha}），"
            "本月件数出现的概率 p = {p}。",
            "app_pages/records.py", row.unit_code, row.item_code, p_value=p, args=fmt))
    return out


def hotspot_alerts(counts: pd.DataFrame, period: str, cfg: AlertConfig, found: pd.DataFrame | None = None,
                   has_texts: bool = False) -> list:
    """热点: where the months' records carry 诉求内容, one alert per hot topic (`found`, dangqun.topics.of_month:
    the biggest max_alerts of each county); without any text, the 事项 of the region whose count rose
    against the previous month: given both months' total, this month's share tested against one half
    (one-sided binomial: the two months' rates equal), p < alpha and at least min_increase more; the
    max_alerts most significant."""
    if has_texts:
        return topic_alerts(found, period)
    found = []
    for row in counts.itertuples(index=False):
        now, before = int(row.received), int(row.base_received)
        if now - before < cfg.hot_min_increase:
            continue
        p = stats.binom_sf(now, now + before, 0.5)
        if p < cfg.hot_alpha:
            found.append((p, -(now - before), row, now, before))
    found.sort(key=lambda x: (x[0], x[1], x[2].item_code))
    out = []
    for p, _, row, now, before in found[:cfg.hot_max_alerts]:
        fmt = dict(item=row.item_name, now=now, before=before, rise=metrics.fmt_pct((now - before) / before)
                   if before else "—", p=fmt_p(p), alpha=f"{cfg.hot_alpha:g}")
        out.append(_alert(
            "hotspot", "低", row.unit_code, row.unit_name, row.item_code, row.item_name, period,
            "本月 {now} 件，上月 {before} 件",
            "“{item}”本月 {now} 件，上月 {before} 件（增加 {rise}）；若两月发生率相同，"
            "出现这样增幅的概率 p = {p}（单侧条件二项检验），低于 {alpha}。",
            "app_pages/records.py", row.unit_code, row.item_code, p_value=p, args=fmt))
    return out


def topic_alerts(found: pd.DataFrame | None, period: str, tcfg: topics.TopicConfig | None = None) -> list:
    """One 热点 per hot topic, the biggest max_alerts of each county; its unit is the topic's town, or its
    county when the matter spans towns, and its records are the topic's (case_rows)."""
    tcfg = tcfg or topics.load_config()
    if found is None or found.empty:
        return []
    hot = found[found["hot"]].groupby("county_code", sort=True).head(tcfg.max_alerts)
    out = []
    for row in hot.itertuples(index=False):
        towns = "、".join(row.towns[:3]) + (f" 等 {len(row.towns)} 个乡镇街道" if len(row.towns) > 3 else "")
        fmt = dict(label=row.label, n=row.count, residents=row.residents, previous=row.previous, towns=towns,
                   county=row.county_name, volume=metrics.fmt_int(row.volume),
                   share=metrics.fmt_pct(row.count / row.volume), keywords="、".join(row.keywords[:5]))
        rising = row.severity == "中"
        out.append(_alert(
            "hotspot", row.severity, row.unit_code, row.unit_name, f"题:{row.topic_key}", row.label, period,
            "本月 {n} 件（{residents} 人），上月 {previous} 件",
            ("{n} 件诉求说的是同一件事：“{label}”（关键词：{keywords}），来自 {residents} 位群众，涉及 {towns}；"
             "占{county}本月有诉求内容的 {volume} 件的 {share}。上月相似的诉求 {previous} 件"
             + ("，本月明显增多。" if rising else "。")),
            "app_pages/services.py", row.unit_code, row.topic_key, p_value=row.p_value, args=fmt))
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


def fmt_p(p: float) -> str:
    """A p-value as officials read it: 0.0123, or 3.2e-07 when tiny."""
    return f"{p:.4f}" if p >= 0.0001 else f"{p:.1e}"


def find(frames: dict[str, pd.DataFrame], period: str, latest: dt.date, first_day: dt.date | None,
         cfg: AlertConfig | None = None, mcfg: metrics.MetricsConfig | None = None) -> pd.DataFrame:
    """Every alert of the month from the query frames (names as in query_params), severest first, with
    their sentences in Chinese and the sentences' templates and values (FOUND_COLUMNS)."""
    cfg = cfg or load_config()
    found = (backlog_alerts(frames["alert_backlog"], period, as_of_day(period, latest), cfg)
             + satisfaction_alerts(frames["alert_satisfaction"], period, cfg, mcfg)
             + repeat_alerts(frames["alert_repeats"], period, cfg)
             + spike_alerts(frames["spike"], period, base_months(first_day, period, cfg.spike_base_months), cfg)
             + hotspot_alerts(frames["hotspot"], period, cfg, frames.get("topics"),
                              len(frames.get("topic_texts", ())) > 0))
    return ordered(pd.DataFrame(found, columns=list(FOUND_COLUMNS)))


def evaluate(frames: dict[str, pd.DataFrame], period: str, latest: dt.date, first_day: dt.date | None,
             cfg: AlertConfig | None = None, mcfg: metrics.MetricsConfig | None = None,
             lang: str = "zh") -> pd.DataFrame:
    """find()'s alerts in `lang`, with the columns of COLUMNS."""
    return localise(find(frames, period, latest, first_day, cfg, mcfg), lang)


def alert_size(args) -> int:
    """How many cases (or 有效回访) an alert is about, from its values: what orders alerts of one severity."""
    a = args if isinstance(args, dict) else json.loads(args)
    for name in ("n", "now", "valid"):
        if name in a:
            try:
                return int(str(a[name]).replace(",", ""))
            except ValueError:
                return 0
    return 0


def ordered(alerts: pd.DataFrame) -> pd.DataFrame:
    """Severest first, then the biggest (alert_size), then by rule (the cards' order), unit and subject."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rules = {r: i for i, r in enumerate(RULES)}
    size = alerts["size"] if "size" in alerts else alerts["args"].map(alert_size)
    alerts = alerts.assign(_s=alerts["severity"].map(order), _n=-size, _r=alerts["rule"].map(rules))
    return (alerts.sort_values(["_s", "_n", "_r", "unit_code", "subject"], kind="stable")
            .drop(columns=["_s", "_n", "_r"]).reset_index(drop=True))


def localise(found: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Alerts with templates (FOUND_COLUMNS; args as a dict or as stored, JSON) as read: rule name,
    figures and explanation in `lang`, the columns of COLUMNS and the size ordered() sorts by."""
    args = [a if isinstance(a, dict) else json.loads(a) for a in found["args"]]
    out = found.assign(
        rule_name=found["rule"].map(RULES), p_value=pd.to_numeric(found["p_value"]).astype("float64"),
        numbers=[t(text, lang, **a) for text, a in zip(found["numbers_text"], args)],
        explanation=[t(text, lang, **a) for text, a in zip(found["explanation_text"], args)],
        size=[alert_size(a) for a in args])
    return out[[*COLUMNS, "size"]].reset_index(drop=True)


def gather(run, region: str, period: str) -> tuple[dict[str, pd.DataFrame], dt.date, dt.date | None]:
    """The query frames of the alerts of `region` in `period` (names as in query_params), the data's latest
    and first day; `run(name, params)` runs a named query (unscoped when ensure() finds the province's
    alerts; under the caller's scope for the tests that compute a region's alerts directly)."""
    span = run("data_span", {})
    latest, first = _day(span["last_day"].iloc[0]), _day(span["first_day"].iloc[0])
    latest = latest or periods.month_end(parse_period(period))
    params = query_params(region, period, latest)
    frames = {name: run(QUERY_OF.get(name, name), p) for name, p in params.items()
              if name not in ("alert_place_names", "text_volume")}
    frames["topics"] = month_topics(run, frames["topic_texts"], params)
    return frames, latest, first


def month_topics(run, texts: pd.DataFrame, params: dict) -> pd.DataFrame:
    """The month's topics of 诉求内容 (dangqun.topics.of_month), with the region's place names cut whole;
    the place names are asked only where there are texts to cut."""
    if not len(texts):
        return pd.DataFrame(columns=list(topics.TOPIC_COLUMNS))
    places = run("alert_place_names", params["alert_place_names"])["region_name"].tolist()
    return topics.of_month(texts, places)


# the frames two rules read from the same query
QUERY_OF = {"spike": "alert_item_counts", "hotspot": "alert_item_counts"}


def _day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# ── the stored alerts: found once per month and data version, read by every page ──────────────────

# the rules' definitions and sentences: raise it with a change to either, and every stored month is found
# anew when next asked (a change of config/alerts.toml or config/metrics.toml does the same by itself)
VERSION = "7"
_STORE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Stored:
    """A month whose alerts alert_found holds: its run key (what they were found from) and the day open
    cases were counted late to."""
    period: str
    key: str
    as_of: dt.date


def run_key(con) -> str:
    """What the alerts stored now are found from: the data version, the rules' VERSION and the
    configuration files' contents."""
    digest = hashlib.sha256()
    for path in (CONFIG_PATH, metrics.CONFIG_PATH):
        digest.update(Path(path).read_bytes())
    cur = con.cursor()
    try:
        version = db.data_version(cur)
    finally:
        cur.close()
    return f"{version}|{VERSION}|{digest.hexdigest()[:12]}"


def ensure(con, period: str) -> Stored:
    """The province's alerts of `period` in alert_found: read from there when found from this data under
    these rules, else found now and stored (a database connection that may write; the queries run
    unscoped, and readers see the rows of their scope through alert_list). Concurrent callers of a
    process wait for one computation."""
    parse_period(period)
    want = run_key(con)
    if (got := _stored(con, period, want)) is not None:
        return got
    with _STORE_LOCK:
        if (got := _stored(con, period, want)) is not None:
            return got
        return _store(con, period, want)


def refresh(con) -> Stored | None:
    """After an import: the months stored from older data dropped, and the alerts of the data's latest
    month (the month the pages open on) found and stored; None without records."""
    last = db.run(con, "data_span", {})["last_day"].iloc[0]
    want = run_key(con)
    with _STORE_LOCK:
        cur = con.cursor()
        try:
            for table in ("alert_found", "alert_case", "topic_member"):
                cur.execute(f"delete from {table} where period in (select period from alert_run where run_key <> $k)",
                            {"k": want})
            cur.execute("delete from alert_run where run_key <> $k", {"k": want})
        finally:
            cur.close()
    return None if pd.isna(last) else ensure(con, period_of(pd.Timestamp(last).date()))


def _stored(con, period: str, want: str) -> Stored | None:
    cur = con.cursor()
    try:
        row = cur.execute("select as_of from alert_run where period = $p and run_key = $k",
                          {"p": period, "k": want}).fetchone()
    finally:
        cur.close()
    return None if row is None else Stored(period, want, _day(row[0]))


def _store(con, period: str, want: str) -> Stored:
    started = time.perf_counter()
    frames, latest, first = gather(lambda name, params: db.run(con, name, params), regions.PROVINCE, period)
    found = find(frames, period, latest, first)
    as_of = as_of_day(period, latest)
    # the sentences are stored as templates and values: rule_name, numbers and explanation are read anew
    rows = found.rename(columns={"unit_code": "region_code"}).assign(
        args=[json.dumps(a, ensure_ascii=False, default=_plain) for a in found["args"]],
        p_value=found["p_value"].astype("float64"))
    cases = case_rows(frames, found, period)
    cur = con.cursor()
    try:
        cur.begin()
        cur.execute("delete from alert_found where period = $p", {"p": period})
        cur.execute("delete from alert_case where period = $p", {"p": period})
        cur.register("_found_rows", rows)
        cur.execute("insert into alert_found by name "
                    "select * exclude (rule_name, numbers, explanation) from _found_rows")
        cur.register("_case_rows", cases)
        cur.execute("insert into alert_case by name select * from _case_rows")
        cur.execute("delete from topic_member where period = $p", {"p": period})
        cur.register("_topic_rows", topics.member_rows(frames["topics"], frames["topic_texts"], period))
        cur.execute("insert into topic_member by name select * from _topic_rows")
        cur.execute("insert or replace into alert_run values ($p, $k, $as_of, $at, $s, $n)",
                    {"p": period, "k": want, "as_of": as_of, "at": dt.datetime.now(),
                     "s": time.perf_counter() - started, "n": len(rows)})
        cur.commit()
    except BaseException:
        cur.rollback()
        raise
    finally:
        cur.close()
    return Stored(period, want, as_of)


# alert_case's columns (views.alerts.CASE_COLUMNS are the headers the page shows them under)
STORED_CASE_COLUMNS = ("alert_key", "period", "region_code", "record_id", "received_at", "center_name",
                       "item_code", "item_name", "resident_name", "phone", "status", "due_on", "request_text")


def case_rows(frames: dict[str, pd.DataFrame], found: pd.DataFrame, period: str) -> pd.DataFrame:
    """The records behind each 重复诉求, 超期积压 and 热点 (topic) alert of `found`, from the rules' frames,
    under the alert's key (alert_case's rows)."""
    rep = frames["alert_repeats"]
    rep = rep.assign(alert_key=[key("repeat", u, f"{h[:16]}:{i}", period)
                                for u, h, i in zip(rep["unit_code"], rep["resident_hash"], rep["item_code"])])
    late = frames["alert_backlog"]
    late = late.assign(alert_key=[key("backlog", u, "", period) for u in late["unit_code"]])
    both = pd.concat([rep, late, topic_cases(frames, period)], ignore_index=True)
    both = both[both["alert_key"].isin(found["alert_key"])]
    both = both.assign(period=period, region_code=both["unit_code"])
    return both.reindex(columns=list(STORED_CASE_COLUMNS)).astype({"due_on": "datetime64[us]"})


def topic_cases(frames: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """The month's records of every topic, under the key its 热点 alert would have (case_rows keeps those
    of the alerts found)."""
    found = frames.get("topics")
    if found is None or found.empty:
        return pd.DataFrame(columns=["alert_key", "unit_code"])
    ids = found[["topic_key", "unit_code", "record_ids"]].explode("record_ids").rename(
        columns={"record_ids": "record_id"})
    ids["alert_key"] = [key("hotspot", u, f"题:{k}", period) for u, k in zip(ids["unit_code"], ids["topic_key"])]
    texts = frames["topic_texts"].drop(columns=["town_code"], errors="ignore")
    return ids.merge(texts, on="record_id", how="left")


def _plain(value):
    """A numpy number in an alert's values as JSON."""
    return value.item() if hasattr(value, "item") else str(value)


def town_of(region: str) -> str:
    """The region alerts are read for: a village's (村社区) town, since the rules' units are towns."""
    code = regions.normalise_code(region)
    return code if regions.level_of(code) < 4 else code[:9] + "000"


def listing(run, region: str, stored: Stored, lang: str = "zh", cfg: AlertConfig | None = None) -> pd.DataFrame:
    """The alerts of `region` (a village: its town, town_of) in the stored month, without statuses,
    severest first, in `lang`: the stored alerts of the units under the region (热点 of 诉求内容 among them)
    and, where the region's records of the month carry no 诉求内容, its own 热点 of rising 事项 — the
    province's stored, a smaller region's found now from its own counts. `run(name, params)` runs a named
    query under the caller's scope (the page's cached ui.query, the command line's and the 通报's db.run)."""
    region = town_of(region)
    rows = run("alert_list", {"region": regions.prefix(region), "period": stored.period, "run_key": stored.key})
    if region != regions.PROVINCE:
        cfg = cfg or load_config()
        params = query_params(region, stored.period, stored.as_of, cfg)
        if not int(run("text_volume", params["text_volume"])["texts"].iloc[0]):
            hot = hotspot_alerts(run("alert_item_counts", params["hotspot"]), stored.period, cfg)
            rows = pd.concat([rows, pd.DataFrame(hot, columns=list(FOUND_COLUMNS))[rows.columns]],
                             ignore_index=True)
    return ordered(localise(rows, lang))


def run_all(con, region: str, period: str, scope: str | None, lang: str = "zh", store=None) -> pd.DataFrame:
    """The alerts of `region` in `period` with their statuses from the operational store `store` (none
    given: every alert 待处理), through the scoped runner (the CLI)."""
    found = listing(lambda name, params: db.run(con, name, params, scope=scope), region, ensure(con, period), lang)
    return with_status(found, statuses(store, period, scope) if store is not None
                       else pd.DataFrame(columns=list(STATUS_COLUMNS)))


# ── statuses (the operational store's alert_status, dangqun.state) ────────────────────────────────

def with_status(alerts: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """The alerts with status (待处理 where nobody acted yet), note, updated_by and updated_at."""
    merged = alerts.merge(statuses[["alert_key", "status", "note", "updated_by", "updated_at"]],
                          on="alert_key", how="left")
    return merged.assign(status=merged["status"].fillna(STATUSES[0]))


STATUS_COLUMNS = ("alert_key", "status", "note", "updated_by", "updated_at")


def statuses(store, period: str, scope: str | None) -> pd.DataFrame:
    """What officials recorded about the alerts of a month: status, note, by whom and when; under `scope`,
    the rows of units inside it and of the units it lies in (the province's 热点 is a county's concern too)."""
    import sqlalchemy as sa

    from dangqun.state import alert_status as table

    with store.reading() as conn:
        rows = conn.execute(sa.select(table.c.unit_code, *[table.c[c] for c in STATUS_COLUMNS])
                            .where(table.c.period == period).order_by(table.c.alert_key)).all()
    frame = pd.DataFrame(rows, columns=["unit_code", *STATUS_COLUMNS])
    if scope is not None:
        frame = frame.loc[[regions.contains(scope, u) or regions.contains(u, scope) for u in frame["unit_code"]]]
    return frame[list(STATUS_COLUMNS)].reset_index(drop=True)


def set_status(store, params: dict) -> None:
    """Record an official's status and note on one alert (from status_params), replacing the last one, with
    its audit row in the same transaction (the history is in the audit log)."""
    import sqlalchemy as sa

    from dangqun.state import alert_status as table

    detail = f"{params['status']}：{params['note']}" if params["note"] else params["status"]
    with store.writing() as conn:
        conn.execute(sa.delete(table).where(table.c.alert_key == params["alert_key"]))
        conn.execute(sa.insert(table).values(**params))
        audit.record_rows(store, [audit.row(params["updated_by"], "alert_status", target=params["alert_key"],
                                            detail=detail, at=params["updated_at"])], conn)


def status_params(alert: dict, status: str, note: str, user: str, at: dt.datetime | None = None) -> dict:
    """alert_status_set's parameters for one change; refuses an unknown status."""
    if status not in STATUSES:
        raise ValueError(f"未知的预警状态：{status}")
    return dict(alert_key=alert["alert_key"], rule=alert["rule"], unit_code=alert["unit_code"],
                subject=alert["subject"], period=alert["period"], status=status,
                note=str(note or "").strip()[:NOTE_MAX], updated_by=user, updated_at=at or dt.datetime.now())
