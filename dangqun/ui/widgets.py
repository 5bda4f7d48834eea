"""What a page draws its data with: charts and tables with their CSV/XLSX downloads, buttons asking for
a costly result, and what a click on a chart does."""
from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from dangqun import export, export_job, filters, metrics, regions, registry, server_guard, sessions, web_session
from dangqun.charts import OFFLINE_CONFIG
from dangqun.i18n import t
from dangqun.ui.data import Context, account, connection, query, session_id, state
from dangqun.ui.frame import Frame, style
from dangqun.ui.sidebar import STATE, drill_to, switch_page

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASKED = "_asked"      # {name: parameters}: costly results the official asked for by a button, per view
CLICKED = "_clicked"  # keys of the charts whose selection changed since the last run (their on_select)
CODE_MAX = 64         # a unit's code, center id or category code is short; a longer "code" is forged


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
    opens that center's records. The code comes from the browser: a region that is not below the
    current one inside the account's scope, or a center not under the current region, is ignored
    (no rerun: the page stays as it is)."""
    if not action:
        return
    kind, code = action
    f, scope = st.session_state[STATE], account().scope
    if kind == "records":
        # the query is scoped: no row for an unknown center or one outside the scope
        center = query("record_center", {"center_id": code}) if isinstance(code, str) else None
        if center is not None and len(center) and regions.contains(f.region(ctx.index.root),
                                                                   center.region_code.iloc[0]):
            open_records(center_id=code)
        return
    target = filters.drill_target(code, f, ctx.index, scope)
    if target:
        drill_to(target, ctx)
        st.rerun()


def open_records(center_id: str) -> None:
    """Go to 明细查询 showing one center's records (a click below the village level)."""
    st.session_state["records_center"] = center_id
    switch_page("app_pages/records.py")


def page_tabs(fr: Frame) -> list:
    """The page's tabs (registry.Page.tabs), of which only the open one's script should run: each has
    `.open`, and a page draws a tab's content under `if tab.open:`. Opening another tab reruns the page.
    A long page's sections wait until asked for, so opening the page costs its first tab only."""
    return st.tabs([fr.t(label) for label in fr.page.tabs], key=fr.page.tab_key, on_change="rerun")


def open_tab(fr: Frame, page: str, label: str) -> None:
    """Open the tab `label` (its Chinese label) of the page named `page` at its next run, as a link to a
    section does (预警's 热点 opens 服务办理's 热点诉求): the tabs keep the label shown, in the page's language."""
    st.session_state[registry.by_name(page).tab_key] = fr.t(label)


