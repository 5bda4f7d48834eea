"""The sidebar: navigation from the page registry, the account with its logout button, and the filter
widgets, re-seeded on every run from the canonical filter state they write back to."""
from __future__ import annotations

import dataclasses

import streamlit as st

from dangqun import auth, db, filters, periods, registry
from dangqun.i18n import t
from dangqun.markup import md
from dangqun.ui.data import Context, account
from dangqun.ui.login import logout

STATE = "_filters"   # the canonical filter state: a filters.Filters, survives page switches
# the query this tab's address bar was last given by the app (frame's _write_url): an address that differs
# from it at the start of a run was changed by the browser, by Back or Forward
URL_WRITTEN = "_url_written"


def set_filters(f: filters.Filters) -> None:
    st.session_state[STATE] = f


def switch_page(page: str) -> None:
    """Open another page with the current filters in its address: st.switch_page clears the address's
    query by default, which would read as the official going Back to a page without filters."""
    wanted = filters.to_query(st.session_state[STATE])
    st.session_state[URL_WRITTEN] = wanted
    st.switch_page(page, query_params=wanted)


def drill_to(code: str, ctx: Context) -> None:
    """Make `code` the current region (a click on a chart, a breadcrumb step, a sidebar choice). A code
    that is no region of the account's scope (a forged widget value) is ignored."""
    code = filters.known_region(code, ctx.index, account().scope)
    if code:
        set_filters(st.session_state[STATE].with_region(code, ctx.index))


def set_category(code: str) -> None:
    """Make `code` the 事项大类 filter ('' for all): a click on a category bar, kept in the sidebar."""
    _update(category=code)


def clear_filter(field: str) -> None:
    """A filter chip's ✕: the 事项大类 or 受理渠道 filter cleared (the sidebar follows on the next run)."""
    if field in filters.RECORD_FILTERS:
        _update(**{field: ""})


def _update(**changes) -> None:
    set_filters(dataclasses.replace(st.session_state[STATE], **changes))


def _choose(key: str, field: str, allowed) -> None:
    """A sidebar choice (事项大类, 受理渠道, 语言) written back from its widget. Streamlit hands a value
    that is none of the options (a forged widget state) through as it came: such a value is ignored."""
    value = st.session_state[key]
    if isinstance(value, str) and value in allowed:
        _update(**{field: value})


# On a phone the sidebar lies over the page (300 of 390 px) and Streamlit leaves it open after a page link
# is followed: the official had to close it every time. A click on a page link closes it wherever it
# covers most of the window; beside the page, on a wide screen, it stays. Bound once per browser tab.
CLOSE_ON_NAVIGATE = """<script>
(() => {
  if (window.__dangqunCloseOnNavigate) return;
  window.__dangqunCloseOnNavigate = true;
  document.addEventListener("click", (event) => {
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    if (!sidebar || !event.target.closest('[data-testid="stSidebar"] [data-testid="stPageLink-NavLink"]')) return;
    if (sidebar.getBoundingClientRect().width < window.innerWidth * 0.6) return;
    setTimeout(() => {
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }, 0);
  }, true);
})();
</script>"""


def navigation(lang: str) -> None:
    acc = account()
    st.markdown(f"### :material/account_balance: {t('党群服务数据看板', lang)}")
    # each link carries the filters in its address: without them Streamlit opens the page at a bare address,
    # which the next page would read as the official going back to no filters at all (frame's URL_WRITTEN)
    query = filters.to_query(st.session_state[STATE]) if STATE in st.session_state else None
    for page in registry.PAGES:
        if (db.ROOT / page.file).exists() and (acc.is_admin or not page.admin):
            st.page_link(page.file, label=t(page.title, lang), icon=page.icon, query_params=query)
    st.html(CLOSE_ON_NAVIGATE, unsafe_allow_javascript=True)
    # a wrapping row, not columns: the button keeps its whole label ("Log out") and moves below a long name
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(f"{md(acc.display_name)} · {t(auth.ROLE_LABELS[acc.role], lang)}", width="content")
    row.button(t("退出", lang), key="logout", on_click=logout, icon=":material/logout:", width="content")
    st.divider()


def _on_region_change(level_key: str, ctx: Context) -> None:
    code = st.session_state[f"f_{level_key}"]
    if not code:  # "全部" at this level: step back to the level above
        depth = filters.LEVEL_KEYS.index(level_key)
        above = [getattr(st.session_state[STATE], k) for k in filters.LEVEL_KEYS[:depth]]
        code = next((c for c in reversed(above) if c), ctx.index.root)
    drill_to(code, ctx)


