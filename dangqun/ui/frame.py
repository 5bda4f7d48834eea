"""The frame every page calls first: page config, login gate, refusals, navigation and sidebar filters
mirrored in the URL, header and breadcrumb, and the audit row of each view."""
from __future__ import annotations

import dataclasses
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


# Shared by every page. KPI cards (card_row) in a grid: st.columns stacks its columns one under another
# on a phone, which reads cards column by column; the grid keeps reading order at any width.
STYLE = """<style>
.st-key-cards4, .st-key-cards5, .st-key-cards6 { display: grid; gap: 0.75rem; }
.st-key-cards4 { grid-template-columns: repeat(4, minmax(0, 1fr)); }
.st-key-cards5 { grid-template-columns: repeat(5, minmax(0, 1fr)); }
.st-key-cards6 { grid-template-columns: repeat(6, minmax(0, 1fr)); }
/* a row's cards as tall as its tallest (a target line or a wrapped label makes one taller) */
:is(.st-key-cards4, .st-key-cards5, .st-key-cards6) > * { align-self: stretch; height: auto; }
:is(.st-key-cards4, .st-key-cards5, .st-key-cards6) > * > [data-testid="stVerticalBlock"] { height: 100%; }
@media (max-width: 640px) {
  .st-key-cards4, .st-key-cards5, .st-key-cards6 { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
/* a card's long label (English "Below the yellow-list line") wraps instead of ending in an ellipsis */
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible; text-overflow: clip; }
</style>"""

# Streamlit's download button says "Failed to generate file for download" (English, under the button,
# for 5 s) when the file could not be made: in dangqun that is a session ended by logout or idle
# (ui.deferred_query, sessions.logged_download). In the Chinese interface Chinese is shown in its place.
# Likewise the "No results" of a selectbox or multiselect whose typed filter matches nothing (the 预警
# picker, the sidebar's regions): Streamlit 1.67 writes it in English and has no parameter for it. The
# list marks itself data-empty when it has nothing to offer, and then holds only that sentence. A full
# multiselect (品牌矩阵's five, max_selections) says "You can only select up to 5 options" in the same
# place, so the multiselect's words fit both: nothing left to choose.
ZH_STYLE = """<style>
[data-testid="stDownloadButtonError"], [data-testid="stDownloadButtonError"] * { font-size: 0 !important; }
[data-testid="stDownloadButtonError"]::after { content: "下载失败：登录已结束，请刷新页面重新登录";
  font-size: 0.875rem; display: block; white-space: normal; }
:is([data-testid="stSelectboxVirtualDropdown"], [data-testid="stMultiSelectDropdown"])
  [role="listbox"][data-empty="true"] [role="option"] > span { font-size: 0 !important; }
[data-testid="stSelectboxVirtualDropdown"] [role="listbox"][data-empty="true"] [role="option"] > span::after
  { content: "没有匹配的选项"; font-size: 0.875rem; }
[data-testid="stMultiSelectDropdown"] [role="listbox"][data-empty="true"] [role="option"] > span::after
  { content: "没有可选的选项"; font-size: 0.875rem; }
</style>"""

