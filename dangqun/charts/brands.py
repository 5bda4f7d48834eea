"""Figures of the 品牌矩阵 page; frames from brand_scorecard after views.brands.with_ranks."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dangqun import metrics
from dangqun.charts import BAD, PALETTE, fit_range, place_labels, plain, style, ticks_from_zero
from dangqun.i18n import t
from dangqun.views import brands


# where the scatter places its names: the narrowest plot it gets (a phone), so a name that finds room
# there finds it on every screen
NARROW_PLOT_PX = 300
ALL_NAMED = 3       # a scatter of this many brands or fewer names every one of them


def _raw(row, col: str, lang: str) -> str:
    """An indicator's value as an official reads it (rates with their parts)."""
    if col == "satisfaction_rate":
        return metrics.fmt_ratio_hover(row["satisfied_weighted"], row["valid"])
    return brands.fmt_indicator(col, row[col], lambda key, **fmt: t(key, lang, **fmt))


def _label(row) -> str:
    return plain(f"{row['brand_name']}（{row['region_name']}）")


def cost_score(df, costly, x_med, y_med, lang: str = "zh") -> go.Figure:
    """投入(万元) against 综合成绩, marker size by 服务量, dashed medians (none when x_med is None), the
    高投入低成绩 quadrant named and its points in red. Only those points carry their brand's name (every
    point when there are at most ALL_NAMED), where it finds room on a phone: a name by every bubble ran
    into its neighbours; the hover names each. customdata[0] is the center, so a click opens its records."""
    hover = [
        f"{_label(r)}<br>{t('投入', lang)}：{_raw(r, 'funds_wan', lang)}"
        f"<br>{t('综合成绩', lang)}：{_raw(r, 'composite_score', lang)}"
        f"<br>{t('服务量', lang)}：{_raw(r, 'received', lang)}"
        f"<br>{t('满意率', lang)}：{_raw(r, 'satisfaction_rate', lang)}"
        for _, r in df.iterrows()
    ]
    size = df["received"].astype("float64")
    sizeref = 2.0 * max(float(size.max()), 1.0) / 40 ** 2
    colors = [BAD if flag else PALETTE[1] for flag in costly]
    funds = df["funds_wan"].astype("float64")
    x_pad = max(float(funds.max() - funds.min()) * 0.08, 1.0) if len(df) else 1.0
    x_range = [float(funds.min()) - x_pad, float(funds.max()) + x_pad] if len(df) else [0, 1]
    y_range = fit_range(df["composite_score"], step=1.0, top=100)
    flags = [bool(c) for c in costly]
    named = [flag or len(df) <= ALL_NAMED for flag in flags]
    # the named brands first, then the most used (their markers are still kept clear of the names)
    order = sorted(range(len(df)), key=lambda i: (not named[i], -float(size.iloc[i])))
    radii = [max(6.0, (2 * float(v) / sizeref) ** 0.5) / 2 for v in size]
    names = plain([df["brand_name"].iloc[i] if named[i] else "" for i in order])
    texts, positions = place_labels([df["funds_wan"].iloc[i] for i in order], [df["composite_score"].iloc[i] for i in order],
                                    names, x_range, y_range, width_px=NARROW_PLOT_PX, height_px=320,
                                    radii=[radii[i] for i in order])
    text, textposition = [""] * len(df), ["top center"] * len(df)
    for i, label, pos in zip(order, texts, positions):
        text[i], textposition[i] = label, pos
    fig = go.Figure(go.Scatter(
        x=df["funds_wan"], y=df["composite_score"], mode="markers+text", text=text,
        textposition=textposition, textfont=dict(size=11),
        marker=dict(size=size, sizemode="area", sizeref=sizeref, sizemin=6, color=colors,
                    line=dict(color="white", width=1), opacity=0.85),
        customdata=list(zip(df["center_id"], hover)), hovertemplate="%{customdata[1]}<extra></extra>",
        showlegend=False,
    ))
    if x_med is not None:
        # shapes on the axis domains draw what add_vline/add_hline do, at a quarter of their cost
        median = dict(type="line", line=dict(color="#999", dash="dash"))
        fig.add_shape(median, xref="x", x0=x_med, x1=x_med, yref="y domain", y0=0, y1=1)
        fig.add_shape(median, xref="x domain", x0=0, x1=1, yref="y", y0=y_med, y1=y_med)
        fig.add_annotation(x=1, y=0, xref="paper", yref="paper", xanchor="right", yanchor="bottom",
                           text=t("高投入低成绩", lang), showarrow=False, font=dict(color=BAD, size=14))
    fig.update_layout(xaxis=dict(title=t("投入(万元)", lang), range=x_range, tickmode="array",
                                 tickvals=ticks_from_zero(x_range[1])),
                      yaxis=dict(title=t("综合成绩", lang), range=y_range))
    title = ("投入与综合成绩（气泡大小为服务量，虚线为中位数；点击查看该中心明细）" if x_med is not None
             else "投入与综合成绩（气泡大小为服务量；点击查看该中心明细）")
    return style(fig, t(title, lang), height=460)