def _on_period_change(ctx: Context) -> None:
    f = st.session_state[STATE]
    set_filters(filters.choose_period(f, st.session_state["f_period"], ctx.latest,
                                      st.session_state.get("f_start", f.period.start),
                                      st.session_state.get("f_end", f.period.end)))


def _on_compare_change() -> None:
    f = st.session_state[STATE]
    mode = st.session_state["f_compare"]
    if mode not in periods.COMPARE_MODES:     # a forged widget value: the choice stays as it was
        return
    if mode == "custom":
        start = st.session_state.get("f_cmp_start") or f.period.start.replace(year=f.period.start.year - 1)
        end = st.session_state.get("f_cmp_end") or periods.comparison_period(f.period, "yoy").end
        if start > end:
            start, end = end, start
        _update(compare=mode, compare_period=periods.Period(start, end))
    else:
        _update(compare=mode, compare_period=periods.comparison_period(f.period, mode))


def filter_widgets(ctx: Context) -> None:
    f: filters.Filters = st.session_state[STATE]
    lang = f.lang
    index = ctx.index
    all_label = t("全部", lang)

    # Widgets are re-seeded from the canonical state on every run: widget state does not survive
    # a page switch, the canonical state does.
    # the levels below the scope's root: a county official starts at 乡镇街道
    parent = index.root
    for depth, key in enumerate(filters.LEVEL_KEYS, start=1):
        if depth <= index.levels.get(index.root, 0):
            continue
        options = [""] + [c for c in index.children(parent) if index.levels.get(c) == depth]
        if len(options) == 1:
            break
        value = getattr(f, key)
        st.session_state[f"f_{key}"] = value if value in options else ""
        st.selectbox(t({"city": "市", "county": "县区", "town": "乡镇街道", "village": "村社区"}[key], lang),
                     options, key=f"f_{key}", format_func=lambda c: all_label if not c else index.name(c),
                     on_change=_on_region_change, args=(key, ctx))
        if not value:
            break
        parent = value

    st.session_state["f_period"] = f.preset
    st.selectbox(t("统计周期", lang), list(periods.PRESETS), key="f_period",
                 format_func=lambda p: t(periods.PRESETS[p], lang), on_change=_on_period_change, args=(ctx,))
    if f.preset == "custom":
        st.session_state["f_start"], st.session_state["f_end"] = f.period.start, f.period.end
        st.date_input(t("开始日期", lang), key="f_start", on_change=_on_period_change, args=(ctx,))
        st.date_input(t("结束日期", lang), key="f_end", on_change=_on_period_change, args=(ctx,))
    st.caption(f.period.label(lang))

    st.session_state["f_compare"] = f.compare
    st.selectbox(t("对比", lang), list(periods.COMPARE_MODES), key="f_compare",
                 format_func=lambda m: t(periods.COMPARE_MODES[m], lang), on_change=_on_compare_change)
    if f.compare == "custom" and f.compare_period:
        st.session_state["f_cmp_start"], st.session_state["f_cmp_end"] = f.compare_period.start, f.compare_period.end
        st.date_input(t("对比开始日期", lang), key="f_cmp_start", on_change=_on_compare_change)
        st.date_input(t("对比结束日期", lang), key="f_cmp_end", on_change=_on_compare_change)
    if f.compare_period:
        st.caption(t("对比期：{label}", lang, label=f.compare_period.label(lang)))

    st.session_state["f_category"] = f.category if f.category in ctx.categories else ""
    st.selectbox(t("事项大类", lang), [""] + list(ctx.categories), key="f_category",
                 format_func=lambda c: all_label if not c else f"{c} {ctx.categories[c]}",
                 on_change=_choose, args=("f_category", "category", ["", *ctx.categories]))
    st.session_state["f_channel"] = f.channel if f.channel in ctx.channels else ""
    st.selectbox(t("受理渠道", lang), [""] + list(ctx.channels), key="f_channel",
                 format_func=lambda c: all_label if not c else c,
                 on_change=_choose, args=("f_channel", "channel", ["", *ctx.channels]))

    st.session_state["lang"] = f.lang
    st.radio(t("语言", lang), filters.LANGS, key="lang", horizontal=True,
             format_func=lambda l: {"zh": "中文", "en": "English"}[l],
             on_change=_choose, args=("lang", "lang", filters.LANGS))
