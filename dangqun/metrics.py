"""The one definition of each metric's formula (README 新增指标; the list of metrics is dangqun.metric_registry),
and the number formats (README 看得清、不误导).

queries/*.sql mirror these definitions and tests compare the two, so a change here is a change
there. Rates are fractions (0.934), the composite score is 0–100 points; weights, the 基本满意
factor and every threshold come from config/metrics.toml.

Scalars give None where a denominator is empty; the vectorised forms (pandas Series / DataFrame)
give NaN there. Formatting turns both into "—", never 0% or NaN.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dangqun import metric_registry
from dangqun.i18n import t

CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "metrics.toml"

DASH = "—"
# Cases still in someone's hands; 退回 (sent back as not this unit's business) is neither open nor late.
OPEN_STATUSES = ("待受理", "办理中", "延期")
TIER_RECTIFY, TIER_ADVANCED, TIER_PROGRESS, TIER_NORMAL = "整改", "先进", "进步", "一般"
RATE_COLUMNS = ("response_rate", "solve_rate", "satisfaction_rate")

# Rates are rounded to this many decimals before meeting a threshold, so float noise (7/10 computed
# as 0.6999999999) never decides a flag. Every threshold is applied here (below, at_least): the SQL
# returns counts and rates, and decides no flag.
_THRESHOLD_DECIMALS = 9


# ---------------------------------------------------------------- config

@dataclass(frozen=True)
class MetricsConfig:
    w_response: float
    w_solve: float
    w_satisfaction: float
    basic_factor: float
    yellow_below: float
    min_valid: int
    rectify_below: float
    advanced_top_share: float
    advanced_min_rate: float
    progress_min_places: int


def load_config(path=None) -> MetricsConfig:
    """config/metrics.toml (or `path`), read once per process and path."""
    return _load_config(str(Path(path) if path else CONFIG_PATH))


@lru_cache(maxsize=8)
def _load_config(path: str) -> MetricsConfig:
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    w, tiers = raw["weights"], raw["tiers"]
    cfg = MetricsConfig(
        w_response=float(w["response"]), w_solve=float(w["solve"]),
        w_satisfaction=float(w["satisfaction"]),
        basic_factor=float(raw["satisfaction"]["basic_factor"]),
        yellow_below=float(raw["flags"]["yellow_below"]),
        min_valid=int(tiers["min_valid"]),
        rectify_below=float(tiers["rectify_below"]),
        advanced_top_share=float(tiers["advanced_top_share"]),
        advanced_min_rate=float(tiers["advanced_min_rate"]),
        progress_min_places=int(tiers["progress_min_places"]),
    )
    total = Decimal(str(cfg.w_response)) + Decimal(str(cfg.w_solve)) + Decimal(str(cfg.w_satisfaction))
    if total != 1:
        raise ValueError(f"{path}：综合成绩的三个权重之和应为 1，现为 {total}")
    return cfg


# metric → its Chinese label: the metrics config/metrics.toml [targets] may set a target for
TARGET_METRICS = metric_registry.targetable()


def targets(path=None) -> dict[str, float]:
    """The optional targets of config/metrics.toml [targets] (or `path`): metric → target, a rate as
    a fraction (0.90), 综合成绩 in points; {} when none are set. Without Streamlit, for cards and charts."""
    return dict(_targets(str(Path(path) if path else CONFIG_PATH)))


@lru_cache(maxsize=8)
def _targets(path: str) -> tuple[tuple[str, float], ...]:
    with open(path, "rb") as f:
        raw = tomllib.load(f).get("targets", {})
    out = []
    for key, value in raw.items():
        if key not in TARGET_METRICS:
            raise ValueError(f"{path}：[targets] 中的 {key} 不是可设目标的指标（可用：{'、'.join(TARGET_METRICS)}）")
        top = 100 if key == "composite_score" else 1
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= top:
            raise ValueError(f"{path}：[targets] {key} = {value!r} 应为 0 到 {top} 之间的数"
                             + ("（率写作小数，0.90 即 90%）" if top == 1 else ""))
        out.append((key, float(value)))
    return tuple(out)


def fmt_target(key: str, value: float, lang: str | None = None) -> str:
    """A target as the cards show it: '90%', '95.5%'; 综合成绩 in points: '90', '92.50', with its unit
    ('90 分', '90 pts') when a `lang` is given."""
    if key == "composite_score":
        text = fmt_num(value, 0 if value == int(value) else 2)
        return text + t(" 分", lang) if lang else text
    return fmt_pct(value, 0 if round(value * 100, 9) == int(round(value * 100, 9)) else 1)


# ---------------------------------------------------------------- ratios

def _is_vector(x) -> bool:
    return isinstance(x, (pd.Series, np.ndarray, pd.api.extensions.ExtensionArray))


def _missing(x) -> bool:
    return x is None or bool(pd.isna(x))


def _as_float_series(x, index=None) -> pd.Series | float:
    """A Series (or array, given the index of the Series it meets) as float64; a scalar as float."""
    if isinstance(x, pd.Series):
        if x.dtype == "float64":
            return x
        return pd.Series(x.to_numpy(dtype="float64", na_value=np.nan), index=x.index, name=x.name)
    if _is_vector(x):
        return pd.Series(x, index=index).astype("float64")
    return math.nan if _missing(x) else float(x)


def ratio(num, den):
    """num / den; None when den is 0, None or NaN (or num is missing).

    With a pandas Series (or array) on either side: a float Series, NaN where the denominator is
    empty."""
    if _is_vector(num) or _is_vector(den):
        series = [v for v in (num, den) if isinstance(v, pd.Series)]
        index = series[0].index if series else None
        if len(series) == 2 and not series[0].index.equals(series[1].index):
            num, den = num.align(den)  # pandas' own alignment by label, as num / den would do
            index = num.index
        num, den = _as_float_series(num, index), _as_float_series(den, index)
        # numpy on the values: the same result as Series arithmetic, without its per-call overhead,
        # which on the pages' small frames was most of the time
        n = num.to_numpy() if isinstance(num, pd.Series) else num
        d = den.to_numpy() if isinstance(den, pd.Series) else den
        with np.errstate(divide="ignore", invalid="ignore"):
            out = n / np.where(d == 0, np.nan, d)
        return pd.Series(out, index=index, dtype="float64")
    if _missing(num) or _missing(den) or den == 0:
        return None
    return float(num) / float(den)


def _scaled(x, factor):
    """x × factor keeping None for a missing scalar."""
    if _is_vector(x):
        return _as_float_series(x) * factor
    return None if _missing(x) else float(x) * factor


def _zero_if_missing(x):
    if _is_vector(x):
        return _as_float_series(x).fillna(0.0)
    return 0.0 if _missing(x) else float(x)


def per_wan(count, amount_wan):
    """每万元服务量 = 受理量 / 投入(万元) over the same scope and period (the funds' part falling in the
    period: filtered_funds' period_wan)."""
    return ratio(count, amount_wan)


def unit_cost_yuan(amount_wan, count):
    """单件成本 (元/件) = 投入(万元) × 10000 / 受理量."""
    return ratio(_scaled(amount_wan, 10000), count)


# ---------------------------------------------------------------- 三率 and 综合成绩

def satisfied_weighted(satisfied, basic, cfg: MetricsConfig | None = None):
    """满意率's numerator: 满意 + basic_factor × 基本满意 (shown beside the rate on hover and in downloads)."""
    cfg = cfg or load_config()
    return _zero_if_missing(satisfied) + cfg.basic_factor * _zero_if_missing(basic)


def composite_score(response, solve, satisfaction, cfg: MetricsConfig | None = None):
    """综合成绩 = 100 × (w1 × 响应率 + w2 × 解决率 + w3 × 满意率); None if any rate is None."""
    cfg = cfg or load_config()
    if any(r is None for r in (response, solve, satisfaction)):
        return None
    return 100 * (cfg.w_response * response + cfg.w_solve * solve + cfg.w_satisfaction * satisfaction)


def _denoised(rate):
    """A rate rounded to _THRESHOLD_DECIMALS; NaN where missing, which no comparison matches."""
    if _is_vector(rate):
        rate = _as_float_series(rate)
        return pd.Series(np.round(rate.to_numpy(), _THRESHOLD_DECIMALS), index=rate.index)
    return math.nan if _missing(rate) else round(float(rate), _THRESHOLD_DECIMALS)


def below(rate, threshold: float):
    """rate < threshold, float noise aside; a missing rate is never below (bool or bool Series)."""
    return _denoised(rate) < threshold


def at_least(rate, threshold: float):
    """rate ≥ threshold, float noise aside; a missing rate never is (bool or bool Series)."""
    return _denoised(rate) >= threshold


def rates(contacted, solved, satisfied, basically_satisfied, valid,
          cfg: MetricsConfig | None = None) -> dict:
    """The 三率, 综合成绩 and the 黄榜 flag of one unit from its counts over 有效回访 (valid).
    Every value is None (flag False) when valid is 0 or missing."""
    cfg = cfg or load_config()
    out = {
        "response_rate": ratio(contacted, valid),
        "solve_rate": ratio(solved, valid),
        "satisfaction_rate": ratio(satisfied_weighted(satisfied, basically_satisfied, cfg), valid),
    }
    out["composite_score"] = composite_score(*(out[c] for c in RATE_COLUMNS), cfg=cfg)
    out["flagged_yellow"] = any(below(out[c], cfg.yellow_below) for c in RATE_COLUMNS)
    return out


def add_rates(df: pd.DataFrame, cfg: MetricsConfig | None = None) -> pd.DataFrame:
    """`rates` over a frame with columns valid, contacted, solved, satisfied, basic: returns a copy
    with satisfied_weighted, response_rate, solve_rate, satisfaction_rate, composite_score (NaN where
    valid is 0) and flagged_yellow (bool)."""
    cfg = cfg or load_config()
    weighted = satisfied_weighted(df["satisfied"], df["basic"], cfg)
    rates_ = {"response_rate": ratio(df["contacted"], df["valid"]),
              "solve_rate": ratio(df["solved"], df["valid"]),
              "satisfaction_rate": ratio(weighted, df["valid"])}
    flag = np.zeros(len(df), dtype=bool)
    for c in RATE_COLUMNS:
        flag |= below(rates_[c], cfg.yellow_below).to_numpy()
    # one assign: a copy with every new column, not a copy per column
    return df.assign(satisfied_weighted=weighted, **rates_,
                     composite_score=composite_score(*(rates_[c] for c in RATE_COLUMNS), cfg=cfg),
                     flagged_yellow=flag)


def value(key: str, row: dict, cfg: MetricsConfig | None = None):
    """The value of the registered metric `key` (dangqun.metric_registry) for one row of counts (a
    kpi_summary row as a dict): a count as int, a rate as a fraction, 综合成绩 in points, money in 万元;
    None where a denominator is empty. The one place a card, a 通报 sentence or its numbers compute it."""
    m = metric_registry.get(key)
    if key in (*RATE_COLUMNS, "composite_score"):
        return rates(row["contacted"], row["solved"], row["satisfied"], row["basic"], row["valid"], cfg)[key]
    if m.rate:
        return ratio(row[m.num], row[m.den])
    if m.kind == "money":
        return float(row[key])
    return int(row[m.num])


def add_values(df: pd.DataFrame, cfg: MetricsConfig | None = None) -> pd.DataFrame:
    """add_rates, and every other registered rate whose counts the frame has (办结率 = closed / received …),
    each in a column named by its key: the vectorised value()."""
    out = add_rates(df, cfg)
    more = {m.key: ratio(out[m.num], out[m.den]) for m in metric_registry.METRICS
            if m.rate and m.key not in out and m.num in out and m.den in out}
    return out.assign(**more) if more else out


def totals(df: pd.DataFrame, columns) -> dict[str, int]:
    """The sums of count columns over a frame's rows (a window's counts from its months): 0 when empty."""
    return {c: int(df[c].sum()) for c in columns}


SATISFACTION_LEVELS = ("满意", "基本满意", "不满意")


def satisfaction_levels(summary: dict) -> pd.DataFrame:
    """How residents answered the follow-up survey, from the counts satisfied, basic, unsatisfied and
    valid (kpi_summary's, or monthly_trend's totals): one row per level in
    SATISFACTION_LEVELS (0 where nobody gave it) with its count and the 有效回访 (valid) it is out of."""
    counts = (summary["satisfied"], summary["basic"], summary["unsatisfied"])
    return pd.DataFrame({"satisfaction": list(SATISFACTION_LEVELS), "count": [int(n) for n in counts],
                         "valid": int(summary["valid"])})


# ---------------------------------------------------------------- ranking and tiers

def rank_desc(scores: pd.Series, eligible: pd.Series | None = None) -> pd.Series:
    """Competition ranking by score, highest first, ties share a place (1, 2, 2, 4) as SQL's
    rank() over (order by score desc); <NA> for missing scores and ineligible units."""
    if eligible is not None:
        scores = scores.where(eligible)
    return scores.rank(method="min", ascending=False, na_option="keep").astype("Int64")


def add_tiers(df: pd.DataFrame, cfg: MetricsConfig | None = None) -> pd.DataFrame:
    """Rank units and assign 整改 / 先进 / 进步 / 一般 (config [tiers]); returns a copy with
    rank, rank_change and tier. Units with fewer than min_valid 有效回访 get <NA> for all three.

    `df` has one row per unit with the add_rates columns (added if absent) and may carry
    prev_rank: the unit's rank in the comparison period, from add_tiers on that period's frame.
    rank_change = prev_rank − rank, so a positive change is an improvement."""
    cfg = cfg or load_config()
    out = df if "composite_score" in df.columns else add_rates(df, cfg)
    score = out["composite_score"]
    eligible = (out["valid"].fillna(0) >= cfg.min_valid).to_numpy(dtype=bool) & score.notna().to_numpy()
    rank = rank_desc(score, pd.Series(eligible, index=out.index))
    prev = out["prev_rank"].astype("Int64") if "prev_rank" in out.columns else pd.Series(
        pd.NA, index=out.index, dtype="Int64")
    rank_change = prev - rank

    # places in the top share: ceil(share × units), at least one; Decimal so that 0.1 × 30 is 3, not 4
    n = int(eligible.sum())
    top = max(1, math.ceil(Decimal(str(cfg.advanced_top_share)) * n)) if n else 0
    rectify = np.zeros(len(out), dtype=bool)
    all_good = np.ones(len(out), dtype=bool)
    for c in RATE_COLUMNS:
        rectify |= below(out[c], cfg.rectify_below).to_numpy()
        all_good &= at_least(out[c], cfg.advanced_min_rate).to_numpy()
    advanced = (rank <= top).fillna(False).to_numpy(dtype=bool) & all_good
    progress = (rank_change >= cfg.progress_min_places).fillna(False).to_numpy(dtype=bool)

    # lowest priority first, so 整改 overrides 先进 overrides 进步
    tier = np.full(len(out), TIER_NORMAL, dtype=object)
    tier[progress] = TIER_PROGRESS
    tier[advanced] = TIER_ADVANCED
    tier[rectify] = TIER_RECTIFY
    tier[~eligible] = None
    return out.assign(rank=rank, rank_change=rank_change, tier=pd.Series(tier, index=out.index, dtype="str"))


# ---------------------------------------------------------------- workflow

# Medians and P90s need every record's times sorted (~6 million records a second on 2 cores): a view
# with more records than this computes them only when the official asks (服务办理's button), so the
# rest of the page stays quick.
DURATIONS_AUTO_MAX = 1_000_000
DURATIONS_RECORDS_PER_S = 6_000_000


# ---------------------------------------------------------------- formats (README 看得清、不误导)

# Floats carry binary noise (93.45 computed as 93.44999999999999); rounding to 13 significant
# digits first removes it, so ROUND_HALF_UP then sees the decimal value a person would compute.
# 13 digits still keep two decimals of amounts up to 99,999,999,999.99.
_DENOISE = Context(prec=13)


def _decimal(x) -> Decimal | None:
    if _missing(x) or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, (int, np.integer)):
        return Decimal(int(x))
    x = float(x)
    if not math.isfinite(x):
        return None
    return _DENOISE.plus(Decimal(repr(x)))


