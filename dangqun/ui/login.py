"""The login gate: the login form, the session of the logged-in account (kept across reloads by a
cookie, dangqun.sessions) and its end (logout, idle, disabled account), each written to the audit log."""
from __future__ import annotations

import streamlit as st

from dangqun import audit, auth, sessions, web_session
from dangqun.i18n import t
from dangqun.ui.data import SESSION, connection, state

BIND_COOKIE = "_bind_cookie"     # the grant a new login's cookie is fetched with (web_session.offer)
CLEAR_COOKIE = "_clear_cookie"   # the session id whose cookie the browser should drop
TRIED = "_cookie_tried"          # the session id of this connection's cookie, once tried


def url_lang() -> str:
    return "en" if st.query_params.get("lang") == "en" else "zh"


def gate() -> auth.Account:
    """The logged-in account, read again from the operational store on every run (a disabled account or a
    changed role takes effect at once); otherwise the login form, and the script stops. A new browser
    connection (F5, a link opened in another tab) takes the account back from the session cookie; a
    session ended on the server (logout in any tab, idle, age) ends here too."""
    store = state()
    session = st.session_state.get(SESSION) or _resume(store)
    if session:
        sid = session["sid"]
        name, status = sessions.check(store, sid)
        acc = auth.get_account(store, session["account"].name)
        if status == sessions.LIVE and not auth.usable(acc, auth.is_demo_db(connection())):
            sessions.end(store, sid, "account_unusable")
            _forget(sid, "账号已停用，请联系管理员")
        elif status in (sessions.IDLE, sessions.EXPIRED):
            _forget(sid, "长时间未操作，已自动退出，请重新登录")
        elif status != sessions.LIVE:
            _forget(sid, "已退出登录")
        elif acc.must_change:
            _change_password(store, acc, url_lang())
            _cookie_scripts(st)
            st.stop()
        else:
            sessions.touch(store, sid)
            st.session_state[SESSION] = {"account": acc, "seen": auth.now(), "sid": sid}
            _cookie_scripts(st.sidebar)
            return acc
    _login_form(store, url_lang())
    _cookie_scripts(st)     # below the form: a sidebar here would stand empty
    st.stop()


def _resume(store) -> dict | None:
    """The session of the connection's cookie, once per connection (st.context.cookies are those of
    the websocket's opening request, the same for the connection's whole life)."""
    token = st.context.cookies.get(web_session.COOKIE)
    if not isinstance(token, str) or not token:     # AppTest has no cookies, only a stand-in
        return None
    sid = sessions.session_id(token)
    if st.session_state.get(TRIED) == sid:
        return None
    st.session_state[TRIED] = sid
    name, status = sessions.check(store, sid)
    acc = auth.get_account(store, name or "")
    if status == sessions.LIVE and auth.usable(acc, auth.is_demo_db(connection())):
        audit.record(store, acc.name, "session_resume", target=_page_path(), detail=f"session {sid[:8]}")   # shown as 会话 … (views.audit)
        session = {"account": acc, "seen": auth.now(), "sid": sid}
        st.session_state[SESSION] = session
        return session
    if status == sessions.LIVE:
        sessions.end(store, sid, "account_unusable")
    st.session_state[CLEAR_COOKIE] = sid
    if status in (sessions.IDLE, sessions.EXPIRED):
        st.session_state["_login_notice"] = "长时间未操作，已自动退出，请重新登录"
    return None


def _page_path() -> str:
    from urllib.parse import urlsplit

    url = st.context.url or ""
    return urlsplit(url).path[-200:]


def _cookie_scripts(where) -> None:
    """Hand a new login's token to the browser's cookie, or clear a cookie whose session ended
    (dangqun.web_session): a script drawn where it takes no room (a page's sidebar, under the login form)."""
    grant = st.session_state.get(BIND_COOKIE)
    if grant and not web_session.pending(grant):
        del st.session_state[BIND_COOKIE]
    elif grant:
        where.html(web_session.bind_script(grant), unsafe_allow_javascript=True)
    if st.session_state.get(CLEAR_COOKIE) and not grant:
        where.html(web_session.clear_script(st.session_state[CLEAR_COOKIE]), unsafe_allow_javascript=True)


