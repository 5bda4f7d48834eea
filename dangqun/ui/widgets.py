"""What a page draws its data with: charts and tables with their CSV/XLSX downloads, buttons asking for
a costly result, and what a click on a chart does."""
from __future__ import annotations

import streamlit as st

from dangqun import audit, export
from dangqun.i18n import t
from dangqun.ui.data import Context, account, connection
from dangqun.ui.frame import Frame
from dangqun.ui.sidebar import drill_to

ASKED = "_asked"      # {name: parameters}: costly results the official asked for by a button, per view


def asked(name: str, params: dict) -> bool:
    """Whether the official pressed `name`'s button (ask_button) for exactly these parameters; another
    filter makes the question new."""
    return st.session_state.get(ASKED, {}).get(name) == _key(params)


def ask_button(name: str, params: dict, label: str) -> None:
    """A button computing something costly for the current parameters on request (see asked)."""
    st.button(label, key=f"ask_{name}", on_click=_remember_ask, args=(name, _key(params)), type="primary")


def _key(params: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in params.items()))


def _remember_ask(name: str, key: tuple) -> None:
    st.session_state[ASKED] = {**st.session_state.get(ASKED, {}), name: key}


def follow(action: tuple[str, str] | None, ctx: Context) -> None:
    """Carry out a chart click: ('drill', region code) drills and reruns, ('records', center_id)
    opens that center's records."""
    if not action:
        return
    kind, code = action
    if kind == "records":
        open_records(center_id=code)
    else:
        drill_to(code, ctx)
        st.rerun()


def open_records(center_id: str) -> None:
    """Go to 明细查询 showing one center's records (a click below the village level)."""
    st.session_state["records_center"] = center_id
    st.switch_page("pages/records.py")


def card_row(per_row: int = 4):
    """The container a page's KPI cards go in (`row.metric(...)`): `per_row` (4 or 5) a row, two a row
    on a phone, in reading order (frame's STYLE); one per page."""
    return st.container(key=f"cards{per_row}")


def no_data(lang: str) -> None:
    st.info(t("该范围内没有数据", lang))


def downloads(data, name: str, key: str, fr: Frame) -> None:
    """CSV and XLSX buttons for exactly `data` (the frame a chart or table draws). The bytes are
    built on click; an XLSX too large for one sheet is replaced by a sentence pointing to the CSV."""
    downloads_lazy(lambda: data, len(data), name, key, fr)


def downloads_lazy(make_frame, row_count: int, name: str, key: str, fr: Frame) -> None:
    """CSV and XLSX buttons for a result too large to hold for every rerun (all rows of a search):
    `make_frame()` runs only when a button is clicked; above one sheet's rows the XLSX button is
    replaced by the XlsxTooLarge sentence."""
    lang = fr.lang
    parts = (fr.filters.period,)
    # a wrapping row: in a narrow column the buttons keep their labels and stack instead of shrinking
    con, user = connection(), account().name
    row = st.container(horizontal=True, gap="small")
    row.download_button(t("下载 CSV", lang),
                        data=audit.logged_download(con, user, name, "csv", row_count,
                                                   lambda: export.to_csv_bytes(make_frame(), lang)),
                         file_name=export.download_name(name, "csv", *parts), mime="text/csv",
                         key=f"csv_{key}", on_click="ignore", icon=":material/download:")
    if row_count > export.XLSX_MAX_ROWS:
        row.caption(str(export.XlsxTooLarge(row_count, lang)))
    else:
        row.download_button(
            t("下载 Excel", lang),
            data=audit.logged_download(con, user, name, "xlsx", row_count,
                                       lambda: export.to_xlsx_bytes(make_frame(), lang)),
            file_name=export.download_name(name, "xlsx", *parts), key=f"xlsx_{key}", on_click="ignore",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:")


def chart(fig, data, name: str, key: str, fr: Frame, selectable: bool = False, screen: bool = False):
    """A Plotly figure with downloads of the data it draws; returns the selection when selectable
    (bars, markers, treemap tiles: a click reruns the page with the clicked points).
    screen=True (the 大屏): the figure's own dark template instead of Streamlit's theme, as tall as the
    container it is in, and no downloads."""
    if data is None or len(data) == 0:
        no_data(fr.lang)
        return None
    # no Plotly toolbar: it lay over the chart titles (on a phone over most of them), and an official
    # needs none of its zoom and pan; Streamlit's own toolbar still offers full screen
    event = st.plotly_chart(fig, key=f"chart_{key}", on_select="rerun" if selectable else "ignore",
                            selection_mode="points", config={"displayModeBar": False, "responsive": screen},
                            theme=None if screen else "streamlit", height="stretch" if screen else "content")
    if not screen:
        downloads(data, name, key, fr)
    return event


def table(data, name: str, key: str, fr: Frame, column_config: dict | None = None, height="auto",
          style=None):
    """A table with translated headers and its downloads. `style`, if given, turns the table with
    translated headers into a pandas Styler (number formats, highlighted cells) for display only."""
    if data is None or len(data) == 0:
        no_data(fr.lang)
        return
    from dangqun.i18n import column_label

    shown = data.rename(columns={c: column_label(c, fr.lang) for c in data.columns})
    if style is not None:
        shown = style(shown)
    st.dataframe(shown, hide_index=True, key=f"table_{key}", height=height,
                 column_config={column_label(k, fr.lang): v for k, v in (column_config or {}).items()})
    downloads(data, name, key, fr)


def clicked_code(event, field: str = "customdata") -> str | None:
    """The first clicked point's code (charts put the unit's code in customdata[0])."""
    if not event:
        return None
    points = event.get("selection", {}).get("points", []) if isinstance(event, dict) else event.selection.points
    for point in points:
        value = point.get(field)
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if value:
            return str(value)
    return None