def _quantize(d: Decimal, places: int) -> Decimal:
    q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q   # never "-0.00"


def fmt_num(x, places: int = 2) -> str:
    """Thousands separators and exactly `places` decimals, rounded half up; missing → "—"."""
    d = _decimal(x)
    return DASH if d is None else f"{_quantize(d, places):,}"


def round_half_up(values: pd.Series, places: int) -> pd.Series:
    """Each value rounded half up to `places` decimals as fmt_num rounds it, as float64 (missing stays
    missing): for a table the browser formats, which would round 94.225 (94.22499999… in binary) down."""
    out = [None if (d := _decimal(x)) is None else float(_quantize(d, places)) for x in values]
    return pd.Series(out, index=values.index, dtype="float64")


def fmt_plain(x, places: int = 2) -> str:
    """fmt_num without thousands separators and an empty text for a missing value: a CSV cell that
    Excel and any CSV reader take as a number, rounded as the page shows it."""
    d = _decimal(x)
    return "" if d is None else str(_quantize(d, places))


def fmt_wan(x) -> str:
    """Money in 万元: '2,512.36'."""
    return fmt_num(x, 2)


def fmt_int(x) -> str:
    """Counts: '37,012'."""
    return fmt_num(x, 0)


def fmt_pct(x, places: int = 1) -> str:
    """A rate (fraction) as a percentage: 0.9345 → '93.5%'; missing → '—'."""
    d = _decimal(x)
    return DASH if d is None else f"{_quantize(d * 100, places):,}%"


