"""The 满意度与考核 ranking table: the units one level below the region with their counts, the 三率,
综合成绩, rank against the comparison period and the 先进/进步/整改 tier (config/metrics.toml)."""
from __future__ import annotations

import pandas as pd

from dangqun import metric_registry, metrics
from dangqun.i18n import column_label, t

# the table's columns, in the order an assessment sheet reads: the verdict (成绩, 评定, 黄榜) first, so
# it is on screen without scrolling sideways at 1440 px, then the rates and the counts behind them, then the
# other counts the metric registry shows in rankings (metric_registry, RANKING)
_RANKED_COUNTS = tuple(m.key for m in metric_registry.shown_in(metric_registry.RANKING)
                       if m.kind == "count" and m.key != "received")
RANKING_COLUMNS = ("rank", "unit_code", "unit_name", "composite_score", "tier", "flagged_yellow", "response_rate",
                   "solve_rate", "satisfaction_rate", "rank_change", "prev_rank", "received", "closed", "valid",
                   "contacted", "solved", "satisfied", "basic", "satisfied_weighted", *_RANKED_COUNTS)
COUNT_COLUMNS = ("received", "closed", "valid", "contacted", "solved", "satisfied", "basic", *_RANKED_COUNTS)
RATE_LABELS = {"response_rate": "响应率", "solve_rate": "解决率", "satisfaction_rate": "满意率"}
FLAG = "⚠"


def ranking(now: pd.DataFrame, before: pd.DataFrame | None = None,
            cfg: metrics.MetricsConfig | None = None) -> pd.DataFrame:
    """`now` and `before`: the unit_scores query for the window and for the comparison period (None
    or empty: no comparison). Returns one row per unit with RANKING_COLUMNS, best rank first, units
    not ranked (too few 有效回访) last; flagged_yellow is a bool."""
    cfg = cfg or metrics.load_config()
    units = metrics.add_rates(now, cfg)
    if before is not None and len(before):
        prev = metrics.add_tiers(metrics.add_rates(before, cfg), cfg)
        units = units.assign(prev_rank=units["unit_code"].map(dict(zip(prev["unit_code"], prev["rank"]))))
    units = metrics.add_tiers(units, cfg)
    if "prev_rank" not in units.columns:
        units["prev_rank"] = pd.Series(pd.NA, index=units.index, dtype="Int64")
    units["prev_rank"] = units["prev_rank"].astype("Int64")
    units = units.sort_values(["rank", "composite_score"], ascending=[True, False], na_position="last")
    # counts arrive as floats when DuckDB's count_if gives HUGEINT; whole numbers read better
    units[list(COUNT_COLUMNS)] = units[list(COUNT_COLUMNS)].astype("Int64")
    return units[list(RANKING_COLUMNS)].reset_index(drop=True)


def flag_text(row, lang: str = "zh", cfg: metrics.MetricsConfig | None = None) -> str:
    """'⚠ 解决率、满意率' naming the rates below the 黄榜 threshold; '' when none is."""
    cfg = cfg or metrics.load_config()
    low = [t(label, lang) for col, label in RATE_LABELS.items() if metrics.below(row[col], cfg.yellow_below)]
    return f"{FLAG} {('、' if lang == 'zh' else ', ').join(low)}" if low else ""


def for_display(table: pd.DataFrame, lang: str = "zh", cfg: metrics.MetricsConfig | None = None) -> pd.DataFrame:
    """The ranking as shown and downloaded: the 黄榜 column names the low rates, tiers translated."""
    cfg = cfg or metrics.load_config()
    flags = [flag_text(row, lang, cfg) for _, row in table.iterrows()]
    tiers = table["tier"].map(lambda x: t(x, lang) if isinstance(x, str) else None)
    return table.assign(flagged_yellow=pd.Series(flags, index=table.index, dtype="str"), tier=tiers)


def style(shown: pd.DataFrame, lang: str = "zh", cfg: metrics.MetricsConfig | None = None):
    """A pandas Styler of the displayed table (headers already translated): rates as % with one
    decimal, 综合成绩 two decimals, counts with thousands separators, and every rate below the 黄榜 threshold highlighted."""
    cfg = cfg or metrics.load_config()
    rate_cols = [column_label(c, lang) for c in RATE_LABELS if column_label(c, lang) in shown.columns]
    score = column_label("composite_score", lang)
    weighted = column_label("satisfied_weighted", lang)
    formats = {c: metrics.fmt_pct for c in rate_cols}
    formats.update({c: f for c, f in ((score, metrics.fmt_score), (weighted, lambda x: metrics.fmt_num(x, 1)))
                    if c in shown.columns})
    formats.update({column_label(c, lang): metrics.fmt_int for c in COUNT_COLUMNS
                    if column_label(c, lang) in shown.columns})
    low = f"background-color: #FCE8B2; color: {'#8A1C1C'}; font-weight: bold"
    return (shown.style.format(formats)
            .map(lambda v: low if bool(metrics.below(v, cfg.yellow_below)) else "", subset=rate_cols))


def weights_note(lang: str = "zh", cfg: metrics.MetricsConfig | None = None) -> str:
    """The rules in use, read from config/metrics.toml, in one sentence for a caption."""
    return t("综合成绩 = 100 × ({w1} × 响应率 + {w2} × 解决率 + {w3} × 满意率)；满意率 = (满意 + {basic} × 基本满意) / 有效回访；"
             "三率任一项低于 {yellow} 上黄榜；有效回访少于 {min_valid} 件不排名；先进：前 {top} 且三率均不低于 {adv}；"
             "进步：名次比对比期上升 {places} 位及以上；整改：三率任一项低于 {rectify}。", lang,
             **metrics.config_numbers(cfg))
