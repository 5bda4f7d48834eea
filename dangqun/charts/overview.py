"""Figures of the 总览 page."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from dangqun import metric_registry, metrics
from dangqun.charts import (BAD, PALETTE, WARN, draw_targets, fit_range, label_range, month_labels, plain, style,
                            target_lines)
from dangqun.i18n import t

# a score axis reaches down to the 黄榜 line when the lowest score is this close to it (points)
YELLOW_LINE_NEAR = 10.0


def partial_month(months, through: dt.date | None) -> bool:
    """True when the last month drawn is the month of the data's last day and that day is not the
    month's end: its bar holds only part of a month."""
    if through is None or len(months) == 0:
        return False
    last = pd.Timestamp(list(months)[-1])
    day = pd.Timestamp(through)
    return (last.year, last.month) == (day.year, day.month) and not day.is_month_end


def monthly_trend(df, lang: str = "zh", through: dt.date | None = None, look: str = "page") -> go.Figure:
    """Bars of 受理量 per month with 满意率 as a line on the right axis; `df` from monthly_trend + add_rates.
    `through`: the data's last day; a last month it cuts short is drawn hatched and lighter, with a note."""
    fig = go.Figure()
    months = month_labels(df["month"])
    partial = partial_month(df["month"], through)
    last = len(months) - 1
    fig.add_bar(x=months, y=df["received"], name=t("受理量", lang), marker_color=PALETTE[1],
                marker_pattern_shape=["/" if partial and i == last else "" for i in range(len(months))],
                marker_opacity=[0.45 if partial and i == last else 1.0 for i in range(len(months))],
                hovertemplate="%{x}<br>" + t("受理量", lang) + "：%{y:,}<extra></extra>")
    if partial:
        fig.add_annotation(x=months[-1], y=1, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                           xanchor="right", font=dict(size=12, color="#666"),
                           text=t("{month} 数据截至 {day}", lang, month=months[-1],
                                  day=pd.Timestamp(through).strftime("%m-%d")))
    hover = [metrics.fmt_ratio_hover(s, v) for s, v in zip(df["satisfied_weighted"], df["valid"])]
    fig.add_scatter(x=months, y=df["satisfaction_rate"] * 100, name=t("满意率", lang), yaxis="y2",
                    mode="lines+markers", line=dict(color=PALETTE[0], width=2), customdata=hover,
                    hovertemplate="%{x}<br>" + t("满意率", lang) + "：%{customdata}<extra></extra>")
    goals = target_lines(["satisfaction_rate"], lang)
    lowest = pd.Series([*(df["satisfaction_rate"] * 100), *(v for v, _ in goals)], dtype="float64").min()
    floor = 0 if lowest != lowest else max(0, 10 * int(lowest // 10) - 10)   # NaN-safe, whole tens
    fig.update_layout(xaxis=dict(type="category"), yaxis=dict(title=t("受理量", lang), range=label_range(df["received"], 0.12)),
                      yaxis2=dict(title=t("满意率", lang) + " (%)", overlaying="y", side="right",
                                  range=[floor, 100], tickmode="auto", showgrid=False))
    draw_targets(fig, goals, axis="y2", look=look)
    return style(fig, t("月度受理量与满意率", lang), look=look)


def ranking_hover(df, lang: str = "zh") -> list[str]:
    """Each unit's lines under its score on the ranking's hover: the metrics the registry shows there
    (metric_registry, RANKING) whose counts the frame has, the rates with their parts first, then the counts."""
    shown = sorted((m for m in metric_registry.shown_in(metric_registry.RANKING)
                    if m.num in df and (m.den is None or m.den in df)), key=lambda m: not m.rate)
    columns = [[f"<br>{t(m.label, lang)}：" + (metrics.fmt_ratio_hover(n, d) if m.rate else metrics.fmt_int(n))
                for n, d in zip(df[m.num], df[m.den] if m.rate else df[m.num])] for m in shown]
    return ["".join(parts) for parts in zip(*columns)] if columns else [""] * len(df)


def unit_ranking(df, lang: str = "zh", yellow_below: float | None = None, look: str = "page") -> go.Figure:
    """A dot per unit at its 综合成绩, best on top; yellow-flagged units in red. customdata[0] is the unit
    code, so a click drills into it. The 黄榜 line is drawn when the lowest score comes near it.

    Dots, not bars: the scores lie within a few points of each other (88–98) and those points decide the
    order. Bars from 0 would make them all look alike, and bars from 85 made 93.06 look twice 91.32. A dot
    is read by its place on the axis, not by a length, so the axis may start near the scores; its title
    says where it starts, and a faint line across each row leads the eye from the name to its dot."""
    yellow_below = metrics.load_config().yellow_below if yellow_below is None else yellow_below
    df = df.sort_values("composite_score", ascending=True, na_position="first")
    colors = [BAD if flag else PALETTE[1] for flag in df["flagged_yellow"]]
    hover = [f"{name}<br>{t('综合成绩', lang)}：{metrics.fmt_score(score)}" + lines
             for name, score, lines in zip(plain(df["unit_name"]), df["composite_score"], ranking_hover(df, lang))]
    screen = look == "screen"
    fig = go.Figure(go.Scatter(
        x=df["composite_score"].astype("float64"), y=plain(df["unit_name"]), mode="markers+text",
        marker=dict(color=colors, size=20 if screen else 13, line=dict(width=0)), showlegend=False,
        customdata=list(zip(df["unit_code"], hover)), hovertemplate="%{customdata[1]}<extra></extra>",
        text=[metrics.fmt_score(s) for s in df["composite_score"]], textposition="middle right",
    ))
    scores = df["composite_score"].astype("float64").dropna()
    line = yellow_below * 100
    near = len(scores) > 0 and float(scores.min()) - line <= YELLOW_LINE_NEAR
    goals = target_lines(["composite_score"], lang)
    lo, hi = fit_range(scores, top=100, include=([line] if near else []) + [v for v, _ in goals])
    # room on the right for the label beside the highest dot
    fig.update_layout(xaxis=dict(title=t("综合成绩（分，横轴从 {lo} 起）", lang, lo=metrics.fmt_num(lo, 0)),
                                 range=[lo, hi + (hi - lo) * 0.12], zeroline=False),
                      yaxis=dict(title=None, type="category", showgrid=True))
    if near:
        fig.add_shape(type="line", xref="x", x0=line, x1=line, yref="y domain", y0=0, y1=1,
                      line=dict(color=WARN, dash="dash", width=1))
        fig.add_annotation(xref="x", x=line, xanchor="left", yref="paper", y=1, yanchor="bottom", showarrow=False,
                           text=t("黄榜线 {pct}", lang, pct=metrics.fmt_pct(yellow_below, 0)))
    draw_targets(fig, goals, axis="x", look=look)
    if screen:
        # the score beside the name, not beside the dot: the panel's rows are as tall as the screen allows,
        # and a label of the wall's large type beside each dot ran into the next row's (names are the
        # axis' own labels, which Plotly spaces); nothing to click on a wall display
        names = list(plain(df["unit_name"]))
        fig.update_traces(mode="markers", text=None)
        fig.update_yaxes(tickmode="array", tickvals=names,
                         ticktext=[f"{n}  {metrics.fmt_score(v)}" for n, v in zip(names, df["composite_score"])])
        return style(fig, t("下级单位综合成绩排名", lang), look=look)
    return style(fig, t("下级单位综合成绩排名（点击圆点进入该单位）", lang), height=max(300, 28 * len(df) + 80))