def card_row(per_row: int = 4, cards: int | None = None):
    """The container a page's KPI cards go in (`row.metric(...)`): `per_row` (4, 5 or 6) a row, two a row
    on a phone, in reading order (streamlit.css, section page); one per page. Given the number of `cards`
    instead, as many a row as fills the fewest rows most evenly (9 cards: 5 and 4, not 4, 4 and 1)."""
    if cards:
        per_row = min((4, 5, 6), key=lambda n: (-(-cards // n), -(cards % n or n)))
    return st.container(key=f"cards{per_row}")


def card(row, label: str, value: str, delta: str | None = None, help: str | None = None,
         target: str | None = None, target_met: bool | None = None, delta_color: str = "normal") -> None:
    """One KPI card in `row` (card_row), with its target under it when config/metrics.toml sets one:
    green when met, red when missed, grey when there is no value to judge. delta_color "off": a delta
    that is no change (持平), in grey and without an arrow."""
    box = row.container(border=True)
    # st.metric points any delta not starting with "-" up, "持平" too: without colour it still had an arrow
    box.metric(label, value, delta, delta_color=delta_color, help=help,
               delta_arrow="off" if delta_color == "off" else "auto")
    if target:
        box.caption(f":{'green' if target_met else 'red' if target_met is False else 'gray'}[{target}]")


def no_data(lang: str, name: str | None = None) -> None:
    """In place of a page, a chart or a table with nothing to show; a chart's or table's says which it is
    (several empty charts in a row must not read as one repeated box)."""
    st.info(t("{name}：该范围内没有数据", lang, name=name) if name else t("该范围内没有数据", lang))


def no_survey(lang: str) -> None:
    """In place of a chart of the 三率 where the period has no 有效回访 (no survey fields imported)."""
    st.info(t("无回访数据", lang))


def downloads(data, name: str, key: str, fr: Frame) -> None:
    """CSV and XLSX buttons for exactly `data` (the frame a chart or table draws). The bytes are
    built on click."""
    downloads_lazy(lambda: data, len(data), name, key, fr)


def downloads_lazy(make_frame, row_count: int, name: str, key: str, fr: Frame, build=None) -> None:
    """CSV and XLSX buttons for a result too large to hold for every rerun (all rows of a search):
    `make_frame()` runs only when a button is clicked, or `build(kind, heading)` (downloads_of_query)
    makes the bytes itself. Above one download's rows (export.DOWNLOAD_MAX_ROWS) the buttons are replaced
    by the TooManyRows sentence."""
    lang = fr.lang
    if row_count > export.DOWNLOAD_MAX_ROWS:
        st.caption(str(export.TooManyRows(row_count, lang)))
        return
    place = fr.ctx.index.name(fr.region)
    in_force = filters.in_force(fr.filters, fr.ctx.categories)
    # the CSV has no title rows: its name carries the filters in force, as the XLSX's heading does
    parts = (place, fr.filters.period, *(t(value, lang) for _, _, value in in_force))
    # a wrapping row: in a narrow column the buttons keep their labels and stack instead of shrinking
    con, acc, sid = state(), account(), session_id()
    user = acc.name
    heading = export.Heading(title=name, region=" › ".join(n for _, n in filters.breadcrumb(fr.filters, fr.ctx.index)),
                             period=fr.filters.period.label(lang), data_through=fr.ctx.data_through,
                             user=f"{acc.display_name}（{acc.name}）",
                             filters="；".join(f"{t(label, lang)} {t(value, lang)}" for _, label, value in in_force))
    if build is None:
        def build(kind, heading):
            if kind == "csv":
                return export.to_csv_bytes(make_frame(), lang)
            return export.to_xlsx_bytes(make_frame(), lang, name, heading)
    row = st.container(horizontal=True, gap="small")
    for kind, label, mime in (("csv", "下载 CSV", "text/csv"), ("xlsx", "下载 Excel", XLSX_MIME)):
        file_name = export.download_name(name, kind, *parts)
        row.download_button(
            t(label, lang),
            data=sessions.logged_download(con, user, name, kind, row_count, _served(
                sid, mime, file_name, functools.partial(build, kind, heading)), session=sid),
            file_name=file_name, key=f"{kind}_{key}", on_click="ignore", mime=mime,
            icon=":material/download:")


def downloads_of_query(query: str, params: dict, shape, row_count: int, name: str, key: str, fr: Frame) -> None:
    """downloads_lazy for every row of the named query under the account's scope, shaped by
    `shape(frame, lang)` (a module-level function): built on click, a large file in a child process
    (dangqun.export_job), so building it holds up no other official's page."""
    reader, scope, lang = connection(), account().scope, fr.lang

    def build(kind, heading):
        job = export_job.Job(reader.path, query, dict(params), scope, shape, kind, lang, name, heading)
        return export_job.bytes_of(job, row_count, reader)
    downloads_lazy(None, row_count, name, key, fr, build=build)


def file_uploader(label: str, types: list[str], key: str, lang: str):
    """st.file_uploader for several files of `types`, with its own texts in the interface language."""
    files = st.file_uploader(label, type=types, accept_multiple_files=True, key=key)
    if lang == "zh":
        mb, kinds = st.get_option("server.maxUploadSize"), "、".join(x.upper() for x in types)
        st.html(style(
            "uploader_zh", button="选择文件", limit=f"每个文件不超过 {mb}MB · {kinds}",
            refused=f"未能上传：只接受 {kinds} 文件，每个不超过 {mb}MB，本次登录上传合计不超过 "
                    f"{server_guard.session_upload_mb()}MB。请移除该文件后重试。"))
    return files


def _served(sid: str, mime: str, file_name: str, make_bytes):
    """`make_bytes`, its result registered as fetchable by this session only (web_session): the URL
    Streamlit hands out for it is no use to anyone else, and expires within a minute."""
    return lambda: web_session.expect_download(sid, make_bytes(), mime, file_name)


def chart(fig, data, name: str, key: str, fr: Frame, selectable: bool = False, screen: bool = False):
    """A Plotly figure with downloads of the data it draws; returns the selection when selectable
    (bars, markers, treemap tiles: a click reruns the page with the clicked points).
    screen=True (the 大屏): the figure's own dark template instead of Streamlit's theme, as tall as the
    container it is in, and no downloads."""
    if data is None or len(data) == 0:
        no_data(fr.lang, name)
        return None
    widget_key = f"chart_{key}"
    # no Plotly toolbar: it lay over the chart titles (on a phone over most of them), and an official
    # needs none of its zoom and pan; Streamlit's own toolbar still offers full screen
    event = st.plotly_chart(fig, key=widget_key,
                            on_select=functools.partial(_note_click, widget_key) if selectable else "ignore",
                            selection_mode="points",
                            # scrollZoom off: scrolling the page over the 地图 would zoom the map instead
                            config={"displayModeBar": False, "responsive": screen, "scrollZoom": False,
                                    **OFFLINE_CONFIG},
                            theme=None if screen else "streamlit", height="stretch" if screen else "content")
    if not screen:
        downloads(data, name, key, fr)
    if selectable:
        # A selection is a click only in the run right after it changed. The browser sends the same
        # selection with every later run while the chart stays the same; acted on again, a click that
        # changes nothing (a forged code, the current region) would rerun the page for ever.
        return event if _take_click(widget_key) else None
    return event


def _note_click(widget_key: str) -> None:
    """on_select of a selectable chart: Streamlit calls it once, before the run, when the selection changed."""
    st.session_state[CLICKED] = st.session_state.get(CLICKED, frozenset()) | {widget_key}


def _take_click(widget_key: str) -> bool:
    clicked = st.session_state.get(CLICKED, frozenset())
    if widget_key not in clicked:
        return False
    st.session_state[CLICKED] = clicked - {widget_key}
    return True


def table(data, name: str, key: str, fr: Frame, column_config: dict | None = None, height="auto",
          style=None):
    """A table with translated headers and its downloads. `style`, if given, turns the table with
    translated headers into a pandas Styler (number formats, highlighted cells) for display only."""
    if data is None or len(data) == 0:
        no_data(fr.lang, name)
        return
    from dangqun.i18n import column_label

    shown = data.rename(columns={c: column_label(c, fr.lang) for c in data.columns})
    numbers = {column_label(c, fr.lang): export.number_format(str(c), data[c]) for c in data.columns}
    numbers = {c: f for c, f in numbers.items() if f is not None}
    if style is not None:
        shown = style(shown)
        # counts the page's style leaves alone get thousands separators like every other number
        counts = [c for c, f in numbers.items() if f is export.INTEGER]
        shown = shown.format(metrics.fmt_int, subset=counts) if counts else shown
        numbers = {}
    # the browser rounds the binary double (94.225 → 94.22); the cards round the decimal half up (94.23)
    for c, f in numbers.items():
        if f.places and pd.api.types.is_float_dtype(shown[c].dtype):
            shown[c] = metrics.round_half_up(shown[c], f.places + (2 if f.percent else 0))
    config = {c: _number_column(f) for c, f in numbers.items()}
    config.update({column_label(k, fr.lang): v for k, v in (column_config or {}).items()})
    # a cell with no value reads — (Streamlit's own placeholder is "None"): a rate without surveys, a cost
    # without funds; the numbers stay numbers, so sorting and the downloads are unchanged
    st.dataframe(shown, hide_index=True, key=f"table_{key}", height=height, column_config=config,
                 placeholder=metrics.DASH)
    downloads(data, name, key, fr)


def _number_column(fmt):
    """A numeric column shown as the page's cards and the downloads show it (export.number_format):
    thousands separators (the browser's zh-CN grouping), the same decimals, rates as percentages."""
    if fmt.percent:
        # Streamlit's percent format shows (decimals of step − 2) decimals
        return st.column_config.NumberColumn(format="percent", step=10 ** -(fmt.places + 2))
    if not fmt.grouping:
        return st.column_config.NumberColumn(format="%d")
    return st.column_config.NumberColumn(format="localized", step=10 ** -fmt.places if fmt.places else 1)


def clicked_code(event, field: str = "customdata") -> str | None:
    """The first clicked point's code (charts put the unit's code in customdata[0]). The selection is
    JSON from the browser, so its shape is checked: only a short text or whole number is a code, and
    the caller still checks that it names something the chart drew."""
    selection = event.get("selection") if isinstance(event, dict) else None
    points = selection.get("points") if isinstance(selection, dict) else None
    for point in points if isinstance(points, list) else ():
        value = point.get(field) if isinstance(point, dict) else None
        if isinstance(value, (list, tuple)):
            value = value[0] if value else None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            continue
        value = str(value)
        if value and len(value) <= CODE_MAX:
            return value
    return None
