"""账号管理 (app_pages/accounts.py, administrators only): the accounts table in words, a new account through the
page and its holder's first login, 停用/启用, 重置密码, 修改角色与范围, the password rule, the refusals of an
administrator's changes to their own account, and English. Every account these tests make is named pt_acc_…:
the app's operational store is shared by the whole session."""
from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import log_in
from tests.test_audit import rows

PAGE = "app_pages/accounts.py"
ROOT = Path(__file__).resolve().parent.parent
TEMPORARY = "Dq-2024-temp"       # meets the rule: upper, lower, digits, symbol
OWN = "Mine#2024pass"


def store():
    from dangqun import ui

    return ui.state()


def accounts():
    from dangqun import auth

    return auth.load_accounts(store())


def account_rows(name):
    """The audit rows of account changes on `name`: (by, detail, result)."""
    return [(user, detail, result) for user, _, target, detail, result in rows(store(), "account") if target == name]


def make(name, role="county", region="210681000000", password=TEMPORARY, must_change=False):
    """An account made behind the page's back (the page's own 新建 is tested on its own)."""
    from dangqun import auth

    if name not in accounts():
        auth.add_account(store(), name, role, region, password, display_name=f"测试 {name}", by="pytest",
                         must_change=must_change)


def app_login(name, password):
    """A new browser session on app.py, logged in (or not) through the login form."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return log_in(at, name, password)


def table(at):
    return at.dataframe[0].value.set_index("用户名")


def pick(at, name):
    at.selectbox(key="acc_pick").set_value(name).run()
    assert not at.exception
    return at


def messages(elements):
    return [e.value for e in elements]


# ── the table ──

def test_the_table_names_roles_scopes_and_states_in_chinese(open_page):
    at = open_page(PAGE)
    assert not at.exception and at.title[0].value == "账号管理"
    shown = table(at)
    assert list(shown.columns) == ["显示名称", "角色", "查看范围", "状态"]
    assert shown.loc["admin", ["角色", "查看范围", "状态"]].tolist() == ["管理员", "辽宁省", "启用（演示账号）"]
    assert shown.loc["dandong", ["角色", "查看范围"]].tolist() == ["市级", "丹东市"]
    assert shown.loc["donggang", ["显示名称", "角色", "查看范围"]].tolist() == ["东港市委组织部（演示）", "县级", "东港市"]
    assert shown.loc["lizhou", ["角色", "查看范围"]].tolist() == ["乡镇街道", "喀喇沁左翼蒙古族自治县 › 利州街道"]
    # no code, no None, no English in the Chinese interface
    for column in ("角色", "查看范围", "状态"):
        assert not shown[column].str.contains(r"[A-Za-z0-9]|None").any(), shown[column].tolist()
    assert [b.key for b in at.get("download_button")] == ["csv_accounts", "xlsx_accounts"]
    # the password rule is stated under both password fields
    assert sum("密码规则：至少 8 个字符，含大写字母、小写字母、数字、符号中的至少 3 类" in c.value for c in at.caption) == 2


def test_the_scope_choices_follow_the_role(open_page, demo_con):
    at = open_page(PAGE)
    levels = dict(demo_con.execute("select level, list(region_code order by region_code) from regions "
                                   "where region_code in (select rpad(left(region_code, n), 12, '0') from centers, "
                                   "unnest([4, 6, 9]) as t(n)) group by level").fetchall())
    region = at.selectbox(key="acc_new_region")
    assert at.selectbox(key="acc_new_role").value == "county"
    assert region.value is None and len(region.options) == len(levels["县"])    # chosen on purpose, no default
    assert "丹东市 › 东港市" in region.options
    for role, level in (("city", "市"), ("town", "乡镇街道")):
        at.selectbox(key="acc_new_role").set_value(role).run()
        region = at.selectbox(key="acc_new_region")
        assert len(region.options) == len(levels[level]) and region.value is None, role
    assert "东港市 › 孤山镇" in region.options
    at.selectbox(key="acc_new_role").set_value("admin").run()
    assert at.selectbox(key="acc_new_region").options == ["辽宁省"]
    assert at.selectbox(key="acc_new_region").value == "210000000000"
    assert not any(re.search(r"None|\d{6}", o) for o in at.selectbox(key="acc_new_region").options)


# ── a new account and its first login ──

def test_an_account_made_on_the_page_sets_its_own_password_at_the_first_login(open_page):
    name = "pt_acc_new"
    at = open_page(PAGE)
    at.text_input(key="acc_new_name").input(name)
    at.text_input(key="acc_new_display").input("孤山镇党委（测试）")
    at.selectbox(key="acc_new_role").set_value("town").run()
    at.selectbox(key="acc_new_region").set_value("210681101000").run()
    at.text_input(key="acc_new_password_1").input(TEMPORARY)
    at.text_input(key="acc_new_password_2").input(TEMPORARY)
    at.button(key="acc_new_submit").click().run()
    assert not at.exception and messages(at.error) == []
    assert messages(at.success) == ["已新建账号 pt\\_acc\\_new（乡镇街道，东港市 › 孤山镇）。本人首次登录时须设置新密码。"]
    assert len(at.toast) == 1
    # stored as chosen, with a temporary password, and audited as the administrator's
    acc = accounts()[name]
    assert (acc.role, acc.region, acc.display_name, acc.must_change, acc.disabled) == \
        ("town", "210681101000", "孤山镇党委（测试）", True, False)
    assert [(by, result) for by, _, result in account_rows(name)] == [("admin", "ok")]
    # the table shows it at once, the name fields are empty again (the browser's form empties the passwords)
    # and the new account is the one chosen below
    assert table(at).loc[name].tolist() == ["孤山镇党委（测试）", "乡镇街道", "东港市 › 孤山镇", "须修改密码"]
    assert at.text_input(key="acc_new_name").value == "" and at.text_input(key="acc_new_display").value == ""
    assert at.selectbox(key="acc_pick").value == name

    # its holder logs in with the temporary password and must choose their own first
    first = app_login(name, TEMPORARY)
    assert [s.value for s in first.subheader] == ["请设置新密码"] and len(first.metric) == 0
    first.text_input(key="new_password_1").input(OWN)
    first.text_input(key="new_password_2").input(OWN)
    first.button(key="new_password_submit").click().run()
    assert not first.exception and first.title[0].value == "总览" and len(first.metric) > 0
    assert accounts()[name].must_change is False
    assert app_login(name, TEMPORARY).title[0].value != "总览"         # the temporary one is gone
    assert app_login(name, OWN).title[0].value == "总览"


def create(at, first, second=None):
    """Type the two passwords (the form empties them on every submit) and press 新建账号."""
    at.text_input(key="acc_new_password_1").input(first)
    at.text_input(key="acc_new_password_2").input(first if second is None else second)
    at.button(key="acc_new_submit").click().run()
    return messages(at.error)


def test_a_weak_or_repeated_wrong_password_is_refused(open_page):
    at = open_page(PAGE)
    at.text_input(key="acc_new_name").input("pt_acc_weak")
    assert create(at, "abcdefgh") == ["请选择查看范围"]                  # no region is chosen for the official
    at.selectbox(key="acc_new_region").set_value("210681000000").run()
    assert create(at, "abcdefgh") == ["密码应至少包含大写字母、小写字母、数字、符号中的 3 类（现有：小写字母）"]
    assert create(at, "Ab1") == ["密码长度应为 8–256 个字符"]
    assert create(at, TEMPORARY, TEMPORARY + "x") == ["两次输入的密码不一致"]
    at.text_input(key="acc_new_name").input("pt acc weak")
    assert create(at, TEMPORARY) == ["用户名应为 1–32 个字母、数字、点、下划线或连字符"]
    assert messages(at.success) == [] and "pt_acc_weak" not in accounts() and "pt acc weak" not in accounts()
    # a name taken already
    at.text_input(key="acc_new_name").input("donggang")
    assert create(at, TEMPORARY) == ["用户 donggang 已存在"]
    assert accounts()["donggang"].demo and at.text_input(key="acc_new_name").value == "donggang"   # kept to fix


# ── a chosen account ──

def test_a_disabled_account_cannot_log_in_until_enabled_again(open_page):
    name = "pt_acc_toggle"
    make(name)
    assert app_login(name, TEMPORARY).title[0].value == "总览"
    at = pick(open_page(PAGE), name)
    assert at.button(key="acc_toggle").label == "停用账号"
    at.button(key="acc_toggle").click().run()
    assert messages(at.success) == ["已停用账号 pt\\_acc\\_toggle。"]
    assert accounts()[name].disabled and table(at).loc[name, "状态"] == "停用"
    assert account_rows(name)[-1] == ("admin", "停用", "ok")
    refused = app_login(name, TEMPORARY)
    assert messages(refused.error) == ["用户名或密码错误"] and len(refused.metric) == 0

    assert at.button(key="acc_toggle").label == "启用账号"
    at.button(key="acc_toggle").click().run()
    assert messages(at.success) == ["已启用账号 pt\\_acc\\_toggle。"]
    assert not accounts()[name].disabled and table(at).loc[name, "状态"] == "启用"
    assert account_rows(name)[-1] == ("admin", "启用", "ok")
    assert app_login(name, TEMPORARY).title[0].value == "总览"


def test_a_reset_password_is_temporary(open_page):
    name = "pt_acc_reset"
    make(name, password=OWN)
    at = pick(open_page(PAGE), name)
    at.text_input(key="acc_reset_password_1").input("weakweak")
    at.text_input(key="acc_reset_password_2").input("weakweak")
    at.button(key="acc_reset_submit").click().run()
    assert messages(at.error) == ["密码应至少包含大写字母、小写字母、数字、符号中的 3 类（现有：小写字母）"]
    assert not accounts()[name].must_change
    at.text_input(key="acc_reset_password_1").input(TEMPORARY)
    at.text_input(key="acc_reset_password_2").input(TEMPORARY)
    at.button(key="acc_reset_submit").click().run()
    assert messages(at.error) == []
    assert messages(at.success) == ["已重置 pt\\_acc\\_reset 的密码。本人下次登录时须设置新密码。"]
    assert accounts()[name].must_change and table(at).loc[name, "状态"] == "须修改密码"
    by, detail, result = account_rows(name)[-1]
    assert (by, result) == ("admin", "ok") and "重置密码" in detail
    assert messages(app_login(name, OWN).error) == ["用户名或密码错误"]
    assert [s.value for s in app_login(name, TEMPORARY).subheader] == ["请设置新密码"]


def test_role_and_scope_are_changed_together(open_page):
    name = "pt_acc_scope"
    make(name)
    at = pick(open_page(PAGE), name)
    assert at.selectbox(key="acc_edit_role").value == "county"
    assert at.selectbox(key="acc_edit_region").value == "210681000000"
    at.button(key="acc_edit_submit").click().run()
    assert messages(at.info) == ["角色与范围没有变化。"]
    at.selectbox(key="acc_edit_role").set_value("city").run()
    assert "丹东市" in at.selectbox(key="acc_edit_region").options
    at.selectbox(key="acc_edit_region").set_value("210600000000").run()
    at.button(key="acc_edit_submit").click().run()
    assert messages(at.error) == []
    assert messages(at.success) == ["已将 pt\\_acc\\_scope 改为市级，查看范围 丹东市。"]
    acc = accounts()[name]
    assert (acc.role, acc.region) == ("city", "210600000000")
    assert table(at).loc[name, ["角色", "查看范围"]].tolist() == ["市级", "丹东市"]
    assert account_rows(name)[-1] == ("admin", "修改角色与范围：市级 丹东市（210600000000）", "ok")
    # the holder now sees 丹东市 (the scope is the account's, read again at login)
    dashboard = app_login(name, TEMPORARY)
    assert dashboard.title[0].value == "总览"
    assert any(m.value.startswith("**丹东市 · ") for m in dashboard.markdown)


def test_an_administrator_cannot_lock_themselves_out(open_page):
    at = pick(open_page(PAGE), "admin")
    at.button(key="acc_toggle").click().run()
    assert messages(at.error) == ["不能停用自己的账号。请由另一位管理员操作。"]
    at.selectbox(key="acc_edit_role").set_value("city").run()
    at.button(key="acc_edit_submit").click().run()
    assert messages(at.error) == ["不能取消自己的管理员角色。请由另一位管理员操作。"]
    admin = accounts()["admin"]
    assert (admin.role, admin.disabled) == ("admin", False) and messages(at.success) == []


def test_only_administrators_open_the_page(open_page):
    at = open_page(PAGE, user="donggang")
    assert messages(at.error) == ["无权使用该页面"]
    assert len(at.dataframe) == 0 and len(at.text_input) == 0 and len(at.selectbox) == 0
    links = [link.proto.label for link in at.sidebar.get("page_link")]
    assert "账号管理" not in links and "总览" in links


def test_the_page_in_english(open_page):
    at = open_page(PAGE, lang="en")
    assert not at.exception and at.title[0].value == "Accounts"
    shown = at.dataframe[0].value.set_index("User name")
    assert list(shown.columns) == ["Display name", "Role", "Scope", "Status"]
    assert shown.loc["admin", ["Role", "Status"]].tolist() == ["Administrator", "Active (demo account)"]
    assert at.button(key="acc_new_submit").label == "New account"
    assert at.text_input(key="acc_new_password_1").label == "Initial password"
