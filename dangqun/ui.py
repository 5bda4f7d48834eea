"""The one module that imports Streamlit: connection, cached queries, the shared page frame
(login gate, navigation, sidebar filters mirrored in the URL, header and breadcrumb) and download widgets.

Every query runs under the logged-in account's scope (its region; None for admins), taken here from
the session, never from a page: a page cannot forget it or widen it."""
from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from dangqun import audit, auth, contract, db, export, filters, periods, regions
from dangqun.i18n import t

# (file, title key, icon): the navigation, in order; titles go through i18n.t
PAGES = (
    ("app.py", "总览", ":material/dashboard:"),
    ("pages/brands.py", "品牌矩阵", ":material/workspace_premium:"),
    ("pages/funds.py", "资金投入", ":material/payments:"),
    ("pages/satisfaction.py", "满意度与考核", ":material/thumb_up:"),
    ("pages/services.py", "服务办理", ":material/assignment:"),
    ("pages/records.py", "明细查询", ":material/search:"),
    ("pages/data_import.py", "数据导入", ":material/upload_file:"),
    ("pages/audit.py", "审计日志", ":material/policy:"),
)
ADMIN_PAGES = ("数据导入", "审计日志")   # title keys of the pages only administrators open (and see)
STATE = "_filters"   # the canonical filter state: a filters.Filters, survives page switches
SESSION = "_session"  # {"account": auth.Account, "seen": datetime of the last run}: who is logged in
ASKED = "_asked"      # {name: parameters}: costly results the official asked for by a button, per view


# ── data access ──────────────────────────────────────────────────────────────────────────────

@st.cache_resource
def connection():
    """One DuckDB connection per process; every query runs on its own cursor (db.run)."""
    return db.connect(db.resolve_path())


def data_version() -> int:
    cur = connection().cursor()
    try:
        return db.data_version(cur)
    finally:
        cur.close()


RUN_VERSION = "_data_version"


def read_data_version() -> None:
    """The data version this run's queries are cached under, read once per run by frame() (one small
    query instead of one per ui.query), and again by a page right after it changed the data."""
    st.session_state[RUN_VERSION] = data_version()


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def _cached_query(name: str, params: tuple, scope: str | None, version: int):
    # `version` is part of the key only: a new import changes it, so cached answers expire at once.
    return db.run(connection(), name, dict(params), scope=scope)


def account() -> auth.Account:
    """The logged-in account (frame() has stopped the script before this when nobody is)."""
    if SESSION not in st.session_state:
        raise RuntimeError("no account is logged in: call ui.frame() first")
    return st.session_state[SESSION]["account"]


def query(name: str, params: dict | None = None):
    """Named query through Streamlit's cache, keyed by query, parameters, the account's scope and the
    data version."""
    version = st.session_state.get(RUN_VERSION)
    return _cached_query(name, tuple(sorted((params or {}).items())), account().scope,
                         data_version() if version is None else version)


def deferred_query(name: str, params: dict | None = None):
    """A zero-argument function that runs the named query uncached under the account's scope when
    called: for a full download built on click (st.download_button runs it outside the script, so the
    connection and the scope are taken now)."""
    con, scope = connection(), account().scope
    return lambda: db.run(con, name, dict(params or {}), scope=scope)


# ── context the filters need ─────────────────────────────────────────────────────────────────

@dataclasses.dataclass(frozen=True)
class Context:
    index: filters.RegionIndex
    latest: dt.date
    categories: dict[str, str]      # 大类编码 → 大类名称
    channels: tuple[str, ...]


def context() -> Context:
    acc = account()
    options = query("region_options")
    span = query("data_span")
    last = span.last_day.iloc[0]
    latest = last.date() if hasattr(last, "date") and last == last else dt.date.today()
    cats = query("category_options")
    return Context(
        index=filters.RegionIndex.from_frame(options, root=acc.region if acc.scope else regions.PROVINCE),
        latest=latest,
        categories=dict(zip(cats.category_code, cats.category_name)),
        channels=contract.CHANNELS,
    )


# ── the frame ────────────────────────────────────────────────────────────────────────────────

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

    def t(self, key: str, **fmt) -> str:
        return t(key, self.lang, **fmt)


