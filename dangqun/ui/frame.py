"""The frame every page calls first: page config, login gate, refusals, navigation and sidebar filters
mirrored in the URL, header and breadcrumb, and the audit row of each view."""
from __future__ import annotations

import contextvars
import dataclasses
import functools
import re
import string
from pathlib import Path

import streamlit as st

from dangqun import audit, auth, filters, periods, registry
from dangqun.i18n import t
from dangqun.markup import md
from dangqun.ui.data import Context, account, context, read_data_version, state
from dangqun.ui.login import gate, url_lang
from dangqun.ui.sidebar import STATE, URL_WRITTEN, clear_filter, drill_to, filter_widgets, navigation, set_filters


# a file served by the app itself: a ':material/…:' page icon makes the browser fetch the icon from
# fonts.gstatic.com, and on an intranet nothing may leave the machine (tests/test_browser.py)
FAVICON = Path(__file__).with_name("favicon.svg")


@dataclasses.dataclass(frozen=True)
class Frame:
    filters: filters.Filters
    ctx: Context
    page: registry.Page

    @property
    def lang(self) -> str:
        return self.filters.lang

    @property
    def region(self) -> str:
        return self.filters.region(self.ctx.index.root)

    def params(self, period: periods.Period | None = None) -> dict:
        return self.filters.params(period, self.ctx.index.root)

    def compare_params(self) -> dict | None:
        """The comparison period's parameters, counted like with like (README「同口径对比」); None: none."""
        return self.filters.compare_params(self.ctx.data_through, self.ctx.index.root)

    @property
    def vintage(self) -> periods.Vintage | None:
        return periods.vintage(self.filters.period, self.filters.compare_period, self.ctx.data_through)

    def t(self, key: str, **fmt) -> str:
        return t(key, self.lang, **fmt)


# Every rule restyling or hiding Streamlit's own elements (by data-testid, which Streamlit may rename) is in
# one stylesheet, read once; each section is the <style> of one use (the pages, Chinese, the 大屏, the uploader).
STYLESHEET = Path(__file__).with_name("streamlit.css")