NO_SURVEY = "无回访数据"   # a rate over 有效回访 where there is none (no survey fields imported): not 0%, not —


def fmt_survey_pct(rate, valid, lang: str = "zh") -> str:
    """A rate over 有效回访 as a percentage, or 无回访数据 where `valid` is 0 or missing."""
    return t(NO_SURVEY, lang) if _missing(valid) or not valid else fmt_pct(rate)


def fmt_survey_score(score, valid, lang: str = "zh") -> str:
    """综合成绩 (built on the 三率), or 无回访数据 where `valid` is 0 or missing."""
    return t(NO_SURVEY, lang) if _missing(valid) or not valid else fmt_score(score)


def fmt_score(x) -> str:
    """综合成绩 (points out of 100), two decimals: '93.45'."""
    return fmt_num(x, 2)


def fmt_date(x) -> str:
    """A date, datetime, Timestamp or ISO string as YYYY-MM-DD; missing → '—'."""
    if _missing(x):
        return DASH
    return pd.Timestamp(x).strftime("%Y-%m-%d")


def _fmt_count(d: Decimal | None) -> str:
    """A hover numerator or denominator: integers as integers, weighted counts (1,234.5) with
    their decimals."""
    if d is None:
        return DASH
    if d == d.to_integral_value():
        return f"{_quantize(d, 0):,}"
    return f"{_quantize(d, 2):,}".rstrip("0").rstrip(".")


