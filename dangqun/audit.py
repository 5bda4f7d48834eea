"""The audit trail (等保): who logged in, viewed, downloaded, imported or changed an account, when,
and with what result. One table, audit_log of the operational store (dangqun.state), only ever appended
to: nothing in the application deletes or updates its rows (kept at least 180 days; see README 部署与安全).
Every function takes the store (a dangqun.state.Store)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from dangqun.state import audit_log

# action → its label on the audit page
ACTIONS = {
    "login_ok": "登录成功",
    "login_failed": "登录失败",
    "lockout": "账号锁定",
    "logout": "退出登录",
    "session_resume": "恢复会话",
    "page_view": "查看页面",
    "download": "下载",
    "report": "生成通报",
    "import": "导入",
    "account": "账号变更",
    "alert_status": "预警处理",
    "mapping": "映射配置",
    "backup": "备份",
    "restore": "恢复",
}
# hostile input must not grow the log without bound: every text is cut to these lengths
LIMITS = {"user_name": 64, "target": 200, "detail": 2000, "result": 64}


def record(store, user: str, action: str, target: str = "", detail: str = "", result: str = "ok",
           at: dt.datetime | None = None) -> None:
    """Append one row on a cursor of its own (autocommitted, outside any caller's transaction)."""
    record_rows(store, [row(user, action, target, detail, result, at)])


def row(user: str, action: str, target: str = "", detail: str = "", result: str = "ok",
        at: dt.datetime | None = None) -> dict:
    """The parameters of one audit row, checked and cut to LIMITS, for record_rows."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    values = {"user_name": user, "target": target, "detail": detail, "result": result}
    params = {k: str(v or "")[:LIMITS[k]] for k, v in values.items()}
    params.update(logged_at=at or dt.datetime.now(), action=action)
    return params


def record_rows(store, rows: list[dict], conn=None) -> None:
    """Append rows (from `row`) in one transaction: a failed login and the lockout it causes are stored
    together or not at all. `conn`: a transaction of the caller's (dangqun.state.Store.writing) to write
    in instead of a new one."""
    if conn is not None:
        conn.execute(sa.insert(audit_log), rows)
        return
    with store.writing() as conn:
        conn.execute(sa.insert(audit_log), rows)


def users(store):
    """审计日志's user filter: every user name in the trail with its row count."""
    import pandas as pd

    with store.reading() as conn:
        got = conn.execute(sa.select(audit_log.c.user_name, sa.func.count().label("audit_rows"))
                           .group_by(audit_log.c.user_name).order_by(audit_log.c.user_name)).all()
    return pd.DataFrame(got, columns=["user_name", "audit_rows"])


def page(store, user_name: str, action: str, start: dt.date, end: dt.date, limit: int):
    """审计日志: the rows of the days start..end (both included), newest first, for one user and one action
    when given ('' for all); at most `limit` rows."""
    import pandas as pd

    q = (sa.select(audit_log)
         .where(audit_log.c.logged_at >= dt.datetime.combine(start, dt.time()),
                audit_log.c.logged_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
         .order_by(audit_log.c.logged_at.desc(), audit_log.c.audit_id.desc()).limit(limit))
    if user_name:
        q = q.where(audit_log.c.user_name == user_name)
    if action:
        q = q.where(audit_log.c.action == action)
    with store.reading() as conn:
        got = conn.execute(q).all()
    return pd.DataFrame(got, columns=[c.name for c in audit_log.columns])


def record_import(store, user: str, report) -> None:
    """One import row per file (an ingest.Report): its counts, or why it was rejected."""
    detail = (report.message if report.rejected else
              f"读取 {report.rows_read}，新增 {report.imported}，更新 {report.updated}，"
              f"重复 {report.duplicates}，隔离 {report.quarantined}"
              + (f"，跳过 {report.skipped}；{report.mapping}" if getattr(report, "mapping", None) else ""))
    # the file's own name: a page upload's path is a temporary directory of no interest
    record(store, user, "import", target=Path(report.file).name, detail=detail,
           result="rejected" if report.rejected else "ok")


def cli_user() -> str:
    """Who runs the command line: the operating-system account, marked as such in the log."""
    import getpass

    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli:?"

