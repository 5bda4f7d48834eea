"""审计日志 without Streamlit: the audit log as the page shows and downloads it."""
from __future__ import annotations

from dangqun.audit import ACTIONS
from dangqun.i18n import t

# column → its header on the page and in downloads
COLUMNS = {"logged_at": "时间", "user_name": "用户", "action": "操作", "target": "对象", "detail": "详情",
           "result": "结果"}


def audit_frame(rows, lang: str = "zh"):
    """The audit page's table: action labels and headers in the interface language."""
    shown = rows[list(COLUMNS)].assign(action=rows["action"].map(lambda a: t(ACTIONS.get(a, a), lang)))
    return shown.rename(columns={k: t(v, lang) for k, v in COLUMNS.items()})
