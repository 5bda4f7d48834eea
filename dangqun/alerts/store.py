"""The stored alerts: the province's alerts of a month found once per data version, rules and
configuration and stored (alert_found, the records behind them in alert_case, the month's topics in
topic_member, the run in alert_run), read by every page (README 「性能」, the 预警 paragraph)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
import tomllib
from dataclasses import dataclass

import pandas as pd

from dangqun import db, metrics, regions, topics
from dangqun.alerts import config
from dangqun.alerts.base import as_of_day, day, parse_period, period_of
from dangqun.alerts.engine import find, gather
from dangqun.alerts.rules import RULES

# the rules' definitions and sentences: raise it with a change to either, and every stored month is found
# anew when next asked (a change of config/alerts.toml or config/metrics.toml does the same by itself)
VERSION = "7"
_STORE_LOCK = threading.Lock()
# alert_case's columns (views.alerts.CASE_COLUMNS are the headers the page shows them under)
STORED_CASE_COLUMNS = ("alert_key", "period", "region_code", "record_id", "received_at", "center_name",
                       "item_code", "item_name", "resident_name", "phone", "status", "due_on", "request_text")


@dataclass(frozen=True)
class Stored:
    """A month whose alerts alert_found holds: its run key (what they were found from) and the day open
    cases were counted late to."""
    period: str
    key: str
    as_of: dt.date


def run_key(con) -> str:
    """What the alerts stored now are found from: the data version, the rules' VERSION and the
    configuration files' settings (their parsed values: a comment edited does not recompute every month,
    which at 20 million records costs tens of seconds and some GB of memory a month)."""
    digest = hashlib.sha256()
    for path in (config.CONFIG_PATH, metrics.CONFIG_PATH):
        with open(path, "rb") as f:
            digest.update(json.dumps(tomllib.load(f), sort_keys=True, default=str).encode())
    cur = con.cursor()
    try:
        version = db.data_version(cur)
    finally:
        cur.close()
    return f"{version}|{VERSION}|{digest.hexdigest()[:12]}"


def ensure(con, period: str) -> Stored:
    """The province's alerts of `period` in alert_found: read from there when found from this data under
    these rules, else found now and stored (a database connection that may write; the queries run
    unscoped, and readers see the rows of their scope through alert_list). Concurrent callers of a
    process wait for one computation."""
    parse_period(period)
    want = run_key(con)
    if (got := _stored(con, period, want)) is not None:
        return got
    with _STORE_LOCK:
        if (got := _stored(con, period, want)) is not None:
            return got
        return _store(con, period, want)


def refresh(con) -> Stored | None:
    """After an import (dangqun.hooks.AFTER_IMPORT): the months stored from older data dropped, and the
    alerts of the data's latest month (the month the pages open on) found and stored; None without records."""
    last = db.run(con, "data_span", {})["last_day"].iloc[0]
    want = run_key(con)
    with _STORE_LOCK:
        cur = con.cursor()
        try:
            for table in ("alert_found", "alert_case", "topic_member"):
                cur.execute(f"delete from {table} where period in (select period from alert_run where run_key <> $k)",
                            {"k": want})
            cur.execute("delete from alert_run where run_key <> $k", {"k": want})
        finally:
            cur.close()
    return None if pd.isna(last) else ensure(con, period_of(pd.Timestamp(last).date()))


def _stored(con, period: str, want: str) -> Stored | None:
    cur = con.cursor()
    try:
        row = cur.execute("select as_of from alert_run where period = $p and run_key = $k",
                          {"p": period, "k": want}).fetchone()
    finally:
        cur.close()
    return None if row is None else Stored(period, want, day(row[0]))


def _store(con, period: str, want: str) -> Stored:
    started = time.perf_counter()
    frames, latest, first = gather(lambda name, params: db.run(con, name, params), regions.PROVINCE, period)
    found = find(frames, period, latest, first)
    as_of = as_of_day(period, latest)
    # the sentences are stored as templates and values: rule_name, numbers and explanation are read anew
    rows = found.rename(columns={"unit_code": "region_code"}).assign(
        args=[json.dumps(a, ensure_ascii=False, default=_plain) for a in found["args"]],
        p_value=found["p_value"].astype("float64"))
    cases = case_rows(frames, found, period)
    cur = con.cursor()
    try:
        cur.begin()
        cur.execute("delete from alert_found where period = $p", {"p": period})
        cur.execute("delete from alert_case where period = $p", {"p": period})
        cur.register("_found_rows", rows)
        cur.execute("insert into alert_found by name "
                    "select * exclude (rule_name, numbers, explanation) from _found_rows")
        cur.register("_case_rows", cases)
        cur.execute("insert into alert_case by name select * from _case_rows")
        cur.execute("delete from topic_member where period = $p", {"p": period})
        cur.register("_topic_rows", topics.member_rows(frames["topics"], frames["topic_texts"], period))
        cur.execute("insert into topic_member by name select * from _topic_rows")
        cur.execute("insert or replace into alert_run values ($p, $k, $as_of, $at, $s, $n)",
                    {"p": period, "k": want, "as_of": as_of, "at": dt.datetime.now(),
                     "s": time.perf_counter() - started, "n": len(rows)})
        cur.commit()
    except BaseException:
        cur.rollback()
        raise
    finally:
        cur.close()
    return Stored(period, want, as_of)


def case_rows(frames: dict[str, pd.DataFrame], found: pd.DataFrame, period: str) -> pd.DataFrame:
    """The records behind the alerts of `found` whose rules keep them (Rule.cases: 超期积压, 重复诉求, 热点 of
    a topic), from the rules' frames, under the alert's key (alert_case's rows)."""
    every = pd.concat([rule.cases(frames, period) for rule in RULES if rule.cases is not None], ignore_index=True)
    every = every[every["alert_key"].isin(found["alert_key"])]
    every = every.assign(period=period, region_code=every["unit_code"])
    return every.reindex(columns=list(STORED_CASE_COLUMNS)).astype({"due_on": "datetime64[us]"})


def _plain(value):
    """A numpy number in an alert's values as JSON."""
    return value.item() if hasattr(value, "item") else str(value)
