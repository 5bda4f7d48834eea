"""Data access for the pages: the one DuckDB connection, named queries through Streamlit's cache and the
context the sidebar's filters are built from.

Every query runs under the logged-in account's scope (its region; None for admins), taken here from
the session, never from a page: a page cannot forget it or widen it."""
from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from dangqun import alerts, audit, auth, boundaries, contract, db, filters, inbox, regions, sessions

SESSION = "_session"  # {"account": auth.Account, "seen": datetime of the last run, "sid": sessions id}
RUN_VERSION = "_data_version"


@st.cache_resource
def connection():
    """One DuckDB connection per process; every query runs on its own cursor (db.run). The inbox thread
    (dangqun.inbox) starts with it, once per process: it imports on this connection while the server
    holds the database."""
    con = db.connect(db.resolve_path())
    inbox.start(connection)
    return con


def data_version() -> int:
    cur = connection().cursor()
    try:
        return db.data_version(cur)
    finally:
        cur.close()


def read_data_version() -> None:
    """The data version this run's queries are cached under, read once per run by frame() (one small
    query instead of one per ui.query), and again by a page right after it changed the data."""
    st.session_state[RUN_VERSION] = data_version()


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def _cached_query(name: str, params: tuple, scope: str | None, version: int):
    # `version` is part of the key only: a new import changes it, so cached answers expire at once.
    return db.run(connection(), name, dict(params), scope=scope)


def account() -> auth.Account:
    """The logged-in account (frame() has stopped the script before this when nobody is)."""
    if SESSION not in st.session_state:
        raise RuntimeError("no account is logged in: call ui.frame() first")
    return st.session_state[SESSION]["account"]


def session_id() -> str:
    """The server-side session (dangqun.sessions) of the logged-in account: deferred work checks it."""
    return st.session_state[SESSION]["sid"]


def query(name: str, params: dict | None = None):
    """Named query through Streamlit's cache, keyed by query, parameters, the account's scope and the
    data version."""
    version = st.session_state.get(RUN_VERSION)
    return _cached_query(name, tuple(sorted((params or {}).items())), account().scope,
                         data_version() if version is None else version)


def region_shapes(region: str) -> boundaries.Shapes:
    """The boundaries a map of `region` draws (its outline, its child units' shapes, the ground its centers
    stand on), under the account's scope: shipped and imported shapes outside it are never returned."""
    stored = query("region_shapes", {"region": regions.prefix(region), "child_digits": filters.child_digits(region)})
    return boundaries.shapes(region, stored, account().scope)


def live_query(name: str, params: dict | None = None):
    """Named query run now, uncached, under the account's scope: for the audit log, which grows with
    every login and page view while the data version (the cache key of query()) stays the same."""
    return db.run(connection(), name, dict(params or {}), scope=account().scope)


def alert_store(period: str) -> alerts.Stored:
    """The month's alerts stored (dangqun.alerts.ensure: found at most once per month and data version, on
    the process's connection, unscoped; read back under the account's scope)."""
    return alerts.ensure(connection(), period)


def alerts_of(region: str, period: str, lang: str = "zh"):
    """(the stored month, its alerts under `region` with their statuses) as the 预警 page shows them;
    statuses change without a new data version, so they are read uncached."""
    stored = alert_store(period)
    found = alerts.listing(query, region, stored, lang)
    return stored, alerts.with_status(found, live_query("alert_statuses", {"period": period}))


def deferred_query(name: str, params: dict | None = None):
    """A zero-argument function that runs the named query uncached under the account's scope when
    called: for a full download built on click (st.download_button runs it outside the script, so the
    connection, the scope and the session are taken now). It runs only while the session is live."""
    con, scope, sid = connection(), account().scope, session_id()

    def _run():
        if not sessions.live(con, sid):
            raise sessions.SessionEnded("会话已结束，请重新登录")
        return db.run(con, name, dict(params or {}), scope=scope)
    return _run


def execute(name: str, params: dict) -> None:
    """Run a writing named query (uncached) under the account's scope."""
    db.run(connection(), name, params, scope=account().scope)


def audit_imports(results) -> None:
    """An import row in the audit log for each file the import page processed (views.data_import.Result)."""
    for r in results:
        audit.record_import(connection(), account().name, r.report)


@dataclasses.dataclass(frozen=True)
class Context:
    index: filters.RegionIndex
    latest: dt.date                 # the day periods are anchored on (today when there are no records)
    data_through: dt.date | None    # the latest day with service records: 数据截至 (None: no records)
    categories: dict[str, str]      # 大类编码 → 大类名称
    channels: tuple[str, ...]


def context() -> Context:
    acc = account()
    options = query("region_options")
    span = query("data_span")
    last = span.last_day.iloc[0]
    through = last.date() if hasattr(last, "date") and last == last else None
    cats = query("category_options")
    return Context(
        index=filters.RegionIndex.from_frame(options, root=acc.region if acc.scope else regions.PROVINCE),
        latest=through or dt.date.today(),
        data_through=through,
        categories=dict(zip(cats.category_code, cats.category_name)),
        channels=contract.CHANNELS,
    )
