"""DataFrame → Plotly figure. One palette, a CJK-capable font stack, no Streamlit here.

Each page's figures live in a module of their own (charts/overview.py, charts/brands.py, …) and
build on `style()`, so every chart looks alike and carries its numbers in the hover.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go

# Party red first, then calm colours that stay apart for colour-blind readers
PALETTE = ("#C8102E", "#2E6F9E", "#E8A33D", "#5B8C5A", "#8E6C8A", "#D9734E", "#4BA3A8", "#7F7F7F",
           "#B8860B", "#3D5A80")
FONT = ("PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, "
        "Heiti SC, SimHei, Arial, sans-serif")
GOOD, WARN, BAD = "#5B8C5A", "#E8A33D", "#C8102E"
MAX_CATEGORIES = 30
# Plotly.js fetches a world topology (from cdn.plot.ly) for every geo subplot holding a choropleth, even one
# with its own GeoJSON and no base layers (the 地图): it is handed an empty topology as a data: URL instead
# (the '#' ends the URL before the file name Plotly appends), so nothing leaves the machine. ui.chart passes
# this config with every figure.
EMPTY_TOPOLOGY = {"type": "Topology", "objects": {}, "arcs": []}
OFFLINE_CONFIG = {"topojsonURL": "data:application/json," + quote(json.dumps(EMPTY_TOPOLOGY)) + "#"}   # beyond this a chart groups the rest into 其他 (see cap_categories)


# The look every chart shares, validated once: the same settings through update_layout cost ~10 ms
# per chart on every page run. A chart's own layout (axis titles, ranges) takes precedence over it.
TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=13),
    colorway=list(PALETTE),
    margin=dict(l=10, r=10, t=50, b=10),
    # at the figure's foot (Plotly makes room for it): above the plot, beside the title, it ran into the
    # title on a phone, where its entries wrap onto a second line
    legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", xanchor="left", x=0),
    hoverlabel=dict(font=dict(family=FONT)),
    plot_bgcolor="white",
    separators=".,",
    # ",~f": 15,000 and 0.5 (thousands separators, no SI suffix like "15k"); month axes are
    # categories labelled by month_labels, so no date axis ever reads "Jan 2022"
    xaxis=dict(gridcolor="#EEE", zerolinecolor="#DDD", tickformat=",~f", automargin=True),
    yaxis=dict(gridcolor="#EEE", zerolinecolor="#DDD", tickformat=",~f", automargin=True),
), data=dict(
    # value labels may sit beyond the plot area (padded ranges leave room): never cut them off
    bar=[go.Bar(cliponaxis=False)],
    scatter=[go.Scatter(cliponaxis=False)],
))


# The 大屏 (look="screen"): light type on the page's dark ground, sized for a meeting room (a
# 1920 × 1080 display; config/screen.toml chart_font_px scales it, charts.screen.panel).
SCREEN_FONT_PX = 22
SCREEN_TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=SCREEN_FONT_PX, color="#E8EAED"),
    colorway=list(PALETTE),
    margin=dict(l=10, r=30, t=80, b=10),
    legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1, font=dict(size=SCREEN_FONT_PX)),
    hoverlabel=dict(font=dict(family=FONT, size=SCREEN_FONT_PX)),
    paper_bgcolor="rgba(0,0,0,0)",
    plot_bgcolor="rgba(0,0,0,0)",
    separators=".,",
    # automargin: without Streamlit's theme nothing else makes room for the tick labels
    xaxis=dict(gridcolor="#2F3B4C", zerolinecolor="#3C4A5E", linecolor="#3C4A5E", automargin=True, tickformat=",~f"),
    yaxis=dict(gridcolor="#2F3B4C", zerolinecolor="#3C4A5E", linecolor="#3C4A5E", automargin=True, tickformat=",~f"),
))
LOOKS = {"page": TEMPLATE, "screen": SCREEN_TEMPLATE}


def style(fig: go.Figure, title: str | None = None, height: int = 380, look: str = "page") -> go.Figure:
    """look="screen": the dark, large 大屏 look, and no fixed height (the figure fills the box the
    page gives it)."""
    fig.layout.template = LOOKS[look]
    fig.layout.height = height if look == "page" else None
    if title and look == "page":
        main, note = split_title(title)
        # the note, smaller, on a line of its own under the title: on a phone's 360 px one line cut it off
        fig.layout.title = dict(text=main, x=0, font=dict(size=16),
                                subtitle=dict(text=note, font=dict(size=12, color="#6B7280")) if note else None)
        if note:
            # and a line more where a note stands on the plot's top edge (a target, the 黄榜 line), which
            # the subtitle would otherwise run into
            above = any(a.yref == "paper" and (a.y or 0) >= 1 and a.yanchor == "bottom" for a in fig.layout.annotations)
            fig.layout.margin.t = 92 if above else 72
    elif title:
        fig.layout.title = dict(text=title, x=0, font=dict(size=30))
    else:
        fig.layout.margin.t = 20
    return fig


TITLE_NOTE = re.compile(r"^(?P<main>.+?)(?:（(?P<zh>[^（]+)）| \((?P<en>[^(]+)\))$")


def split_title(title: str) -> tuple[str, str | None]:
    """'各社区指标对比（按列最小–最大归一化，0–1）' → ('各社区指标对比', '按列最小–最大归一化，0–1'): a chart's
    title and the note in its closing brackets (full-width, or ' (…)' in English); a unit in half-width
    brackets, 投入(万元), stays in the title."""
    m = TITLE_NOTE.match(title)
    return (m["main"], m["zh"] or m["en"]) if m else (title, None)



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


# ---------------------------------------------------------------- shared by the page modules
MONTH_FORMAT = "%Y-%m"          # every month axis and hover: 2022-01
LABEL_ROOM = 0.18               # share of a value axis kept free beyond the longest bar for its label


def month_labels(months) -> list[str]:
    """Months as every chart writes them (2022-01), for a category axis."""
    return [pd.Timestamp(m).strftime(MONTH_FORMAT) for m in months]


def label_range(values, room: float = LABEL_ROOM) -> list[float]:
    """A value axis from 0 (or the lowest negative value) to the largest value plus `room` of it, so an
    'outside' label of the longest bar fits inside the figure."""
    v = pd.Series(values, dtype="float64").dropna()
    hi = float(v.max()) if len(v) else 0.0
    lo = min(0.0, float(v.min())) if len(v) else 0.0
    return [lo, hi * (1 + room) if hi > 0 else 1.0]


def fit_range(values, step: float = 5.0, top: float | None = None, include=()) -> list[float]:
    """An axis fitted to the data (scores 90.8 and 94.2 do not look equal on it): from the lowest value
    down to a multiple of `step`, up to the highest value plus a step's margin (capped at `top`), widened
    to hold each value of `include` (a reference line worth drawing)."""
    v = pd.Series(list(values) + list(include), dtype="float64").dropna()
    if v.empty:
        return [0.0, top if top is not None else 1.0]
    lo = step * ((float(v.min()) - step * 0.1) // step)
    hi = float(v.max()) + step * 0.6
    if top is not None:
        hi = min(hi, top + step * 0.6)
    return [lo, hi]


def target_lines(keys, lang: str = "zh", targets: dict | None = None) -> list[tuple[float, str]]:
    """The targets of config/metrics.toml [targets] among the metrics `keys` a chart draws, as
    (value on a % or points axis, label) — rates × 100, 综合成绩 in points; targets at the same value
    share one line and one label ('目标：满意率 ≥ 90%、综合成绩 ≥ 90 分')."""
    from dangqun import metrics
    from dangqun.i18n import t

    targets = metrics.targets() if targets is None else targets
    at: dict[float, list[str]] = {}
    for key in keys:
        if key in targets:
            value = targets[key] if key == "composite_score" else targets[key] * 100
            goal = metrics.fmt_target(key, targets[key], lang)
            at.setdefault(round(value, 9), []).append(
                t("{metric} ≥ {goal}", lang, metric=t(metrics.TARGET_METRICS[key], lang), goal=goal))
    return [(value, t("目标：{items}", lang, items="、".join(items))) for value, items in sorted(at.items())]


def draw_targets(fig: go.Figure, lines: list[tuple[float, str]], axis: str = "y", look: str = "page") -> go.Figure:
    """Dotted green reference lines for `lines` (target_lines) across the plot at their value on
    `axis` ("y", "y2": horizontal; "x": vertical), each labelled at its end on a backing that keeps it
    legible over bars; the 黄榜 line stays dashed amber, so the two read apart."""
    screen = look == "screen"
    line = dict(color="#7BC77A" if screen else GOOD, dash="dot", width=3 if screen else 1.5)
    label = dict(showarrow=False, font=dict(color=line["color"], size=SCREEN_FONT_PX if screen else 12),
                 bgcolor="rgba(11,19,32,0.75)" if screen else "rgba(255,255,255,0.85)")
    for value, text in lines:
        if axis == "x":
            fig.add_shape(type="line", xref="x", x0=value, x1=value, yref="y domain", y0=0, y1=1, line=line)
            fig.add_annotation(xref="x", x=value, xanchor="right", yref="paper", y=1, yanchor="bottom",
                               text=text, **label)
        else:
            fig.add_shape(type="line", xref="x domain", x0=0, x1=1, yref=axis, y0=value, y1=value, line=line)
            fig.add_annotation(xref="x domain", x=0, xanchor="left", yref=axis, y=value, yanchor="bottom",
                               text=text, **label)
    return fig


def ticks_from_zero(hi: float, n: int = 6) -> list[float]:
    """About `n` round tick values from 0 to `hi` (1, 2, 2.5 or 5 × a power of ten apart): for an axis
    padded below 0 so markers at 0 stay clear of the tick labels, without a tick reading −0.5."""
    import math

    hi = max(float(hi), 1e-9)
    raw = hi / n
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [round(i * step, 10) for i in range(int(hi // step) + 2)]


def place_labels(x, y, labels, x_range, y_range, width_px: float = 900, height_px: float = 380,
                 font_px: float = 11, radii=None) -> tuple[list[str], list[str]]:
    """Scatter labels that overlap neither each other nor a marker: each label in the given order takes
    the first of four positions around its point whose box (estimated from the character count at
    `font_px`, the axis ranges and the plot size in pixels; `radii` the markers' radii in pixels) is
    free; a label with no free position is left out (the hover still names the point). Returns
    (texts, textpositions) for go.Scatter, in the order of `labels`."""
    def px(v, lo, hi, size):
        return (float(v) - lo) / ((hi - lo) or 1.0) * size

    x, y, labels = list(x), list(y), list(labels)
    radii = [4.0] * len(x) if radii is None else [float(r) for r in radii]
    placed = [(px(xv, *x_range, width_px) - r, px(yv, *y_range, height_px) - r,
               px(xv, *x_range, width_px) + r, px(yv, *y_range, height_px) + r)
              for xv, yv, r in zip(x, y, radii) if not (pd.isna(xv) or pd.isna(yv))]
    texts, positions = [], []
    for xv, yv, label, r in zip(x, y, labels, radii):
        label = "" if label is None else str(label)
        if not label or pd.isna(xv) or pd.isna(yv):
            texts.append("")
            positions.append("top center")
            continue
        cx, cy = px(xv, *x_range, width_px), px(yv, *y_range, height_px)
        w = font_px * sum(1.0 if ord(c) > 0x2E80 else 0.6 for c in label) + 4
        h = font_px + 4
        choice = None
        for pos, (x0, y0) in (("top center", (cx - w / 2, cy + r + 2)), ("bottom center", (cx - w / 2, cy - r - 2 - h)),
                              ("middle right", (cx + r + 3, cy - h / 2)), ("middle left", (cx - r - 3 - w, cy - h / 2))):
            box = (x0, y0, x0 + w, y0 + h)
            inside = box[0] >= 0 and box[2] <= width_px and box[1] >= 0 and box[3] <= height_px
            if inside and all(box[2] <= b[0] or box[0] >= b[2] or box[3] <= b[1] or box[1] >= b[3] for b in placed):
                choice = pos
                placed.append(box)
                break
        texts.append(label if choice else "")
        positions.append(choice or "top center")
    return texts, positions
