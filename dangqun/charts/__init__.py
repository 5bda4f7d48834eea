"""DataFrame → Plotly figure. One palette, a CJK-capable font stack, no Streamlit here.

Each page's figures live in a module of their own (charts/overview.py, charts/brands.py, …) and
build on `style()`, so every chart looks alike and carries its numbers in the hover.
"""
from __future__ import annotations

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


# The 大屏 (look="screen"): light type on the page's dark ground, sized for a meeting room.
SCREEN_TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=22, color="#E8EAED"),
    colorway=list(PALETTE),
    margin=dict(l=10, r=30, t=80, b=10),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, font=dict(size=22)),
    hoverlabel=dict(font=dict(family=FONT, size=20)),
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
    separators=".,",
    # automargin: without Streamlit's theme nothing else makes room for the tick labels
    xaxis=dict(gridcolor="#2F3B4C", zerolinecolor="#3C4A5E", linecolor="#3C4A5E", automargin=True),
    yaxis=dict(gridcolor="#2F3B4C", zerolinecolor="#3C4A5E", linecolor="#3C4A5E", automargin=True),
))
LOOKS = {"page": TEMPLATE, "screen": SCREEN_TEMPLATE}


def style(fig: go.Figure, title: str | None = None, height: int = 380, look: str = "page") -> go.Figure:
    """look="screen": the dark, large 大屏 look, and no fixed height (the figure fills the box the
    page gives it)."""
    fig.layout.template = LOOKS[look]
    fig.layout.height = height if look == "page" else None
    if title:
        fig.layout.title = dict(text=title, x=0, font=dict(size=16 if look == "page" else 30))
    else:
        fig.layout.margin.t = 20
    return fig


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
