"""账号管理 without Streamlit: the accounts table as an administrator reads it (roles and scopes in words,
one status per account), the regions a role may be given, and the changes an administrator may not make
to their own account."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dangqun import regions
from dangqun.auth import ROLE_LABELS, ROLE_LEVEL, Account
from dangqun.filters import RegionIndex
from dangqun.i18n import t

# the table's columns, in order (their Chinese headers are i18n keys)
COLUMNS = ("用户名", "显示名称", "角色", "查看范围", "状态")


def role_label(role: str, lang: str = "zh") -> str:
    return t(ROLE_LABELS.get(role, role), lang)


def scope_name(code: str, names: Mapping[str, str]) -> str:
    """The account's region by name: 东港市; a town with its county (喀左县 › 利州街道), since town names
    repeat across counties. A code the index does not know (no service center at or below it) stays a code."""
    name = names.get(code)
    if name is None:
        return code
    try:
        level = regions.level_of(code)
    except regions.BadRegionCode:
        return name
    if level >= 3:
        county = code[:6] + "000000"
        if county in names:
            return f"{names[county]} › {name}"
    return name


def status(acc: Account, demo_db: bool = True, lang: str = "zh") -> str:
    """启用 / 停用 / 须修改密码, and whether it is a demo account (usable only on the demo database)."""
    if acc.disabled:
        text = t("停用", lang)
    elif acc.must_change:
        text = t("须修改密码", lang)
    else:
        text = t("启用", lang)
    if acc.demo:
        note = t("演示账号", lang) if demo_db else t("演示账号，仅演示数据库可用", lang)
        text = t("{status}（{note}）", lang, status=text, note=note)
    return text


def accounts_frame(accounts: Mapping[str, Account], names: Mapping[str, str], demo_db: bool = True,
                   lang: str = "zh") -> pd.DataFrame:
    """One row per account, by name: 用户名, 显示名称, 角色, 查看范围, 状态 (headers in `lang`)."""
    rows = [(acc.name, acc.display_name or acc.name, role_label(acc.role, lang), scope_name(acc.region, names),
             status(acc, demo_db, lang))
            for acc in sorted(accounts.values(), key=lambda a: a.name)]
    return pd.DataFrame(rows, columns=[t(c, lang) for c in COLUMNS], dtype=object)


def region_choices(role: str, index: RegionIndex, current: str | None = None) -> list[str]:
    """The region codes an account of `role` may have, by code: the province for an administrator, the
    cities, counties or towns (with service centers) for the others. `current` (an account's region the
    index lacks) is kept among them, so editing an account shows what it has."""
    level = ROLE_LEVEL.get(role)
    if level is None:
        return []
    if level == 0:
        codes = [regions.PROVINCE]
    else:
        codes = sorted(c for c, lv in index.levels.items() if lv == level)
    if current and current not in codes and _level(current) == level:
        codes = sorted([*codes, current])
    return codes


def _level(code: str) -> int | None:
    try:
        return regions.level_of(code)
    except regions.BadRegionCode:
        return None


def region_label(code: str, index: RegionIndex) -> str:
    """A choice of the region selectbox: the name with the one above it for counties and towns
    (丹东市 › 东港市, 东港市 › 孤山镇), so equal names in different places tell apart."""
    name = index.names.get(code)
    if name is None:
        return code
    parent = index.parents.get(code)
    if _level(code) in (2, 3) and parent in index.names:
        return f"{index.names[parent]} › {name}"
    return name


def own_account_refusal(actor: Account, target: Account, *, disable: bool = False,
                        role: str | None = None) -> str | None:
    """Why an administrator may not make this change to their own account (None when they may): they
    would lock themselves out of the page, or out of the dashboard."""
    if actor.name != target.name:
        return None
    if disable:
        return "不能停用自己的账号。请由另一位管理员操作。"
    if role is not None and role != "admin" and target.role == "admin":
        return "不能取消自己的管理员角色。请由另一位管理员操作。"
    return None


def change_detail(role: str, region: str, names: Mapping[str, str]) -> str:
    """The audit row's words for a change of role and scope: 修改角色与范围：县级 东港市（210681000000）."""
    return f"修改角色与范围：{ROLE_LABELS.get(role, role)} {scope_name(region, names)}（{region}）"


def preset_region(role: str, account: Account | None = None) -> str | None:
    """The scope a region choice starts from when `role` is chosen: the account's own while its role is
    kept, the province for an administrator (its only choice), else none, so a scope is chosen on purpose."""
    if account is not None and role == account.role:
        return account.region
    return regions.PROVINCE if role == "admin" else None