# chrome=False (the 大屏): no Streamlit header or sidebar, a dark ground and type sized by the screen's
# height, so 1920 × 1080 and 3840 × 2160 are both filled without scrolling.
SCREEN_STYLE = """<style>
header[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stDecoration"], [data-testid="stToolbar"] { display: none !important; }
.stApp, [data-testid="stMain"] { background: #0B1320; color: #E8EAED; }
.stMainBlockContainer { padding: 2vh 2.5vw; max-width: 100%; height: 100vh; }
.stMainBlockContainer > [data-testid="stVerticalBlock"] { height: 100%; }
.stApp h1 { color: #F5F7FA; font-size: 4.6vh; padding: 0; line-height: 1.3; }
.stApp .stMarkdown p, .stApp a p { color: #B8C2D0; font-size: 2.2vh; }
.st-key-screen_cards { display: grid; grid-auto-flow: column; grid-auto-columns: minmax(0, 1fr); gap: 1.2vw; }
.st-key-screen_cards [data-testid="stMetric"] { background: #13203A; border-color: #24344F; padding: 1.6vh 1vw; }
/* every card as tall as the tallest (a wrapped label makes one taller) */
.st-key-screen_cards > div, .st-key-screen_cards [data-testid="stMetric"] { height: 100%; }
.st-key-screen_cards [data-testid="stMetricLabel"] p { font-size: 2.4vh; color: #B8C2D0; }
/* a long label (English "On-time closure rate") wraps instead of ending in an ellipsis */
.st-key-screen_cards [data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible; text-overflow: clip; }
/* A value is sized by the height on a wide screen and by its card's own width (cqi: 1% of the card's
   content box) where cards are narrow: a share of the window (3.4vw) still cut 163,300 to 163,… at
   1366 × 768 and 1440 × 900, since each card also loses fixed padding, and more cards (screen.toml) make
   each narrower still. 24cqi fits a number of nine characters (1,234,567); Streamlit's inner 15 px side
   padding is dropped for the same reason (the card keeps its 1vw). A value in words (无回访数据) wraps. */
.st-key-screen_cards [data-testid="stMetric"] > div { padding-left: 0; padding-right: 0; container-type: inline-size; }
.st-key-screen_cards [data-testid="stMetricValue"], .st-key-screen_cards [data-testid="stMetricValue"] * {
  font-size: min(6vh, 24cqi); color: #FFFFFF; line-height: 1.2; }
.st-key-screen_cards [data-testid="stMetricValue"] * { white-space: normal !important; text-overflow: clip; }
.st-key-screen_cards [data-testid="stMetricDelta"], .st-key-screen_cards [data-testid="stMetricDelta"] * {
  font-size: min(2.2vh, 1.25vw); }
/* the rotating panel (in its fragment's wrapper) takes the height left under the heading and the cards */
[data-testid="stLayoutWrapper"]:has(.st-key-screen_panel) { flex: 1 1 0 !important; min-height: 0; }
/* and may be shorter than the chart's first height (Streamlit draws it 450 px tall before measuring):
   at 1366 × 768 only 418 px are left, and the panel held on to 450, cutting its foot off the screen */
.st-key-screen_panel { min-height: 0; }
@media (max-width: 640px) {   /* opened on a phone: cards two a row, type by width, the page scrolls */
  .stMainBlockContainer { height: auto; }
  .stApp h1 { font-size: 1.8rem; }
  .stApp .stMarkdown p, .stApp a p, .st-key-screen_cards [data-testid="stMetricLabel"] p { font-size: 1rem; }
  .st-key-screen_cards { grid-auto-flow: row; grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .st-key-screen_cards [data-testid="stMetricValue"], .st-key-screen_cards [data-testid="stMetricValue"] * {
    font-size: 1.7rem; }
  .st-key-screen_cards [data-testid="stMetricDelta"], .st-key-screen_cards [data-testid="stMetricDelta"] * {
    font-size: 0.8rem; }
  [data-testid="stLayoutWrapper"]:has(.st-key-screen_panel) { flex: 0 0 460px !important; }
}
</style>"""


def frame(title_key: str) -> Frame:
    """Called first by every page: config, login, navigation, sidebar filters, header, breadcrumb.
    Stops the script (nothing of the page renders) until someone is logged in, on an administrators'
    page for anyone else, and on a link to a region outside the account's scope.
    A page registered with chrome=False (the 大屏) has no sidebar and no header; the filters come from
    the URL or the session as on any page, and the page draws its own heading."""
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
    st.html(STYLE if chrome else SCREEN_STYLE)
    if f.lang == "zh":
        st.html(ZH_STYLE)
    if chrome:
        with st.sidebar:
            navigation(f.lang)
            filter_widgets(ctx)
    f = st.session_state[STATE]
    _write_url(f)
    if chrome:
        _header(title_key, f, ctx)
    _audit_view(title_key, f)
    return Frame(f, ctx)


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
