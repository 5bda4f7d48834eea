"""What officials record on an alert (待处理 → 已核实 / 已处理, with a note): the operational store's
alert_status (dangqun.state), kept under the alert's key so it survives recomputation, each change audited."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from dangqun import audit, regions

STATUSES = ("待处理", "已核实", "已处理")
NOTE_MAX = 500
STATUS_COLUMNS = ("alert_key", "status", "note", "updated_by", "updated_at")


def with_status(alerts: pd.DataFrame, statuses: pd.DataFrame) -> pd.DataFrame:
    """The alerts with status (待处理 where nobody acted yet), note, updated_by and updated_at."""
    merged = alerts.merge(statuses[["alert_key", "status", "note", "updated_by", "updated_at"]],
                          on="alert_key", how="left")
    return merged.assign(status=merged["status"].fillna(STATUSES[0]))


def statuses(store, period: str, scope: str | None) -> pd.DataFrame:
    """What officials recorded about the alerts of a month: status, note, by whom and when; under `scope`,
    the rows of units inside it and of the units it lies in (the province's 热点 is a county's concern too)."""
    import sqlalchemy as sa

    from dangqun.state import alert_status as table

    with store.reading() as conn:
        rows = conn.execute(sa.select(table.c.unit_code, *[table.c[c] for c in STATUS_COLUMNS])
                            .where(table.c.period == period).order_by(table.c.alert_key)).all()
    frame = pd.DataFrame(rows, columns=["unit_code", *STATUS_COLUMNS])
    if scope is not None:
        frame = frame.loc[[regions.contains(scope, u) or regions.contains(u, scope) for u in frame["unit_code"]]]
    return frame[list(STATUS_COLUMNS)].reset_index(drop=True)


def set_status(store, params: dict) -> None:
    """Record an official's status and note on one alert (from status_params), replacing the last one, with
    its audit row in the same transaction (the history is in the audit log)."""
    import sqlalchemy as sa

    from dangqun.state import alert_status as table

    detail = f"{params['status']}：{params['note']}" if params["note"] else params["status"]
    with store.writing() as conn:
        conn.execute(sa.delete(table).where(table.c.alert_key == params["alert_key"]))
        conn.execute(sa.insert(table).values(**params))
        audit.record_rows(store, [audit.row(params["updated_by"], "alert_status", target=params["alert_key"],
                                            detail=detail, at=params["updated_at"])], conn)


def status_params(alert: dict, status: str, note: str, user: str, at: dt.datetime | None = None) -> dict:
    """alert_status_set's parameters for one change; refuses an unknown status."""
    if status not in STATUSES:
        raise ValueError(f"未知的预警状态：{status}")
    return dict(alert_key=alert["alert_key"], rule=alert["rule"], unit_code=alert["unit_code"],
                subject=alert["subject"], period=alert["period"], status=status,
                note=str(note or "").strip()[:NOTE_MAX], updated_by=user, updated_at=at or dt.datetime.now())
