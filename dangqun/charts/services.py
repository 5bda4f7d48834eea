"""Figures of the 服务办理 page."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dangqun import metrics
from dangqun.charts import PALETTE, cap_categories, label_range, month_labels, plain, style
from dangqun.i18n import t


def _volume_hover(name, received, closed, overdue, lang):
    return (f"{name}<br>{t('受理量', lang)}：{metrics.fmt_int(received)}"
            f"<br>{t('办结率', lang)}：{metrics.fmt_ratio_hover(closed, received)}"
            f"<br>{t('超期件', lang)}：{metrics.fmt_int(overdue)}")


def category_bars(df, lang: str = "zh") -> go.Figure:
    """Bars of cases received per 事项大类, largest first; customdata[0] is the category code, so a
    click narrows the page (and the sidebar filter) to that category. `df` from service_categories."""
    df = df.sort_values("received", ascending=False)
    hover = [_volume_hover(n, r, c, o, lang) for n, r, c, o in
             zip(plain(df["category_name"]), df["received"], df["closed"], df["overdue"])]
    fig = go.Figure(go.Bar(
        x=plain(df["category_name"]), y=df["received"], marker_color=PALETTE[1],
        customdata=list(zip(df["category_code"], hover)), hovertemplate="%{customdata[1]}<extra></extra>",
        text=[metrics.fmt_int(n) for n in df["received"]], textposition="outside",
    ))
    fig.update_layout(yaxis=dict(title=t("受理量", lang), range=label_range(df["received"], 0.12)), xaxis=dict(title=None))
    return style(fig, t("各大类受理量（点击条形查看该大类的事项）", lang))


def item_bars(df, lang: str = "zh", title: str | None = None) -> go.Figure:
    """Horizontal bars of cases received per 事项, largest on top (capped, the rest as 其他);
    `df` from service_items."""
    df = cap_categories(df, "item_name", "received", other="其他")
    df = df.sort_values("received", ascending=True)
    hover = [_volume_hover(plain(t(n, lang)), r, c, o, lang) for n, r, c, o in
             zip(df["item_name"], df["received"], df["closed"], df["overdue"])]
    fig = go.Figure(go.Bar(
        x=df["received"], y=plain([t(n, lang) for n in df["item_name"]]), orientation="h", marker_color=PALETTE[1],
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        text=[metrics.fmt_int(n) for n in df["received"]], textposition="outside",
    ))
    fig.update_layout(xaxis=dict(title=t("受理量", lang), range=label_range(df["received"])), yaxis=dict(title=None))
    return style(fig, plain(title) if title else t("各事项受理量", lang), height=max(300, 26 * len(df) + 90))


def channel_bars(df, lang: str = "zh") -> go.Figure:
    """受理渠道 shares as horizontal bars (share of all cases, with the counts on hover);
    `df` from service_channels."""
    total = df["received"].sum()
    df = df.sort_values("received", ascending=True)
    share = df["received"] / total * 100 if total else df["received"] * 0
    fig = go.Figure(go.Bar(
        x=share,
        y=[t(c, lang) for c in df["channel"]], orientation="h", marker_color=PALETTE[4],
        customdata=[metrics.fmt_ratio_hover(n, total) for n in df["received"]],
        hovertemplate="%{y}<br>%{customdata}<extra></extra>",
        text=[metrics.fmt_pct(metrics.ratio(n, total)) for n in df["received"]], textposition="outside",
    ))
    fig.update_layout(xaxis=dict(title=t("占比", lang) + " (%)", range=label_range(share)), yaxis=dict(title=None))
    return style(fig, t("受理渠道构成", lang), height=max(300, 34 * len(df) + 90))


def duration_bars(df, lang: str = "zh") -> go.Figure:
    """Median and P90 hours of each workflow step side by side; `df` from workflow_durations."""
    steps = [t(s, lang) for s in df["step"]]
    fig = go.Figure()
    for col, label, color in (("median_hours", "中位数", PALETTE[1]), ("p90_hours", "P90", PALETTE[2])):
        fig.add_bar(x=steps, y=df[col], name=t(label, lang), marker_color=color,
                    customdata=[metrics.fmt_int(n) for n in df["count"]],
                    text=[metrics.fmt_num(h, 1) for h in df[col]], textposition="outside",
                    hovertemplate="%{x}<br>" + t(label, lang) + "：%{y:.1f} h<br>"
                                  + t("件数", lang) + "：%{customdata}<extra></extra>")
    fig.update_layout(barmode="group", xaxis=dict(title=None),
                      yaxis=dict(title=t("小时", lang), range=label_range(pd.concat([df["median_hours"], df["p90_hours"]]), 0.12)))
    return style(fig, t("派单、接单、办结用时（小时）", lang))


def group_bars(df, lang: str = "zh") -> go.Figure:
    """Cases received per 人群标签, largest first; `df` from service_groups."""
    total = df["received"].sum()
    df = df.sort_values("received", ascending=False)
    colors = [PALETTE[0] if g == "新就业群体" else PALETTE[5] for g in df["group_tag"]]
    fig = go.Figure(go.Bar(
        x=[t(g, lang) for g in df["group_tag"]], y=df["received"], marker_color=colors,
        customdata=[metrics.fmt_ratio_hover(n, total) for n in df["received"]],
        hovertemplate="%{x}<br>" + t("受理量", lang) + "：%{customdata}<extra></extra>",
        text=[metrics.fmt_int(n) for n in df["received"]], textposition="outside",
    ))
    fig.update_layout(yaxis=dict(title=t("受理量", lang), range=label_range(df["received"], 0.12)), xaxis=dict(title=None))
    return style(fig, t("各类人群受理量", lang))


# the colour of a heat-map cell follows the square root of its share, so the night's few receipts still show
# beside the morning's peak; the colour bar is labelled in shares
HEAT_TICKS = (0.001, 0.005, 0.01, 0.02, 0.04, 0.08)
NIGHT_EDGES = (7.5, 19.5)    # between 7 and 8 时, 19 and 20 时: 夜间 lies outside them


def receipt_heatmap(grid, title: str, lang: str = "zh") -> go.Figure:
    """Receipts by weekday (rows, 周一 on top) × hour of receipt (columns, 0–23 时) of one center kind; `grid`
    from views.services.receipt_grid. Hover: the count and its share of the kind's receipts; dotted lines
    mark 夜间 (before 8 and from 20 时)."""
    # the grid holds every cell, weekday by weekday and hour by hour (receipt_grid)
    days = list(dict.fromkeys(grid["weekday"]))
    hours = list(range(24))
    share = grid["share"].to_numpy(dtype="float64").reshape(len(days), 24)
    unit, hour = t("件", lang), t("时", lang)
    text = [f"{plain(d)} {h}{hour}：{metrics.fmt_int(n)} {unit}（{metrics.fmt_pct(s)}）"
            for d, h, n, s in zip(grid["weekday"], grid["hour"], grid["received"], grid["share"])]
    hover = [text[i * 24:(i + 1) * 24] for i in range(len(days))]
    share = share.tolist()
    top = max((max(r) for r in share), default=0.0)
    ticks = [v for v in HEAT_TICKS if v <= top] or [top]
    fig = go.Figure(go.Heatmap(
        z=[[v ** 0.5 for v in r] for r in share], x=hours, y=plain(days), customdata=hover,
        zmin=0, zmax=top ** 0.5 if top else 1, xgap=1, ygap=1,
        colorscale=[[0, "#F4F6F8"], [0.35, "#F2B8A8"], [1, PALETTE[0]]],
        colorbar=dict(title=dict(text=t("占比", lang), side="top"), tickvals=[v ** 0.5 for v in ticks],
                      ticktext=[metrics.fmt_pct(v) for v in ticks], thickness=10, len=1,
                      orientation="h", y=-0.32, yanchor="top", x=0, xanchor="left"),
        hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.update_layout(
        shapes=[dict(type="line", xref="x", x0=x, x1=x, yref="paper", y0=0, y1=1,
                     line=dict(color="#555", dash="dot", width=1)) for x in NIGHT_EDGES],
        yaxis=dict(autorange="reversed", title=None, showgrid=False),
        xaxis=dict(title=t("受理时刻（时）", lang), tickvals=list(range(0, 24, 2)), showgrid=False),
        margin=dict(b=90))
    return style(fig, title, height=360)


def topic_trend(df, words: list[str], lang: str = "zh") -> go.Figure:
    """A topic's months: the records whose 诉求内容 holds all of `words`, a line over the months of `df`
    (views.services.trend_frame)."""
    said = "“" + "”“".join(words) + "”"
    hover = [f"{m}<br>{t('含{words}的诉求', lang, words=said)}：{metrics.fmt_int(n)}"
             f"<br>{t('有诉求内容的', lang)}：{metrics.fmt_int(all_)}"
             for m, n, all_ in zip(month_labels(df["month"]), df["matching"], df["texts"])]
    fig = go.Figure(go.Scatter(
        x=month_labels(df["month"]), y=df["matching"], mode="lines+markers+text", line_color=PALETTE[0],
        text=[metrics.fmt_int(n) for n in df["matching"]], textposition="top center",
        customdata=hover, hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.update_layout(yaxis=dict(title=t("件数", lang), range=label_range(df["matching"], 0.2)),
                      xaxis=dict(title=None, type="category"))
    fig = style(fig, t("近 {n} 个月含{words}的诉求", lang, n=len(df), words=said), height=300)
    # room for the last month's label at the right edge (cut on a phone otherwise)
    fig.layout.margin.r = max(fig.layout.margin.r or 0, 36)
    return fig
