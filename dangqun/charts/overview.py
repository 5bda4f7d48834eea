"""Figures of the 总览 page."""
from __future__ import annotations

import plotly.graph_objects as go

from dangqun import metrics
from dangqun.charts import BAD, PALETTE, style
from dangqun.i18n import t


def monthly_trend(df, lang: str = "zh", look: str = "page") -> go.Figure:
    """Bars of 受理量 per month with 满意率 as a line on the right axis; `df` from monthly_trend + add_rates."""
    fig = go.Figure()
    months = df["month"].astype(str).str[:7]
    fig.add_bar(x=months, y=df["received"], name=t("受理量", lang), marker_color=PALETTE[1],
                hovertemplate="%{x}<br>" + t("受理量", lang) + "：%{y:,}<extra></extra>")
    hover = [metrics.fmt_ratio_hover(s, v) for s, v in zip(df["satisfied_weighted"], df["valid"])]
    fig.add_scatter(x=months, y=df["satisfaction_rate"] * 100, name=t("满意率", lang), yaxis="y2",
                    mode="lines+markers", line=dict(color=PALETTE[0], width=2), customdata=hover,
                    hovertemplate="%{x}<br>" + t("满意率", lang) + "：%{customdata}<extra></extra>")
    lowest = (df["satisfaction_rate"] * 100).min()
    floor = 0 if lowest != lowest else max(0, 10 * int(lowest // 10) - 10)   # NaN-safe, whole tens
    fig.update_layout(xaxis=dict(type="category"), yaxis=dict(title=t("受理量", lang)),
                      yaxis2=dict(title=t("满意率", lang) + " (%)", overlaying="y", side="right",
                                  range=[floor, 100], tickmode="auto", showgrid=False))
    return style(fig, t("月度受理量与满意率", lang), look=look)


def unit_ranking(df, lang: str = "zh", look: str = "page") -> go.Figure:
    """Horizontal bars of 综合成绩 by unit, best on top; yellow-flagged units in red. customdata[0] is
    the unit code, so a click drills into it."""
    df = df.sort_values("composite_score", ascending=True, na_position="first")
    colors = [BAD if flag else PALETTE[1] for flag in df["flagged_yellow"]]
    hover = [
        f"{name}<br>{t('综合成绩', lang)}：{metrics.fmt_score(score)}"
        f"<br>{t('响应率', lang)}：{metrics.fmt_ratio_hover(c, v)}"
        f"<br>{t('解决率', lang)}：{metrics.fmt_ratio_hover(s, v)}"
        f"<br>{t('满意率', lang)}：{metrics.fmt_ratio_hover(w, v)}"
        f"<br>{t('受理量', lang)}：{metrics.fmt_int(n)}"
        for name, score, c, s, w, v, n in zip(df["unit_name"], df["composite_score"], df["contacted"],
                                              df["solved"], df["satisfied_weighted"], df["valid"], df["received"])
    ]
    fig = go.Figure(go.Bar(
        x=df["composite_score"], y=df["unit_name"], orientation="h", marker_color=colors,
        customdata=list(zip(df["unit_code"], hover)), hovertemplate="%{customdata[1]}<extra></extra>",
        text=[metrics.fmt_score(s) for s in df["composite_score"]], textposition="outside",
    ))
    fig.update_layout(xaxis=dict(title=t("综合成绩", lang), range=[0, 105]), yaxis=dict(title=None))
    if look == "screen":   # nothing to click on a wall display
        return style(fig, t("下级单位综合成绩排名", lang), look=look)
    return style(fig, t("下级单位综合成绩排名（点击条形进入该单位）", lang), height=max(300, 28 * len(df) + 80))
