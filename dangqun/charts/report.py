"""Figures of the 通报: the 总览 page's trend and ranking figures, drawn for paper and rendered to PNG
offline by Kaleido driving the system Chromium (no browser is downloaded; nothing goes to the network)."""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import threading
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
    for note in fig.layout.annotations:      # the target and 黄榜 labels, drawn at the screen's 12 px
        note.font.size = 14
    return fig


def _browser() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise ChartRenderError("生成图表图片需要本机的 Chromium（Debian：apt-get install chromium）")


# One Kaleido server (one Chromium) per process, started by the first report or by warm_up() when the
# 通报 page opens, and kept: starting Chromium is ~5 s of a report's time, a render after it ~0.5 s.
_lock = threading.Lock()
_started = _warming = False


def _start() -> None:
    global _started
    os.environ.setdefault("BROWSER_PATH", _browser())
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    if not _started:
        atexit.register(_stop)
    _started = True


def _stop() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def _render(figs: list[go.Figure]) -> list[bytes]:
    # plotly passes its Kaleido options again on every call; the running server already has them
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return [fig.to_image(format="png", width=fig.layout.width, height=fig.layout.height, scale=SCALE)
                for fig in figs]


def to_png(figs: list[go.Figure]) -> list[bytes]:
    """Each figure as PNG bytes, through the process's Chromium session (started if need be; one
    render at a time). A Chromium that has died is started again once."""
    with _lock:
        if not _started:
            _start()
        try:
            return _render(figs)
        except ChartRenderError:
            raise
        except Exception:       # the browser went away (killed, crashed): one fresh start
            _stop()
            _start()
            return _render(figs)


def warm_up() -> None:
    """Start the Chromium session in the background and draw one tiny figure, so the first download
    of the 通报 does not wait for it."""
    global _warming
    if not (_started or _warming):
        _warming = True
        threading.Thread(target=_warm, name="kaleido-warm-up", daemon=True).start()


def _warm() -> None:
    # no Chromium here, or it failed to start: the download says so when it is clicked, in Chinese
    with contextlib.suppress(Exception):
        to_png([go.Figure(layout=dict(width=10, height=10))])
