"""DataFrame → Plotly figure. One palette, a CJK-capable font stack, no Streamlit here.

Each page's figures live in a module of their own (charts/overview.py, charts/brands.py, …) and
build on `style()`, so every chart looks alike and carries its numbers in the hover.
"""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

# Party red first, then calm colours that stay apart for colour-blind readers
PALETTE = ("#C8102E", "#2E6F9E", "#E8A33D", "#5B8C5A", "#8E6C8A", "#D9734E", "#4BA3A8", "#7F7F7F",
           "#B8860B", "#3D5A80")
FONT = ("PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, "
        "Heiti SC, SimHei, Arial, sans-serif")
GOOD, WARN, BAD = "#5B8C5A", "#E8A33D", "#C8102E"
MAX_CATEGORIES = 30   # beyond this a chart groups the rest into 其他 (see cap_categories)


# The look every chart shares, validated once: the same settings through update_layout cost ~10 ms
# per chart on every page run. A chart's own layout (axis titles, ranges) takes precedence over it.
TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=13),
    colorway=list(PALETTE),
    margin=dict(l=10, r=10, t=50, b=10),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
    hoverlabel=dict(font=dict(family=FONT)),
    plot_bgcolor="white",
    separators=".,",
    xaxis=dict(gridcolor="#EEE", zerolinecolor="#DDD"),
    yaxis=dict(gridcolor="#EEE", zerolinecolor="#DDD"),
))


def style(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    fig.layout.template = TEMPLATE
    fig.layout.height = height
    if title:
        fig.layout.title = dict(text=title, x=0, font=dict(size=16))
    else:
        fig.layout.margin.t = 20
    return fig


def plain(values):
    """Names from data as Plotly should show them: as text. Plotly reads a subset of HTML in every
    label, tick, text and hover (an <a href> in 党建品牌 becomes a link, <br> a line break), so & < >
    are written as entities, which it shows as the characters. A string, a Series or a list; values
    that are not strings pass unchanged. Every chart passes each name it shows through here."""
    if isinstance(values, str):
        return html.escape(values, quote=False)
    if isinstance(values, pd.Series):
        return values.map(lambda v: html.escape(v, quote=False) if isinstance(v, str) else v)
    return [html.escape(v, quote=False) if isinstance(v, str) else v for v in values]


def cap_categories(df, label_col: str, value_col: str, limit: int = MAX_CATEGORIES, other: str = "其他"):
    """Keep the `limit - 1` largest rows by `value_col`, summing the rest into one `other` row, so a
    figure never carries more bars than a person can read."""
    if len(df) <= limit:
        return df
    ordered = df.sort_values(value_col, ascending=False)
    head, tail = ordered.iloc[: limit - 1], ordered.iloc[limit - 1:]
    rest = tail.select_dtypes("number").sum().to_frame().T
    rest[label_col] = other
    return pd.concat([head, rest], ignore_index=True)
