"""账号管理 (administrators only): every account, a new one, and for a chosen account 停用/启用, 重置密码 and
修改角色与范围. Every change is written to the audit log by dangqun.auth, with the administrator's name.

Passwords are typed in forms: a text field outside a form sends its value when it loses focus, and a
password field's focus can move to its own show-password button, so a click on 新建 would go without it.
Widgets another choice resets are set through st.session_state (never removed from it): the browser
keeps a widget's last value and would send it back otherwise."""
import streamlit as st

from dangqun import auth, ui
from dangqun.markup import md
from dangqun.views import accounts as view

fr = ui.frame("账号管理")
t = fr.t
store = ui.state()
me = ui.account()
index = fr.ctx.index

DONE = "_accounts_done"        # the message of the change just made, shown once after the rerun
CLEAR = "_accounts_clear"      # widget key → value to set at the next run, before the widgets are drawn
EDITING = "_accounts_editing"  # the account the role and scope widgets were set for

for key, value in st.session_state.pop(CLEAR, {}).items():
    st.session_state[key] = value


def done(message: str, clear: dict | None = None) -> None:
    st.session_state[DONE] = message
    st.session_state[CLEAR] = clear or {}
    st.rerun()


def role_label(role: str) -> str:
    return view.role_label(role, fr.lang)


def region_label(code: str) -> str:
    return view.region_label(code, index)


def preset_region(role_key: str, region_key: str, account=None) -> None:
    """Another role was chosen: its scope starts over (the account's own when its role is chosen back)."""
    st.session_state[region_key] = view.preset_region(st.session_state[role_key], account)


def password_fields(prefix: str, first: str, second: str, side_by_side: bool = True) -> tuple[str, str]:
    """The password and its repetition (side by side, or one under the other in a narrow column), the rule
    under them."""
    row = st.columns(2) if side_by_side else (st.container(), st.container())
    one = row[0].text_input(first, key=f"{prefix}_1", type="password", max_chars=auth.MAX_PASSWORD)
    two = row[1].text_input(second, key=f"{prefix}_2", type="password", max_chars=auth.MAX_PASSWORD)
    st.caption(t("密码规则：{rule}", rule=t(auth.PASSWORD_RULE)))
    return one, two


message = st.session_state.pop(DONE, None)
if message:
    st.success(message, icon=":material/check_circle:")
    st.toast(message, icon=":material/check_circle:")

accounts = auth.load_accounts(store)
demo_db = auth.is_demo_db(ui.connection())
# a short line above the table: on a phone the table's toolbar covers the right end of the line above it
st.markdown(f"**{t('共 {n} 个账号', n=len(accounts))}**")
# the scope as wide as a town with its county (喀喇沁左翼蒙古族自治县 › 利州街道): the grid sizes columns by the
# first rows it measures and cut it otherwise
ui.table(view.accounts_frame(accounts, index.names, demo_db, fr.lang), t("账号列表"), "accounts", fr,
         column_config={t("查看范围"): st.column_config.TextColumn(width="large")})

# ── 新建账号 ──
st.subheader(t("新建账号"))
st.caption(t("新建的账号和重置的密码都是临时密码：本人下次登录时须先设置新密码。每次变更都记入审计日志。"))
with st.container(border=True):
    # one row per pair of fields: on a phone the columns stack, and the fields keep their order
    row = st.columns(2)
    name = row[0].text_input(t("登录名"), key="acc_new_name", max_chars=32,
                             placeholder=t("字母、数字、点、下划线或连字符"))
    display = row[1].text_input(t("显示名称"), key="acc_new_display", max_chars=40,
                                placeholder=t("如：东港市委组织部"))
    row = st.columns(2)
    role = row[0].selectbox(t("角色"), auth.ROLES, index=auth.ROLES.index("county"), key="acc_new_role",
                            format_func=role_label, on_change=preset_region, args=("acc_new_role", "acc_new_region"))
    choices = view.region_choices(role, index)
    region = row[1].selectbox(t("查看范围"), choices, key="acc_new_region", format_func=region_label, index=None,
                              placeholder=t("请选择") if choices else t("没有可选的地区"))
    with st.form("acc_new_form", border=False, clear_on_submit=True):
        first, second = password_fields("acc_new_password", t("初始密码"), t("再次输入初始密码"))
        create = st.form_submit_button(t("新建账号"), key="acc_new_submit", type="primary",
                                       icon=":material/person_add:")
    if create:
        try:
            if first != second:
                raise auth.AccountError("两次输入的密码不一致")
            if not region:
                raise auth.AccountError("请选择查看范围")
            auth.add_account(store, name.strip(), role, region, first, display, by=me.name, must_change=True)
        except auth.AccountError as exc:
            st.error(t(str(exc)))
        else:
            st.session_state["acc_pick"] = name.strip()     # the new account is the one chosen below
            done(t("已新建账号 {name}（{role}，{scope}）。本人首次登录时须设置新密码。", name=md(name.strip()),
                   role=role_label(role), scope=md(view.scope_name(region, index.names))),
                 clear={"acc_new_name": "", "acc_new_display": ""})