def frame(title_key: str) -> Frame:
    """Called first by every page: config, login, navigation, sidebar filters, header, breadcrumb.
    Stops the script (nothing of the page renders) until someone is logged in, on an administrators'
    page for anyone else, and on a link to a region outside the account's scope."""
    st.set_page_config(page_title=f"{t(title_key)} · {t('党群服务数据看板')}", page_icon=":material/account_balance:",
                       layout="wide", initial_sidebar_state="expanded")
    acc = _login_gate()
    if title_key in ADMIN_PAGES and not acc.is_admin:
        _refuse(title_key, "无权使用该页面")
    read_data_version()
    ctx = context()
    f = _current_filters(ctx, title_key)
    with st.sidebar:
        _navigation(f.lang)
        _filter_widgets(ctx)
    f = st.session_state[STATE]
    _write_url(f)
    _header(title_key, f, ctx)
    _audit_view(title_key, f)
    return Frame(f, ctx)


# ── login, logout, refusals and the audit of views ───────────────────────────────────────────

def _url_lang() -> str:
    return "en" if st.query_params.get("lang") == "en" else "zh"


def _login_gate() -> auth.Account:
    """The logged-in account, refreshed from the accounts file on every run (a disabled account or a
    changed role takes effect at once); otherwise the login form, and the script stops."""
    con = connection()
    session = st.session_state.get(SESSION)
    if session:
        name = session["account"].name
        acc = auth.load_accounts().get(name)
        if not auth.usable(acc, auth.is_demo_db(con)):
            _end_session(name, "account_unusable", "账号已停用，请联系管理员")
        elif auth.idle(session["seen"]):
            _end_session(name, "idle", "长时间未操作，已自动退出，请重新登录")
        else:
            st.session_state[SESSION] = {"account": acc, "seen": auth.now()}
            return acc
    _login_form(con, _url_lang())
    st.stop()


def _login_form(con, lang: str) -> None:
    accounts = auth.load_accounts()
    demo_db = auth.is_demo_db(con)
    st.title(t("党群服务数据看板", lang))
    notice = st.session_state.pop("_login_notice", "")
    if notice:
        st.info(t(notice, lang))
    if not any(auth.usable(a, demo_db) for a in accounts.values()):
        st.warning(t("还没有可用的账号。请在服务器上创建第一个管理员账号：", lang))
        st.code("python -m dangqun user add NAME --role admin --region 210000000000 --password-stdin",
                language="bash")
        st.caption(t("账号文件：{path}（可用环境变量 DANGQUN_USERS 指定）", lang, path=auth.users_path()))
        if demo_db:
            st.caption(t("演示数据库：运行 python -m dangqun demo 生成演示账号（见 README）", lang))
        return
    st.subheader(t("登录", lang))
    with st.form("login", clear_on_submit=True, width=420):
        st.text_input(t("用户名", lang), key="login_user", max_chars=64)
        st.text_input(t("密码", lang), key="login_password", type="password", max_chars=auth.MAX_PASSWORD)
        submitted = st.form_submit_button(t("登录", lang), key="login_submit", type="primary")
    if submitted:
        acc, message = auth.login(con, accounts, st.session_state.get("login_user", ""),
                                  st.session_state.get("login_password", ""), demo_db)
        if acc:
            st.session_state[SESSION] = {"account": acc, "seen": auth.now()}
            st.rerun()
        st.error(t(message, lang))
    if demo_db:
        st.caption(t("这是演示数据库：演示账号见 README。", lang))


def _end_session(name: str, result: str, notice: str) -> None:
    """Forget everything the session held (filters, searches, uploads) and note the logout."""
    audit.record(connection(), name, "logout", result=result)
    st.session_state.clear()
    st.session_state["_login_notice"] = notice


def _logout() -> None:
    _end_session(account().name, "ok", "已退出登录")


def _refuse(title_key: str, message: str) -> None:
    """A refusal in place of the page: the message, navigation and logout, no data; the script stops."""
    lang = _url_lang()
    with st.sidebar:
        _navigation(lang)
    audit.record(connection(), account().name, "page_view", target=title_key,
                 detail=_query_string(st.query_params.to_dict()), result="refused")
    st.title(t(title_key, lang))
    st.error(t(message, lang))
    st.button(t("返回本辖区", lang), key="scope_home", on_click=st.query_params.clear)
    st.stop()


