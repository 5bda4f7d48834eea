"""审计日志 without Streamlit: the audit log as the page shows and downloads it, in words an official
reads: results as 成功/拒绝/…, a page view's URL parameters as 地区=东港市；周期=2022年12月."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import parse_qsl

from dangqun.audit import ACTIONS
from dangqun.auth import ROLE_LABELS
from dangqun.filters import LEVEL_KEYS
from dangqun.i18n import t
from dangqun.periods import COMPARE_MODES, Period

# column → its header on the page and in downloads
COLUMNS = {"logged_at": "时间", "user_name": "用户", "action": "操作", "target": "对象", "detail": "详情",
           "result": "结果"}
# the result codes the application writes (audit.record callers) → their label; another code is shown as is
RESULTS = {
    "ok": "成功",
    "refused": "拒绝",
    "rejected": "拒绝",
    "bad_credentials": "用户名或密码错误",
    "locked": "账号已锁定",
    "idle": "超时退出",
    "account_unusable": "账号已停用",
}


def _period(start: str, end: str, lang: str) -> str | None:
    try:
        return Period(date.fromisoformat(start), date.fromisoformat(end)).label(lang)
    except ValueError:
        return None


# the URL parameters of a view besides the region levels (filters.to_query)
VIEW_KEYS = ("compare", "cat", "ch", "lang")


def describe_view(detail: str, names: Mapping[str, str], categories: Mapping[str, str],
                  lang: str = "zh") -> str:
    """A page view's URL parameters (filters.to_query, as frame() logs them) in words:
    'city=210600000000&county=210681000000&start=2022-12-01&end=2022-12-31&compare=yoy' →
    '地区=东港市；周期=2022年12月；对比=同比'. Text that is no such query comes back unchanged."""
    query = dict(parse_qsl(detail or "", keep_blank_values=False))
    if not query or not ({"start", "end"} <= query.keys() or any(k in query for k in (*LEVEL_KEYS, *VIEW_KEYS))):
        return detail
    parts = []
    region = next((query[k] for k in reversed(LEVEL_KEYS) if query.get(k)), None)
    if region:
        parts.append((t("地区", lang), names.get(region, region)))
    period = _period(query.get("start", ""), query.get("end", ""), lang)
    if period:
        parts.append((t("周期", lang), period))
    compare = query.get("compare", "")
    if compare in COMPARE_MODES:
        parts.append((t("对比", lang), t(COMPARE_MODES[compare], lang)))
    elif ".." in compare:
        parts.append((t("对比", lang), _period(*compare.split("..", 1), lang) or compare))
    if query.get("cat"):
        parts.append((t("事项大类", lang), categories.get(query["cat"], query["cat"])))
    if query.get("ch"):
        parts.append((t("受理渠道", lang), query["ch"]))
    if not parts:                 # only the language: the page as it opens
        return t("默认视图", lang)
    return ("；" if lang == "zh" else "; ").join(f"{k}={v}" for k, v in parts)


def _detail(action: str, target: str, detail: str, names, categories, lang: str) -> str:
    if action == "page_view":
        return describe_view(detail, names, categories, lang)
    if action == "session_resume" and detail.startswith("session "):   # as older releases wrote it
        return t("会话 {id}", lang, id=detail.removeprefix("session "))
    if action == "login_ok":      # the account's region code (empty for an administrator)
        return names.get(detail, detail)
    return detail


def _target(action: str, target: str, lang: str) -> str:
    if action == "login_ok":      # the account's role
        return t(ROLE_LABELS.get(target, target), lang)
    return t(target, lang) if action == "page_view" else target


def audit_frame(rows, lang: str = "zh", names: Mapping[str, str] | None = None,
                categories: Mapping[str, str] | None = None):
    """The audit page's table: actions, results, targets and details in the interface language
    (`names`: region code → name, `categories`: 大类编码 → 名称, to name what a page view showed)."""
    names, categories = names or {}, categories or {}
    shown = rows[list(COLUMNS)].assign(
        action=rows["action"].map(lambda a: t(ACTIONS.get(a, a), lang)),
        target=[_target(a, x, lang) for a, x in zip(rows["action"], rows["target"])],
        detail=[_detail(a, x, d, names, categories, lang)
                for a, x, d in zip(rows["action"], rows["target"], rows["detail"])],
        result=rows["result"].map(lambda r: t(RESULTS.get(r, r), lang)))
    return shown.rename(columns={k: t(v, lang) for k, v in COLUMNS.items()})
