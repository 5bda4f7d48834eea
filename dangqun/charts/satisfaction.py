"""Figures of the 满意度与考核 page."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dangqun import metrics
from dangqun.charts import (BAD, PALETTE, WARN, cap_categories, draw_targets, fit_range, label_range, month_labels, plain,
                            style, target_lines)
from dangqun.charts.overview import YELLOW_LINE_NEAR
from dangqun.i18n import t

LEVEL_COLORS = {"满意": PALETTE[3], "基本满意": PALETTE[2], "不满意": BAD}
MAX_REASONS = 10


def rates_trend(df, lang: str = "zh", yellow_below: float | None = None) -> go.Figure:
    """Lines of 响应率, 解决率, 满意率 (%) and 综合成绩 (points) per month on one axis fitted to the
    values, with the 黄榜 threshold dashed when the lowest value comes near it (otherwise a note says
    all lie above it); `df` from monthly_trend + metrics.add_rates."""
    yellow_below = metrics.load_config().yellow_below if yellow_below is None else yellow_below
    months = month_labels(df["month"])
    fig = go.Figure()
    for i, (col, num, label) in enumerate((("response_rate", "contacted", "响应率"),
                                           ("solve_rate", "solved", "解决率"),
                                           ("satisfaction_rate", "satisfied_weighted", "满意率"))):
        hover = [metrics.fmt_ratio_hover(n, v) for n, v in zip(df[num], df["valid"])]
        fig.add_scatter(x=months, y=df[col] * 100, name=t(label, lang), mode="lines+markers",
                        line=dict(color=PALETTE[i + 1], width=2), customdata=hover,
                        hovertemplate="%{x}<br>" + t(label, lang) + "：%{customdata}<extra></extra>")
    fig.add_scatter(x=months, y=df["composite_score"], name=t("综合成绩", lang), mode="lines+markers",
                    line=dict(color=PALETTE[0], width=3),
                    customdata=[metrics.fmt_score(s) for s in df["composite_score"]],
                    hovertemplate="%{x}<br>" + t("综合成绩", lang) + "：%{customdata}<extra></extra>")
    values = pd.concat([df[c].astype("float64") * 100 for c in ("response_rate", "solve_rate", "satisfaction_rate")]
                       + [df["composite_score"].astype("float64")]).dropna()
    line = yellow_below * 100
    near = len(values) > 0 and float(values.min()) - line <= YELLOW_LINE_NEAR
    label = t("黄榜线 {pct}", lang, pct=metrics.fmt_pct(yellow_below, 0))
    if near:
        # a shape on the x domain draws what add_hline does, at a quarter of its cost
        fig.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=line, y1=line,
                      line=dict(color=WARN, dash="dash", width=1))
        fig.add_annotation(xref="x domain", x=1, xanchor="right", yref="y", y=line, yanchor="top",
                           text=label, showarrow=False)
    else:
        fig.add_annotation(xref="x domain", x=1, xanchor="right", yref="y domain", y=0, yanchor="bottom",
                           text=t("{line}：各项均在其上", lang, line=label), showarrow=False,
                           font=dict(size=12, color="#666"))
    goals = target_lines(["response_rate", "solve_rate", "satisfaction_rate", "composite_score"], lang)
    draw_targets(fig, goals)
    fig.update_layout(xaxis=dict(type="category"),
                      yaxis=dict(title=t("% / 分", lang),
                                 range=fit_range(values, top=100, include=([line] if near else []) + [v for v, _ in goals])),
                      hovermode="x unified")
    return style(fig, t("三率与综合成绩月度走势", lang))


def levels_donut(df, lang: str = "zh") -> go.Figure:
    """满意 / 基本满意 / 不满意 among 有效回访; `df` from metrics.satisfaction_levels."""
    hover = [f"{t(level, lang)}：{metrics.fmt_ratio_hover(n, v)}"
             for level, n, v in zip(df["satisfaction"], df["count"], df["valid"])]
    fig = go.Figure(go.Pie(
        labels=[t(level, lang) for level in df["satisfaction"]], values=df["count"], hole=0.5, sort=False,
        marker=dict(colors=[LEVEL_COLORS.get(level, PALETTE[7]) for level in df["satisfaction"]]),
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        # one percent format for every slice (Plotly's own would mix 84.7% and 9.93%)
        texttemplate="%{label}<br>%{percent:.1%}",
    ))
    return style(fig, t("回访满意度分布（有效回访）", lang))


def reasons_bars(df, lang: str = "zh", limit: int = MAX_REASONS) -> go.Figure:
    """Horizontal bars of 不满意 answers by reason, most frequent on top, the rest as 其他;
    `df` from dissatisfaction_reasons."""
    df = cap_categories(df, "dissatisfaction_reason", "count", limit=limit, other="其他")
    total = df["count"].sum()
    df = df.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=df["count"], y=plain([t(r, lang) for r in df["dissatisfaction_reason"]]), orientation="h", marker_color=BAD,
        customdata=[metrics.fmt_ratio_hover(n, total) for n in df["count"]],
        hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        text=[metrics.fmt_int(n) for n in df["count"]], textposition="outside",
    ))
    fig.update_layout(xaxis=dict(title=t("不满意件数", lang), range=label_range(df["count"])), yaxis=dict(title=None))
    return style(fig, t("不满意原因", lang), height=max(300, 30 * len(df) + 90))
