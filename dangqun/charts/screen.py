"""Figures of the 大屏: the 总览 figures in the dark, large look (style(look="screen"))."""
from __future__ import annotations

import plotly.graph_objects as go

from dangqun.charts import SCREEN_FONT_PX, overview


def panel(name: str, data, lang: str = "zh", font_px: int = SCREEN_FONT_PX) -> go.Figure:
    """The figure of one rotating panel (views.screen.PANELS) drawn from its query's frame, its type
    scaled from the screen look's SCREEN_FONT_PX to `font_px` (config/screen.toml chart_font_px): a
    figure's type is in pixels, which a 3840 × 2160 display halves to the eye."""
    draw = {"trend": overview.monthly_trend, "ranking": overview.unit_ranking}[name]
    fig = draw(data, lang, look="screen")
    if font_px != SCREEN_FONT_PX:
        scale = font_px / SCREEN_FONT_PX
        fig.update_layout(font_size=font_px, legend_font_size=font_px, hoverlabel_font_size=font_px,
                          title_font_size=round(fig.layout.title.font.size * scale))
        for note in fig.layout.annotations:
            note.font.size = round((note.font.size or SCREEN_FONT_PX) * scale)
        fig.update_traces(textfont_size=font_px, selector=dict(type="bar"))
        for line in fig.select_traces(selector=dict(type="scatter")):
            line.line.width, line.marker.size = (line.line.width or 2) * scale, (line.marker.size or 6) * scale
        for shape in fig.layout.shapes:
            shape.line.width = (shape.line.width or 1) * scale
    return fig