def fmt_value(key: str, x) -> str:
    """A value of the registered metric `key` (dangqun.metric_registry) as every page writes its kind."""
    kind = metric_registry.get(key).kind
    if kind == "rate":
        return fmt_pct(x)
    if kind == "score":
        return fmt_score(x)
    if kind == "money":
        return fmt_wan(x)
    if kind == "per":
        return fmt_num(x, 2)
    return fmt_int(x)


def fmt_ratio_hover(num, den) -> str:
    """'93.4%（1,234 / 1,321）': the rate, computed exactly from its parts, with the parts; an
    empty denominator gives '—（0 / 0）'."""
    n, d = _decimal(num), _decimal(den)
    pct = DASH if n is None or d is None or d == 0 else fmt_pct(n / d)
    return f"{pct}（{_fmt_count(n)} / {_fmt_count(d)}）"


# ---------------------------------------------------------------- the rules in words

def config_numbers(cfg: MetricsConfig | None = None) -> dict[str, str]:
    """The numbers of config/metrics.toml as the texts explaining the rules write them (weights as
    decimals, thresholds as percentages): a help text takes its numbers from here, so a change of the
    config changes the words with the figures."""
    cfg = cfg or load_config()
    return {"w1": f"{cfg.w_response:g}", "w2": f"{cfg.w_solve:g}", "w3": f"{cfg.w_satisfaction:g}",
            "basic": f"{cfg.basic_factor:g}", "yellow": fmt_pct(cfg.yellow_below, 0),
            "min_valid": str(cfg.min_valid), "top": fmt_pct(cfg.advanced_top_share, 0),
            "adv": fmt_pct(cfg.advanced_min_rate, 0), "places": str(cfg.progress_min_places),
            "rectify": fmt_pct(cfg.rectify_below, 0)}


def composite_formula(lang: str = "zh", cfg: MetricsConfig | None = None) -> str:
    """综合成绩's formula with the configured weights, for the help of a 综合成绩 card."""
    return t("100 × ({w1} × 响应率 + {w2} × 解决率 + {w3} × 满意率)", lang, **config_numbers(cfg))


def satisfaction_formula(parts: str, lang: str = "zh", cfg: MetricsConfig | None = None) -> str:
    """满意率's formula with the configured 基本满意 factor, followed by `parts` (fmt_ratio_hover)."""
    return t("(满意 + {basic} × 基本满意) / 有效回访：{parts}", lang, parts=parts, **config_numbers(cfg))
