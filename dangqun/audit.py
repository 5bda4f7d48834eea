"""The audit trail (等保): who logged in, viewed, downloaded, imported or changed an account, when,
and with what result. One table, audit_log (dangqun/schema.sql), only ever appended to: nothing in
the application deletes or updates its rows (kept at least 180 days; see README 部署与安全)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from dangqun import db

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
}
# hostile input must not grow the log without bound: every text is cut to these lengths
LIMITS = {"user_name": 64, "target": 200, "detail": 2000, "result": 64}


def record(con, user: str, action: str, target: str = "", detail: str = "", result: str = "ok",
           at: dt.datetime | None = None) -> None:
    """Append one row on a cursor of its own (autocommitted, outside any caller's transaction)."""
    record_rows(con, [row(user, action, target, detail, result, at)])


def row(user: str, action: str, target: str = "", detail: str = "", result: str = "ok",
        at: dt.datetime | None = None) -> dict:
    """The parameters of one audit row, checked and cut to LIMITS, for record_rows."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    values = {"user_name": user, "target": target, "detail": detail, "result": result}
    params = {k: str(v or "")[:LIMITS[k]] for k, v in values.items()}
    params.update(logged_at=at or dt.datetime.now(), action=action)
    return params


def record_rows(con, rows: list[dict]) -> None:
    """Append rows (from `row`) in one transaction on a cursor of its own: a failed login and the
    lockout it causes are stored together or not at all."""
    cur = con.cursor()
    try:
        cur.begin()
        try:
            for params in rows:
                cur.execute(db.query_sql("audit_record"), params)
        except BaseException:
            cur.rollback()
            raise
        cur.commit()
    finally:
        cur.close()


def record_import(con, user: str, report) -> None:
    """One import row per file (an ingest.Report): its counts, or why it was rejected."""
    detail = (report.message if report.rejected else
              f"读取 {report.rows_read}，新增 {report.imported}，更新 {report.updated}，"
              f"重复 {report.duplicates}，隔离 {report.quarantined}"
              + (f"，跳过 {report.skipped}；{report.mapping}" if getattr(report, "mapping", None) else ""))
    # the file's own name: a page upload's path is a temporary directory of no interest
    record(con, user, "import", target=Path(report.file).name, detail=detail,
           result="rejected" if report.rejected else "ok")


def cli_user() -> str:
    """Who runs the command line: the operating-system account, marked as such in the log."""
    import getpass

    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):
        return "cli:?"