def keep_alive() -> bool:
    """For the 大屏, which refreshes itself without anyone touching it: whether its session still
    holds. Its refreshes count as activity (a meeting-room display is not logged out for idleness);
    a disabled account ends it at the next refresh (False: rerun the page, and gate() ends the
    session and shows the login form)."""
    session = st.session_state.get(SESSION)
    if not session or not auth.usable(auth.get_account(state(), session["account"].name),
                                      auth.is_demo_db(connection())):
        return False
    session["seen"] = auth.now()
    if session.get("sid"):   # the server-side session (dangqun.sessions) counts the refresh as activity too
        sessions.touch(state(), session["sid"])
    return True


def _login_form(store, lang: str) -> None:
    accounts = auth.load_accounts(store)
    demo_db = auth.is_demo_db(connection())
    st.title(t("党群服务数据看板", lang))
    notice = st.session_state.pop("_login_notice", "")
    if notice:
        st.info(t(notice, lang))
    if not any(auth.usable(a, demo_db) for a in accounts.values()):
        st.warning(t("还没有可用的账号。请在服务器上创建第一个管理员账号：", lang))
        st.code("python -m dangqun user add NAME --role admin --region 210000000000 --password-stdin",
                language="bash")
        if demo_db:
            st.caption(t("演示数据库：运行 python -m dangqun demo 生成演示账号（见 README）", lang))
        return
    st.subheader(t("登录", lang))
    with st.form("login", clear_on_submit=True, width=420):
        st.text_input(t("用户名", lang), key="login_user", max_chars=64)
        st.text_input(t("密码", lang), key="login_password", type="password", max_chars=auth.MAX_PASSWORD)
        submitted = st.form_submit_button(t("登录", lang), key="login_submit", type="primary")
    if submitted:
        acc, message = auth.login(store, st.session_state.get("login_user", ""),
                                  st.session_state.get("login_password", ""), demo_db)
        if acc:
            token = sessions.start(store, acc.name)
            st.session_state.pop(CLEAR_COOKIE, None)
            st.session_state[BIND_COOKIE] = web_session.offer(token)
            st.session_state[SESSION] = {"account": acc, "seen": auth.now(), "sid": sessions.session_id(token)}
            st.rerun()
        st.error(t(message, lang))
    if demo_db:
        st.caption(t("这是演示数据库：演示账号见 README。", lang))


def _change_password(store, acc: auth.Account, lang: str) -> None:
    """An administrator set this account's password: the official chooses their own before going on."""
    st.title(t("党群服务数据看板", lang))
    st.subheader(t("请设置新密码", lang))
    st.caption(t("管理员为您重置了密码。继续使用前请设置只有您知道的新密码：{rule}", lang,
                 rule=t(auth.PASSWORD_RULE, lang)))
    with st.form("new_password", clear_on_submit=True, width=420):
        st.text_input(t("新密码", lang), key="new_password_1", type="password", max_chars=auth.MAX_PASSWORD)
        st.text_input(t("再次输入新密码", lang), key="new_password_2", type="password", max_chars=auth.MAX_PASSWORD)
        submitted = st.form_submit_button(t("保存新密码", lang), key="new_password_submit", type="primary")
    if submitted:
        first, second = st.session_state.get("new_password_1", ""), st.session_state.get("new_password_2", "")
        try:
            if first != second:
                raise auth.AccountError("两次输入的密码不一致")
            auth.set_password(store, acc.name, first, by=acc.name)
        except auth.AccountError as exc:
            st.error(t(str(exc), lang))
            return
        st.rerun()


def _forget(sid: str, notice: str) -> None:
    """Forget everything the session held (filters, searches, uploads), refuse its downloads, and have
    the browser's cookie cleared; the cookie of this connection is not tried again."""
    web_session.forget(sid)
    st.session_state.clear()
    st.session_state["_login_notice"] = notice
    st.session_state[CLEAR_COOKIE] = sid
    st.session_state[TRIED] = sid


def logout() -> None:
    session = st.session_state[SESSION]
    sessions.end(state(), session["sid"], "logout")
    _forget(session["sid"], "已退出登录")