def indicator_heatmap(df, normalised, lang: str = "zh") -> go.Figure:
    """Communities × indicators, each column min–max normalised (colour) with the raw value in hover;
    a column normalise left blank (every brand alike) shows — in its cells."""
    cols = [c for c, _ in brands.INDICATORS]
    labels = [t(key, lang) for _, key in brands.INDICATORS]
    rows = [_label(r) for _, r in df.iterrows()]
    z = normalised[cols].to_numpy()
    level = t("相对水平", lang)
    hover = [[f"{_raw(r, c, lang)}<br>{level}：{metrics.fmt_num(v, 2)}" for c, v in zip(cols, zs)]
             for (_, r), zs in zip(df.iterrows(), z)]
    # the blank cells get their — from a transparent layer of 0s: a heatmap writes no text in a cell
    # without a value; the hover of either layer tells the same
    blank = [[metrics.DASH if pd.isna(v) else "" for v in zs] for zs in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=labels, y=rows, customdata=hover, zmin=0, zmax=1,
        colorscale=[[0, "#F4F6F8"], [1, PALETTE[0]]],
        colorbar=dict(title=level, tickvals=[0, 1], ticktext=["0", "1"], thickness=12),
        hovertemplate="%{y}<br>%{x}：%{customdata}<extra></extra>",
    ))
    if any(any(row) for row in blank):
        fig.add_heatmap(z=[[0 if text else None for text in row] for row in blank], x=labels, y=rows,
                        text=blank, texttemplate="%{text}", textfont=dict(size=14, color="#555"),
                        customdata=hover, hovertemplate="%{y}<br>%{x}：%{customdata}<extra></extra>",
                        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
                        hoverongaps=False)
    # the column names under the grid: above it, on a phone, they stood upright and ran into the title
    fig.update_layout(yaxis=dict(autorange="reversed"), xaxis=dict(side="bottom"))
    fig = style(fig, t("各社区指标对比（按列最小–最大归一化，0–1）", lang), height=max(340, 30 * len(df) + 150))
    return fig


def radar(df, normalised, picked, lang: str = "zh") -> go.Figure:
    """The picked brands' normalised indicators as closed outlines, raw values in hover; only the
    indicators normalise could compare (brands.compared) are axes."""
    cols = brands.compared(normalised)
    keys = dict(brands.INDICATORS)
    labels = [t(keys[c], lang) for c in cols]
    fig = go.Figure()
    for i, center in enumerate(picked):
        hit = df.index[df["center_id"] == center]
        if len(hit) == 0:
            continue
        row, norm = df.loc[hit[0]], normalised.loc[hit[0]]
        raw = [_raw(row, c, lang) for c in cols]
        fig.add_scatterpolar(
            r=list(norm[cols]) + [norm[cols[0]]], theta=labels + labels[:1], name=_label(row),
            fill="toself", opacity=0.55, line=dict(color=PALETTE[i % len(PALETTE)]),
            customdata=raw + raw[:1], hovertemplate="%{theta}：%{customdata}<extra>" + plain(row["brand_name"]) + "</extra>",
        )
    # room at the sides: on a phone the labels at 0° and 180° would be cut off (the legend sits under the
    # circle, where every chart's does: charts.TEMPLATE)
    fig.update_layout(polar=dict(radialaxis=dict(range=[0, 1], tickvals=[0, 0.5, 1])), margin=dict(l=45, r=45))
    return style(fig, t("品牌对比（归一化指标）", lang), height=500)
