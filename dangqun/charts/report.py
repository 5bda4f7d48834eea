"""Figures of the 通报: the 总览 page's trend and ranking figures, drawn for paper and rendered to PNG
offline by Kaleido driving the system Chromium (no browser is downloaded; nothing goes to the network)."""
from __future__ import annotations

import os
import shutil
import warnings

import plotly.graph_objects as go

from dangqun.charts import overview

WIDTH_PX = 900           # the text block is 156 mm wide: 900 px at scale 2 prints at about 290 dpi
SCALE = 2
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


class ChartRenderError(RuntimeError):
    pass


def trend(df) -> go.Figure:
    return for_print(overview.monthly_trend(df), height=420, margin=dict(l=80, r=80, t=50, b=60))


def ranking(df) -> go.Figure:
    # one bar per unit: tall enough for every name at the print size
    return for_print(overview.unit_ranking(df), height=max(360, 26 * len(df) + 110),
                     margin=dict(l=170, r=60, t=30, b=60))


def for_print(fig: go.Figure, height: int, margin: dict) -> go.Figure:
    """No title (the document captions the figure), a fixed size, room for the axis labels (the static
    export does not grow the margins for them as the browser does) and a print font."""
    fig.update_layout(title=None, height=height, width=WIDTH_PX, margin=margin,
                      font=dict(family="Noto Sans CJK SC, sans-serif", size=15), paper_bgcolor="white")
    return fig


def _browser() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise ChartRenderError("生成图表图片需要本机的 Chromium（Debian：apt-get install chromium）")


def to_png(figs: list[go.Figure]) -> list[bytes]:
    """Each figure as PNG bytes, all in one Chromium session (starting it is most of the time)."""
    os.environ.setdefault("BROWSER_PATH", _browser())
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    try:
        # plotly passes its Kaleido options again on every call; the running server already has them
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return [fig.to_image(format="png", width=fig.layout.width, height=fig.layout.height, scale=SCALE)
                    for fig in figs]
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