@functools.cache
def _style_sections() -> dict[str, str]:
    parts = re.split(r"^/\* ==== (\w+) ==== \*/\n", STYLESHEET.read_text(encoding="utf-8"), flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def style(section: str, **values: str) -> str:
    """The <style> element of one section of the stylesheet, its ${name} placeholders filled from `values`."""
    return f"<style>\n{string.Template(_style_sections()[section]).substitute(values)}</style>"


# the frame app.py built for this run's page: the page's own frame() call returns it instead of building another
_CURRENT: contextvars.ContextVar[tuple[str, Frame] | None] = contextvars.ContextVar("dangqun_frame", default=None)


def run(page: registry.Page, script) -> None:
    """The entry point's (app.py): the frame of the registered `page` once, then its st.navigation `script`,
    whose frame() call finds this frame. A page script run on its own (a test opening the file) builds it."""
    token = _CURRENT.set((page.title, frame(page.title)))
    try:
        script.run()
    finally:
        _CURRENT.reset(token)


def frame(title_key: str) -> Frame:
    """Called first by every page: config, login, navigation, sidebar filters, header, breadcrumb.
    Under app.py it has run already for this page and this run, and returns that frame.
    Stops the script (nothing of the page renders) until someone is logged in, on an administrators'
    page for anyone else, and on a link to a region outside the account's scope.
    A page registered with chrome=False (the 大屏) has no sidebar and no header; the filters come from
    the URL or the session as on any page, and the page draws its own heading."""
    current = _CURRENT.get()
    if current is not None and current[0] == title_key:
        return current[1]
    page = registry.by_title(title_key)
    chrome = page.chrome
    # "auto": open beside the page on a wide screen, closed on a phone where it would cover the page
    st.set_page_config(page_title=f"{t(title_key)} · {t('党群服务数据看板')}", page_icon=str(FAVICON),
                       layout="wide", initial_sidebar_state="auto" if chrome else "collapsed")
    acc = gate()
    if page.admin and not acc.is_admin:
        _refuse(title_key, "无权使用该页面")
    read_data_version()
    ctx = context()
    f = _current_filters(ctx, title_key)
    st.html(style("page" if chrome else "screen"))
    if f.lang == "zh":
        st.html(style("zh"))
    if chrome:
        with st.sidebar:
            navigation(f.lang)
            filter_widgets(ctx)
    f = st.session_state[STATE]
    _write_url(f)
    if chrome:
        _header(title_key, f, ctx)
    _audit_view(title_key, f)
    return Frame(f, ctx, page)


def _refuse(title_key: str, message: str) -> None:
    """A refusal in place of the page: the message, navigation and logout, no data; the script stops."""
    lang = url_lang()
    with st.sidebar:
        navigation(lang)
    audit.record(state(), account().name, "page_view", target=title_key,
                 detail=_query_string(st.query_params.to_dict()), result="refused")
    st.title(t(title_key, lang))
    st.error(t(message, lang))
    st.button(t("返回本辖区", lang), key="scope_home", on_click=st.query_params.clear)
    st.stop()


def _query_string(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


def _audit_view(title_key: str, f: filters.Filters) -> None:
    """One page_view row each time the page or its filters change (not on every rerun)."""
    query = filters.to_query(f)
    view = (title_key, tuple(sorted(query.items())))
    if st.session_state.get("_audited_view") != view:
        st.session_state["_audited_view"] = view
        audit.record(state(), account().name, "page_view", target=title_key,
                     detail=_query_string(query))


def _current_filters(ctx: Context, title_key: str) -> filters.Filters:
    now = st.query_params.to_dict()
    if STATE in st.session_state and now != st.session_state.get(URL_WRITTEN, now):
        # every drill and filter change pushed its own address (Streamlit's pushState): Back and Forward walk
        # them, and the filters follow the address they land on, as on any web page
        del st.session_state[STATE]
    if STATE not in st.session_state:
        query = auth.scoped_query(st.query_params.to_dict(), account().scope)
        if query is None:
            _refuse(title_key, "无权查看该区域")
        f = filters.from_query(query, ctx.index, ctx.latest, ctx.categories, ctx.channels)
        st.session_state[STATE] = f
    return st.session_state[STATE]


def _write_url(f: filters.Filters) -> None:
    wanted = filters.to_query(f)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[URL_WRITTEN] = wanted


def _header(title_key: str, f: filters.Filters, ctx: Context) -> None:
    lang = f.lang
    crumbs = filters.breadcrumb(f, ctx.index)
    names = [name for code, name in crumbs if code != ctx.index.root] or [ctx.index.name(ctx.index.root)]
    st.title(t(title_key, lang))
    through = ctx.data_through.isoformat() if ctx.data_through else t("暂无数据", lang)
    line = st.container(horizontal=True, gap="medium", vertical_alignment="center")
    line.markdown(f"**{' › '.join(md(n) for n in names)} · {f.period.label(lang)}**", width="content")
    line.markdown(f":gray[{t('数据截至 {date}', lang, date=through)}]", width="content")
    if len(crumbs) > 1:
        # a wrapping row of buttons as wide as their names (equal columns cut 赵家营子村 to 赵家营…)
        row = st.container(horizontal=True, gap="small")
        for code, name in crumbs:
            row.button(md(name), key=f"crumb_{code}", on_click=drill_to, args=(code, ctx),
                       disabled=code == f.region(ctx.index.root), width="content")
    chips = filters.in_force(f, ctx.categories)
    if chips:
        # every record filter in force, under the title on every page, each cleared with one click
        row = st.container(horizontal=True, gap="small", vertical_alignment="center", key="filter_chips")
        for field, label, value in chips:
            row.button(f"{t(label, lang)}：{md(t(value, lang))}  ✕", key=f"chip_{field}", on_click=clear_filter,
                       args=(field,), help=t("清除此筛选", lang), width="content")
        row.caption(t("只筛选服务记录：投入、活动场次和中心数不随之变化", lang), width="content")
    for notice in f.notices:
        st.warning(t("链接中的参数无效，已恢复默认: {detail}", lang, detail=md(notice)))
    if f.notices:
        # shown once: the URL is rewritten with valid values on this run
        set_filters(dataclasses.replace(f, notices=()))
