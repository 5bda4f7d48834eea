"""The one module that imports Streamlit: connection, cached queries and the shared page frame."""
from __future__ import annotations

import streamlit as st

from dangqun import db


@st.cache_resource
def connection():
    """One DuckDB connection per process; every query runs on its own cursor (db.run)."""
    return db.connect(db.resolve_path())


def data_version() -> int:
    cur = connection().cursor()
    try:
        return db.data_version(cur)
    finally:
        cur.close()


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def _cached_query(name: str, params: tuple, scope: str | None, version: int):
    # `version` is part of the key only: a new import changes it, so cached answers expire at once.
    return db.run(connection(), name, dict(params), scope=scope)


def query(name: str, params: dict | None = None, scope: str | None = None):
    """Named query through Streamlit's cache, keyed by query, parameters, scope and data version."""
    return _cached_query(name, tuple(sorted((params or {}).items())), scope, data_version())
