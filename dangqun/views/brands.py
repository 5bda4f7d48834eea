"""Plain logic of the 品牌矩阵 page: ranks against the comparison period, min–max normalisation of
the indicators, the 高投入低成绩 quadrant and the brands the radar starts with."""
from __future__ import annotations

import pandas as pd

from dangqun import metrics

# (column of the brand_scorecard frame after add_rates, its i18n key): the indicators compared in
# the heatmap and the radar, in the order an official reads them.
INDICATORS = (
    ("received", "服务量"),
    ("activities", "活动场次"),
    ("volunteer_hours", "志愿时长"),
    ("satisfaction_rate", "满意率"),
    ("composite_score", "综合成绩"),
    ("funds_wan", "投入"),
)
MAX_PICK = 5       # the radar stays readable with up to five outlines
DEFAULT_PICK = 3


def with_ranks(now: pd.DataFrame, before: pd.DataFrame | None = None) -> pd.DataFrame:
    """`now` (and `before`, the comparison period's frame, or None) from brand_scorecard: returns
    `now` with the 三率, 综合成绩, rank, prev_rank and rank_change (prev_rank − rank, positive = up;
    <NA> without a comparison period or a comparable rank), ranked as metrics.add_tiers ranks."""
    out = metrics.add_rates(now)
    if before is not None:
        prev = metrics.add_tiers(metrics.add_rates(before))[["center_id", "rank"]]
        out = out.merge(prev.rename(columns={"rank": "prev_rank"}), on="center_id", how="left")
    return metrics.add_tiers(out)


def fmt_rank_change(change) -> str:
    """↑2 (up two places), ↓1, 0, or — when there is nothing to compare with. Arrows rather than
    signs, so a spreadsheet never reads '-1' as a formula."""
    if change is None or pd.isna(change):
        return metrics.DASH
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "0"


def normalise(df: pd.DataFrame, columns) -> pd.DataFrame:
    """Min–max normalise each column to 0–1 over the rows (1 = best in the scope); missing values stay
    missing. A column with fewer than two distinct values (one brand, or every brand alike: 投入 0.00
    everywhere) is missing throughout: a 1 there would read as 'best' where nothing was compared."""
    out = pd.DataFrame(index=df.index)
    for col in columns:
        values = df[col].astype("float64")
        lo, hi = values.min(), values.max()
        out[col] = (values - lo) / (hi - lo) if hi > lo else pd.Series(float("nan"), index=df.index)
    return out


def compared(normalised: pd.DataFrame) -> list[str]:
    """The indicators normalise could compare (INDICATORS order): those with a value in some row."""
    return [c for c, _ in INDICATORS if c in normalised.columns and normalised[c].notna().any()]


def fmt_indicator(col: str, value, t) -> str:
    """An indicator's value as the scorecard writes it; `t` is i18n.t with the language bound."""
    if col == "funds_wan":
        return f"{metrics.fmt_wan(value)} {t('万元')}"
    if col == "satisfaction_rate":
        return metrics.fmt_pct(value)
    if col == "composite_score":
        return metrics.fmt_score(value)
    if col == "volunteer_hours":
        return metrics.fmt_num(value, 1)
    return metrics.fmt_int(value)


def not_compared_note(df: pd.DataFrame, normalised: pd.DataFrame, t) -> str | None:
    """The caption naming the indicators normalise left blank and why (the same value for every
    brand, or no value at all); None when every indicator is compared."""
    items = []
    for col, key in INDICATORS:
        if col in compared(normalised):
            continue
        values = df[col].dropna()
        items.append(t("{indicator}各品牌社区相同（{value}）", indicator=t(key),
                       value=fmt_indicator(col, values.iloc[0], t)) if len(values)
                     else t("{indicator}没有数据", indicator=t(key)))
    return t("{items}，不作归一化：热力图中显示为 —，雷达图不含该项。", items=t("、").join(items)) if items else None


def costly_low_scoring(df: pd.DataFrame, x: str = "funds_wan", y: str = "composite_score"):
    """The 高投入低成绩 quadrant: rows above the median of `x` (投入) and below the median of `y`
    (综合成绩), medians over the rows that have both. Returns (mask, x_median, y_median); medians
    are None when fewer than two rows have both values."""
    both = df[x].notna() & df[y].notna()
    # a median of one brand is that brand: no quadrant to speak of
    if both.sum() < 2:
        return pd.Series(False, index=df.index), None, None
    x_med = float(df.loc[both, x].astype("float64").median())
    y_med = float(df.loc[both, y].astype("float64").median())
    mask = both & (df[x].astype("float64") > x_med) & (df[y].astype("float64") < y_med)
    return mask.fillna(False).astype(bool), x_med, y_med


def default_pick(df: pd.DataFrame, n: int = DEFAULT_PICK) -> list[str]:
    """The n brand centers with the highest 综合成绩 (unscored ones last, then by center_id)."""
    ordered = df.sort_values(["composite_score", "center_id"], ascending=[False, True], na_position="last")
    return ordered["center_id"].head(n).tolist()


def valid_pick(current, options, default) -> list[str]:
    """The radar's selection kept to the centers still in scope (the scope may have changed since
    it was made) and to MAX_PICK; the default when nothing of it is left."""
    kept = [c for c in (current or []) if c in set(options)][:MAX_PICK]
    return kept or list(default)[:MAX_PICK]


# the 品牌矩阵 table: what an official reads first, then the counts behind the rates (downloads)
TABLE_COLUMNS = ("brand_name", "center_name", "brand_category", "received", "activities", "volunteer_hours",
                 "satisfaction_rate", "composite_score", "funds_wan", "rank", "rank_change",
                 "prev_rank", "valid", "satisfied_weighted", "contacted", "solved", "closed", "center_id")


def table(df: pd.DataFrame) -> pd.DataFrame:
    """The brand table from with_ranks, best rank first: 满意率 as shown (93.4%, — without surveys),
    名次变化 as ↑/↓, the counts behind the rates alongside."""
    out = df.sort_values(["rank", "composite_score", "center_id"], ascending=[True, False, True],
                         na_position="last")
    out = out.assign(satisfaction_rate=out["satisfaction_rate"].map(metrics.fmt_pct),
                     rank_change=out["rank_change"].map(fmt_rank_change))
    if "prev_rank" not in out.columns:
        out["prev_rank"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    return out[list(TABLE_COLUMNS)].reset_index(drop=True)


def heat_frame(df: pd.DataFrame, normalised: pd.DataFrame, t) -> pd.DataFrame:
    """What the heatmap (and the radar) draw: each brand's raw indicators, the counts behind 满意率,
    and the normalised values under headers already in the reader's language (`t` = i18n.t with the
    language bound, as Frame.t)."""
    cols = [c for c, _ in INDICATORS]
    out = df[["center_id", "brand_name", "center_name", *cols, "satisfied_weighted", "valid"]].copy()
    for col, key in INDICATORS:
        out[t("{indicator}（归一化）", indicator=t(key))] = normalised[col].round(4)
    return out.reset_index(drop=True)
