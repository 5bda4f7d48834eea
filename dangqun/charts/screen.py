"""Figures of the 大屏: the 总览 figures in the dark, large look (style(look="screen"))."""
from __future__ import annotations

import plotly.graph_objects as go

from dangqun.charts import overview


def panel(name: str, data, lang: str = "zh") -> go.Figure:
    """The figure of one rotating panel (views.screen.PANELS) drawn from its query's frame."""
    draw = {"trend": overview.monthly_trend, "ranking": overview.unit_ranking}[name]
    return draw(data, lang, look="screen")
