"""Data access for the pages: the published version of the analytics store this process reads, the
operational store, named queries through Streamlit's cache and the context the sidebar's filters are
built from.

Every query runs under the logged-in account's scope (its region; None for admins), taken here from
the session, never from a page: a page cannot forget it or widen it."""
from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from dangqun import alerts, audit, auth, boundaries, contract, db, filters, inbox, publish, regions
from dangqun import state as state_module

SESSION = "_session"  # {"account": auth.Account, "seen": datetime of the last run, "sid": sessions id}
RUN_VERSION = "_data_version"


@st.cache_resource
def _readers() -> publish.Readers:
    """The versions this process reads (dangqun.publish); the inbox's watcher (dangqun.inbox) starts with
    them, once per process: it hands waiting files to the importer."""
    readers = publish.Readers(db.resolve_path())
    inbox.start(db.resolve_path())
    return readers


def connection() -> db.Reader:
    """The current published version, read-only: a new one (an import published it) is opened at the next
    call, so every run sees the newest data without a restart. Every query runs on its own cursor (db.run)."""
    return _readers().get()


def state() -> state_module.Store:
    """The operational store (accounts, sessions, the audit log, alert statuses): dangqun.state."""
    return state_module.open_store()


def data_version() -> str:
    """The published version this process reads and its data version ('v000042.duckdb:17'): the key the
    query cache is kept under. The file's name is part of it, since a rebuilt database starts its data
    version over."""
    reader = connection()
    cur = reader.cursor()
    try:
        return f"{reader.path.name}:{db.data_version(cur)}"
    finally:
        cur.close()


def read_data_version() -> None:
    """The data version this run's queries are cached under, read once per run by frame() (one small
    query instead of one per ui.query), and again by a page right after it changed the data."""
    st.session_state[RUN_VERSION] = data_version()


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def _cached_query(name: str, params: tuple, scope: str | None, version: str):
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
    """Named query run now, uncached, under the account's scope."""
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
    return stored, alerts.with_status(found, alerts.statuses(state(), period, account().scope))


def audit_unreadable(previews) -> None:
    """An audit row for each upload the reader refused as unsafe to read (dangqun.ingest.sandbox), once per
    file: the page previews on every run."""
    from dangqun.ingest import sandbox

    seen = st.session_state.setdefault("_audited_unreadable", set())
    for pv in previews:
        refusal = next((n for n in pv.notes if n.startswith(sandbox.UNSAFE)), None)
        if refusal and str(pv.path) not in seen:
            seen.add(str(pv.path))
            audit.record(state(), account().name, "import", target=pv.file, detail=f"预览：{refusal}",
                         result="rejected")


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
