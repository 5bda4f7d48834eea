"""Figures of the 大屏: the 总览 figures, the 地图 and the month's 预警 in the dark, large look
(style(look="screen")), their type scaled to config/screen.toml chart_font_px."""
from __future__ import annotations

import plotly.graph_objects as go

from dangqun import metrics
from dangqun.charts import PALETTE, SCREEN_FONT_PX, label_range, overview, style
from dangqun.charts import map as map_charts
from dangqun.i18n import t


def panel(name: str, data, lang: str = "zh", font_px: int = SCREEN_FONT_PX) -> go.Figure:
    """The figure of the trend or ranking panel (views.screen.PANELS) drawn from its query's frame."""
    draw = {"trend": overview.monthly_trend, "ranking": overview.unit_ranking}[name]
    return scaled(legend_below(draw(data, lang, look="screen")), font_px)


def legend_below(fig: go.Figure) -> go.Figure:
    """The legend at the figure's foot, under the axis (Plotly makes room for it there). The screen look
    puts it top right, beside the title: on a phone (390 px) its entries wrap onto a second line and
    ran over the title."""
    fig.update_layout(legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0))
    return fig


def map_panel(units, shapes, m, lang: str = "zh", font_px: int = SCREEN_FONT_PX, centers=None) -> go.Figure:
    """The 地图 of the region's child units coloured by metric `m`, below a county its centers as points
    (views.map.gather)."""
    fig = map_charts.map_figure(units, shapes, m, lang, centers=centers, look="screen",
                                title=t("{metric}地图", lang, metric=t(m.label, lang)))
    fig.layout.height = None          # as tall as the panel, like the others
    fig.update_traces(textfont_size=SCREEN_FONT_PX * 0.8, selector=dict(mode="text"))
    for dots in fig.select_traces(selector=dict(type="scattergeo", mode="markers")):
        dots.marker.size = (dots.marker.size or 9) * 1.6       # seen across a room
    return scaled(fig, font_px)


def alerts_panel(counts: list[tuple[str, str, int, int]], period: str, lang: str = "zh",
                 font_px: int = SCREEN_FONT_PX) -> go.Figure:
    """The month's 预警 by rule (views.alerts.rule_counts: rule, name, alerts, of them 待处理) as bars,
    each labelled with its count and how many wait for someone."""
    names = [t(name, lang) for _, name, _, _ in counts][::-1]
    totals = [n for _, _, n, _ in counts][::-1]
    waiting = [w for _, _, _, w in counts][::-1]
    fig = go.Figure(go.Bar(
        x=totals, y=names, orientation="h", marker_color=PALETTE[0],
        text=[t("{n} 条（待处理 {w}）", lang, n=metrics.fmt_int(n), w=metrics.fmt_int(w)) for n, w in zip(totals, waiting)],
        textposition="outside", hoverinfo="skip"))
    fig.update_layout(xaxis=dict(range=label_range(totals, 0.45), title=t("预警条数", lang)),
                      yaxis=dict(type="category"))
    title = t("本月预警（{period}，共 {n} 条）", lang, period=period, n=metrics.fmt_int(sum(totals)))
    return scaled(style(fig, title, look="screen"), font_px)


def scaled(fig: go.Figure, font_px: int) -> go.Figure:
    """The screen look's type (SCREEN_FONT_PX) and lines scaled to `font_px`: a figure's type is in
    pixels, which a 3840 × 2160 display halves to the eye."""
    if font_px == SCREEN_FONT_PX:
        return fig
    scale = font_px / SCREEN_FONT_PX
    fig.update_layout(font_size=font_px, legend_font_size=font_px, hoverlabel_font_size=font_px,
                      title_font_size=round(fig.layout.title.font.size * scale))
    for note in fig.layout.annotations:
        note.font.size = round((note.font.size or SCREEN_FONT_PX) * scale)
    fig.update_traces(textfont_size=font_px, selector=dict(type="bar"))
    # labels beside markers (the ranking's scores) as well as text-only traces
    for trace in fig.data:
        if trace.type in ("scatter", "scattergeo") and "text" in (trace.mode or "").split("+"):
            trace.textfont.size = (trace.textfont.size or SCREEN_FONT_PX) * scale
    for line in fig.select_traces(selector=dict(type="scatter")):
        line.line.width, line.marker.size = (line.line.width or 2) * scale, (line.marker.size or 6) * scale
    for shape in fig.layout.shapes:
        shape.line.width = (shape.line.width or 1) * scale
    return fig