def _query_string(query: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


def audit_imports(results) -> None:
    """An import row in the audit log for each file the import page processed (uploads.Result)."""
    for r in results:
        audit.record_import(connection(), account().name, r.report)


def _audit_view(title_key: str, f: filters.Filters) -> None:
    """One page_view row each time the page or its filters change (not on every rerun)."""
    query = filters.to_query(f)
    view = (title_key, tuple(sorted(query.items())))
    if st.session_state.get("_audited_view") != view:
        st.session_state["_audited_view"] = view
        audit.record(connection(), account().name, "page_view", target=title_key,
                     detail=_query_string(query))


def set_filters(f: filters.Filters) -> None:
    st.session_state[STATE] = f


def drill_to(code: str, ctx: Context) -> None:
    """Make `code` the current region (a click on a chart or a breadcrumb step)."""
    set_filters(st.session_state[STATE].with_region(code, ctx.index))


def set_category(code: str) -> None:
    """Make `code` the 事项大类 filter ('' for all): a click on a category bar, kept in the sidebar."""
    _update(category=code)


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


def _current_filters(ctx: Context, title_key: str) -> filters.Filters:
    if STATE not in st.session_state:
        query = auth.scoped_query(st.query_params.to_dict(), account().scope)
        if query is None:
            _refuse(title_key, "无权查看该区域")
        f = filters.from_query(query, ctx.index, ctx.latest, ctx.categories, ctx.channels)
        st.session_state[STATE] = f
    return st.session_state[STATE]


def _navigation(lang: str) -> None:
    acc = account()
    st.markdown(f"### :material/account_balance: {t('党群服务数据看板', lang)}")
    for path, key, icon in PAGES:
        if (db.ROOT / path).exists() and (acc.is_admin or key not in ADMIN_PAGES):
            st.page_link(path, label=t(key, lang), icon=icon)
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.caption(f"{acc.display_name} · {t(auth.ROLE_LABELS[acc.role], lang)}")
    right.button(t("退出", lang), key="logout", on_click=_logout, icon=":material/logout:")
    st.divider()


def _update(**changes) -> None:
    set_filters(dataclasses.replace(st.session_state[STATE], **changes))


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
    if mode == "custom":
        start = st.session_state.get("f_cmp_start") or f.period.start.replace(year=f.period.start.year - 1)
        end = st.session_state.get("f_cmp_end") or periods.comparison_period(f.period, "yoy").end
        if start > end:
            start, end = end, start
        _update(compare=mode, compare_period=periods.Period(start, end))
    else:
        _update(compare=mode, compare_period=periods.comparison_period(f.period, mode))


def _filter_widgets(ctx: Context) -> None:
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
                 on_change=lambda: _update(category=st.session_state["f_category"]))
    st.session_state["f_channel"] = f.channel if f.channel in ctx.channels else ""
    st.selectbox(t("受理渠道", lang), [""] + list(ctx.channels), key="f_channel",
                 format_func=lambda c: all_label if not c else c,
                 on_change=lambda: _update(channel=st.session_state["f_channel"]))

    st.session_state["lang"] = f.lang
    st.radio(t("语言", lang), filters.LANGS, key="lang", horizontal=True,
             format_func=lambda l: {"zh": "中文", "en": "English"}[l],
             on_change=lambda: _update(lang=st.session_state["lang"]))


def _write_url(f: filters.Filters) -> None:
    wanted = filters.to_query(f)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


def _header(title_key: str, f: filters.Filters, ctx: Context) -> None:
    lang = f.lang
    crumbs = filters.breadcrumb(f, ctx.index)
    names = [name for code, name in crumbs if code != ctx.index.root] or [ctx.index.name(ctx.index.root)]
    st.title(t(title_key, lang))
    st.markdown(f"**{' › '.join(names)} · {f.period.label(lang)}**")
    if len(crumbs) > 1:
        cols = st.columns(len(crumbs) + 4)
        for col, (code, name) in zip(cols, crumbs):
            col.button(name, key=f"crumb_{code}", on_click=drill_to, args=(code, ctx),
                       disabled=code == f.region(ctx.index.root), width="stretch")
    for notice in f.notices:
        st.warning(t("链接中的参数无效，已恢复默认: {detail}", lang, detail=notice))
    if f.notices:
        # shown once: the URL is rewritten with valid values on this run
        set_filters(dataclasses.replace(f, notices=()))


def no_data(lang: str) -> None:
    st.info(t("该范围内没有数据", lang))


# ── showing data with its downloads ──────────────────────────────────────────────────────────

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


def chart(fig, data, name: str, key: str, fr: Frame, selectable: bool = False):
    """A Plotly figure with downloads of the data it draws; returns the selection when selectable
    (bars, markers, treemap tiles: a click reruns the page with the clicked points)."""
    if data is None or len(data) == 0:
        no_data(fr.lang)
        return None
    event = st.plotly_chart(fig, key=f"chart_{key}", on_select="rerun" if selectable else "ignore",
                            selection_mode="points", config={"displaylogo": False})
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
