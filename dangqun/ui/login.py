"""The login gate: the login form, the session of the logged-in account and its end (logout, idle,
disabled account), each written to the audit log."""
from __future__ import annotations

import streamlit as st

from dangqun import audit, auth
from dangqun.i18n import t
from dangqun.ui.data import SESSION, account, connection


def url_lang() -> str:
    return "en" if st.query_params.get("lang") == "en" else "zh"


def gate() -> auth.Account:
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
    _login_form(con, url_lang())
    st.stop()


def keep_alive() -> bool:
    """For the 大屏, which refreshes itself without anyone touching it: whether its session still
    holds. Its refreshes count as activity (a meeting-room display is not logged out for idleness);
    a disabled account ends it at the next refresh (False: rerun the page, and gate() ends the
    session and shows the login form)."""
    session = st.session_state.get(SESSION)
    if not session or not auth.usable(auth.load_accounts().get(session["account"].name),
                                      auth.is_demo_db(connection())):
        return False
    session["seen"] = auth.now()
    return True


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


def logout() -> None:
    _end_session(account().name, "ok", "已退出登录")