# ── a chosen account ──
st.subheader(t("管理账号"))
pick = st.selectbox(t("账号"), list(accounts), key="acc_pick",
                    format_func=lambda n: t("{name}（{display}）", name=n, display=accounts[n].display_name)
                    if n in accounts else n)
acc = accounts.get(pick)
if acc is not None:
    # another account (or the page opened anew, which drops its widgets' values): its own role and scope
    if st.session_state.get(EDITING) != acc.name or not {"acc_edit_role", "acc_edit_region"} <= st.session_state.keys():
        st.session_state[EDITING] = acc.name
        st.session_state["acc_edit_role"] = acc.role
        st.session_state["acc_edit_region"] = acc.region
    st.markdown(t("**{name}** · {role} · {scope} · {status}", name=md(acc.display_name or acc.name),
                  role=role_label(acc.role), scope=md(view.scope_name(acc.region, index.names)),
                  status=view.status(acc, demo_db, fr.lang)))
    if acc.name == me.name:
        st.caption(t("这是您自己的账号：不能停用，也不能取消管理员角色。"))
    toggle, reset, edit = st.columns(3)

    with toggle.container(border=True):
        st.markdown(f"**{t('停用 / 启用')}**")
        if acc.disabled:
            st.caption(t("启用后，该账号可以重新登录。"))
            if st.button(t("启用账号"), key="acc_toggle", icon=":material/lock_open:"):
                auth.change(store, acc.name, by=me.name, detail="启用", disabled=False)
                done(t("已启用账号 {name}。", name=md(acc.name)))
        else:
            st.caption(t("停用后，该账号立即退出且不能登录；数据和审计记录都保留。"))
            if st.button(t("停用账号"), key="acc_toggle", icon=":material/block:"):
                refusal = view.own_account_refusal(me, acc, disable=True)
                if refusal:
                    st.error(t(refusal))
                else:
                    auth.change(store, acc.name, by=me.name, detail="停用", disabled=True)
                    done(t("已停用账号 {name}。", name=md(acc.name)))

    with reset.container(border=True):
        st.markdown(f"**{t('重置密码')}**")
        with st.form("acc_reset_form", border=False, clear_on_submit=True):
            new_1, new_2 = password_fields("acc_reset_password", t("临时密码"), t("再次输入临时密码"), False)
            reset_now = st.form_submit_button(t("重置密码"), key="acc_reset_submit", icon=":material/key:")
        if reset_now:
            try:
                if new_1 != new_2:
                    raise auth.AccountError("两次输入的密码不一致")
                auth.set_password(store, acc.name, new_1, by=me.name, must_change=True)
            except auth.AccountError as exc:
                st.error(t(str(exc)))
            else:
                done(t("已重置 {name} 的密码。本人下次登录时须设置新密码。", name=md(acc.name)))

    with edit.container(border=True):
        st.markdown(f"**{t('修改角色与范围')}**")
        new_role = st.selectbox(t("角色"), auth.ROLES, key="acc_edit_role", format_func=role_label,
                                on_change=preset_region, args=("acc_edit_role", "acc_edit_region", acc))
        options = view.region_choices(new_role, index, acc.region if new_role == acc.role else None)
        new_region = st.selectbox(t("查看范围"), options, key="acc_edit_region", format_func=region_label, index=None,
                                  placeholder=t("请选择") if options else t("没有可选的地区"))
        if st.button(t("保存角色与范围"), key="acc_edit_submit", icon=":material/save:"):
            refusal = view.own_account_refusal(me, acc, role=new_role)
            if refusal:
                st.error(t(refusal))
            elif not new_region:
                st.error(t("请选择查看范围"))
            elif (new_role, new_region) == (acc.role, acc.region):
                st.info(t("角色与范围没有变化。"))
            else:
                try:
                    auth.change(store, acc.name, by=me.name, role=new_role, region=new_region,
                                detail=view.change_detail(new_role, new_region, index.names))
                except auth.AccountError as exc:
                    st.error(t(str(exc)))
                else:
                    done(t("已将 {name} 改为{role}，查看范围 {scope}。", name=md(acc.name), role=role_label(new_role),
                           scope=md(view.scope_name(new_region, index.names))))
